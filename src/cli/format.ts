import type { Prompt, Resource, ResourceTemplateType, Tool } from "@modelcontextprotocol/client";
import type { ToolCallResult } from "../client/client.js";
import { renderBlock, type Style } from "../human/render.js";

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
    return JSON.stringify(structured, null, 2);
  }
  if (result.content.every((block) => block.type === "text")) return result.text;
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
    const fallback = property.default !== undefined ? ` = ${JSON.stringify(property.default)}` : "";
    const description =
      typeof property.description === "string" ? style.dim(` — ${property.description}`) : "";
    return `${indent}${name}: ${typeOf(property)}${flags}${fallback}${description}`;
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
      `  ${style.accent(tool.name)}${tool.description !== undefined ? ` — ${tool.description}` : ""}`,
    );
    lines.push(...formatSchema(tool.inputSchema, style, "      "));
    if (tool.outputSchema !== undefined)
      lines.push(`      ${style.dim(`returns: ${JSON.stringify(tool.outputSchema)}`)}`);
  }
  lines.push("", heading("Resources", listing.resources.length, style));
  for (const resource of listing.resources) {
    const mime = resource.mimeType !== undefined ? ` (${resource.mimeType})` : "";
    const description = resource.description !== undefined ? ` — ${resource.description}` : "";
    lines.push(`  ${style.accent(resource.uri)}  ${resource.name}${mime}${description}`);
  }
  if (listing.resourceTemplates.length > 0) {
    lines.push("", heading("Resource templates", listing.resourceTemplates.length, style));
    for (const template of listing.resourceTemplates) {
      const description = template.description !== undefined ? ` — ${template.description}` : "";
      lines.push(`  ${style.accent(template.uriTemplate)}  ${template.name}${description}`);
    }
  }
  lines.push("", heading("Prompts", listing.prompts.length, style));
  for (const prompt of listing.prompts) {
    lines.push(
      `  ${style.accent(prompt.name)}${prompt.description !== undefined ? ` — ${prompt.description}` : ""}`,
    );
    for (const argument of prompt.arguments ?? []) {
      const flags = argument.required === true ? style.warn(" (required)") : "";
      const description = argument.description !== undefined ? style.dim(` — ${argument.description}`) : "";
      lines.push(`      ${argument.name}${flags}${description}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
