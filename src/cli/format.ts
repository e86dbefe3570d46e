import type { Prompt, Resource, ResourceTemplateType, Tool } from "@modelcontextprotocol/client";
import type { ToolCallResult } from "../client/client.js";
import { inertName, inertText } from "../human/inert-text.js";
import { renderBlock, type Style } from "../human/render.js";

// Everything here comes from the server and goes to a terminal: inert (see inert-text.ts). A tool
// result is not cut (it may be the data asked for; --json gives it raw), only its controls escaped.
const whole = (text: string) => inertText(text, { maxLength: Number.POSITIVE_INFINITY });
const line = (text: string) => inertText(text, { newlines: false });

export interface Listing {
  tools: Tool[];
  resources: Resource[];
  resourceTemplates: ResourceTemplateType[];
  prompts: Prompt[];
}

/** A tool result for people: its text, pretty JSON for structured content, placeholders for binary blocks. */
export function formatResult(result: ToolCallResult): string {
  const structured = result.structuredContent;
  if (structured !== undefined && (result.text === "" || result.text === JSON.stringify(structured))) {
    return whole(JSON.stringify(structured, null, 2));
  }
  if (result.content.every((block) => block.type === "text")) return whole(result.text);
  return result.content.map((block) => renderBlock(block as Parameters<typeof renderBlock>[0])).join("\n");
}

type PropertySchema = {
  type?: unknown;
  enum?: unknown[];
  description?: unknown;
  default?: unknown;
  items?: { type?: unknown };
};

function typeOf(property: PropertySchema): string {
  return line(rawTypeOf(property));
}

function rawTypeOf(property: PropertySchema): string {
  if (Array.isArray(property.enum)) return property.enum.map((value) => JSON.stringify(value)).join(" | ");
  if (property.type === "array" && property.items?.type !== undefined)
    return `${String(property.items.type)}[]`;
  if (Array.isArray(property.type)) return property.type.join(" | ");
  return String(property.type ?? "any");
}

/** One line per argument: `name: type (required) = default — description`. */
export function formatSchema(schema: unknown, style: Style, indent: string): string[] {
  const record = (schema ?? {}) as { properties?: Record<string, PropertySchema>; required?: string[] };
  const required = new Set(record.required ?? []);
  const entries = Object.entries(record.properties ?? {});
  if (entries.length === 0) return [`${indent}${style.dim("(no arguments)")}`];
  return entries.map(([name, property]) => {
    const flags = required.has(name) ? style.warn(" (required)") : "";
    const fallback = property.default !== undefined ? ` = ${line(JSON.stringify(property.default))}` : "";
    const description =
      typeof property.description === "string" ? style.dim(` — ${inertText(property.description)}`) : "";
    return `${indent}${inertName(name)}: ${typeOf(property)}${flags}${fallback}${description}`;
  });
}

function heading(title: string, count: number, style: Style): string {
  return style.bold(`${title} (${count})`);
}

/** tools, resources, resource templates and prompts, human readable. */
export function formatListing(listing: Listing, style: Style): string {
  const lines: string[] = [heading("Tools", listing.tools.length, style)];
  for (const tool of listing.tools) {
    lines.push(
      `  ${style.accent(inertName(tool.name))}${tool.description !== undefined ? ` — ${inertText(tool.description)}` : ""}`,
    );
    lines.push(...formatSchema(tool.inputSchema, style, "      "));
    if (tool.outputSchema !== undefined)
      lines.push(`      ${style.dim(`returns: ${line(JSON.stringify(tool.outputSchema))}`)}`);
  }
  lines.push("", heading("Resources", listing.resources.length, style));
  for (const resource of listing.resources) {
    const mime = resource.mimeType !== undefined ? ` (${inertName(resource.mimeType)})` : "";
    const description = resource.description !== undefined ? ` — ${inertText(resource.description)}` : "";
    lines.push(
      `  ${style.accent(inertName(resource.uri))}  ${inertName(resource.name)}${mime}${description}`,
    );
  }
  if (listing.resourceTemplates.length > 0) {
    lines.push("", heading("Resource templates", listing.resourceTemplates.length, style));
    for (const template of listing.resourceTemplates) {
      const description = template.description !== undefined ? ` — ${inertText(template.description)}` : "";
      lines.push(
        `  ${style.accent(inertName(template.uriTemplate))}  ${inertName(template.name)}${description}`,
      );
    }
  }
  lines.push("", heading("Prompts", listing.prompts.length, style));
  for (const prompt of listing.prompts) {
    lines.push(
      `  ${style.accent(inertName(prompt.name))}${prompt.description !== undefined ? ` — ${inertText(prompt.description)}` : ""}`,
    );
    for (const argument of prompt.arguments ?? []) {
      const flags = argument.required === true ? style.warn(" (required)") : "";
      const description =
        argument.description !== undefined ? style.dim(` — ${inertText(argument.description)}`) : "";
      lines.push(`      ${inertName(argument.name)}${flags}${description}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
