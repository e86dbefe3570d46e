import { asBlocks } from "../content.js";
import type {
  ModelPreferences,
  RequestContext,
  SamplingHandlerResult,
  SamplingMessage,
  SamplingMessageContentBlock,
  SamplingParams,
} from "../sampling/types.js";
import { inertName, inertText } from "./inert-text.js";

/** ANSI styling that collapses to plain text when colour is off. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  accent(text: string): string;
  warn(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export function createStyle(color: boolean): Style {
  if (!color) {
    const plain = (text: string) => text;
    return { bold: plain, dim: plain, accent: plain, warn: plain };
  }
  return { bold: wrap(1, 22), dim: wrap(2, 22), accent: wrap(36, 39), warn: wrap(33, 39) };
}

/** Colour by default only on a terminal and when NO_COLOR is not set (https://no-color.org). */
export function defaultColor(output: NodeJS.WritableStream): boolean {
  const noColor = process.env.NO_COLOR;
  if (noColor !== undefined && noColor !== "") return false;
  return (output as { isTTY?: boolean }).isTTY === true;
}

/** The decoded size of base64 data, without decoding it. */
export function base64Bytes(data: string): number {
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line, index) => (index === 0 ? line : `${prefix}${line}`))
    .join("\n");
}

/**
 * One content block as a line of text; binary data becomes a placeholder with its type and size.
 * Everything in it is inert (see inert-text.ts): blocks come from servers and LLMs.
 */
export function renderBlock(
  block: SamplingMessageContentBlock | { type: string; [key: string]: unknown },
): string {
  const b = block as Record<string, unknown>;
  const name = (value: unknown) => inertName(String(value));
  switch (block.type) {
    case "text":
      return inertText(String(b.text));
    case "image":
    case "audio":
      return `[${block.type}: ${name(b.mimeType)}, ${formatBytes(base64Bytes(String(b.data ?? "")))}]`;
    case "tool_use":
      return `[tool call ${name(b.name)} ${inertText(JSON.stringify(b.input ?? {}))} (id ${name(b.id)})]`;
    case "tool_result": {
      const parts = Array.isArray(b.content) ? (b.content as Array<{ type: string }>).map(renderBlock) : [];
      const flag = b.isError === true ? " (error)" : "";
      return `[tool result for ${name(b.toolUseId)}${flag}: ${parts.join(" ")}]`;
    }
    case "resource_link":
      return `[resource link: ${name(b.uri)}]`;
    case "resource": {
      const resource = (b.resource ?? {}) as Record<string, unknown>;
      return typeof resource.text === "string"
        ? `[resource ${name(resource.uri)}]\n${inertText(resource.text)}`
        : `[resource ${name(resource.uri)}: ${name(resource.mimeType ?? "binary")}, ${formatBytes(base64Bytes(String(resource.blob ?? "")))}]`;
    }
    default:
      return `[${name(block.type)} content]`;
  }
}

export function renderContent(content: SamplingMessage["content"]): string {
  return asBlocks(content)
    .map((block) => renderBlock(block))
    .join("\n");
}

function renderPreferences(preferences: ModelPreferences): string | undefined {
  const parts: string[] = [];
  const hints = (preferences.hints ?? [])
    .map((hint) => hint.name)
    .filter((name) => name !== undefined)
    .map((name) => inertName(String(name)));
  if (hints.length > 0) parts.push(`hints ${hints.join(", ")}`);
  for (const key of ["intelligencePriority", "speedPriority", "costPriority"] as const) {
    const value = preferences[key];
    if (value !== undefined) parts.push(`${key.replace("Priority", "")} ${inertName(String(value))}`);
  }
  return parts.length > 0 ? parts.join(" · ") : undefined;
}

/** A compact argument list from a tool's JSON Schema: `query: string, limit?: number`. */
export function describeArguments(schema: unknown): string {
  const record = (schema ?? {}) as {
    properties?: Record<string, { type?: unknown; enum?: unknown[] }>;
    required?: string[];
  };
  const required = new Set(record.required ?? []);
  const entries = Object.entries(record.properties ?? {});
  if (entries.length === 0) return "no arguments";
  return entries
    .map(([name, property]) => {
      const type = Array.isArray(property?.enum)
        ? property.enum.map((value) => JSON.stringify(value)).join(" | ")
        : Array.isArray(property?.type)
          ? property.type.join(" | ")
          : String(property?.type ?? "any");
      return `${inertName(name)}${required.has(name) ? "" : "?"}: ${inertText(type, { newlines: false })}`;
    })
    .join(", ");
}

/** The whole request as a person should see it before answering or approving it. */
export function renderRequest(
  messages: SamplingMessage[],
  params: SamplingParams,
  context: Pick<RequestContext, "serverName">,
  style: Style,
): string {
  const lines: string[] = [];
  const from = context.serverName !== undefined ? ` from ${style.accent(inertName(context.serverName))}` : "";
  lines.push(style.bold(`── Sampling request${from} ──`));
  if (params.systemPrompt !== undefined) {
    lines.push(style.bold("System prompt:"), `  ${indent(inertText(params.systemPrompt), "  ")}`);
  }
  lines.push(style.bold("Messages:"));
  for (const message of messages) {
    const role = `[${inertName(String(message.role))}]`;
    lines.push(`  ${style.dim(role)} ${indent(renderContent(message.content), " ".repeat(role.length + 3))}`);
  }
  const settings = [`max tokens ${inertName(String(params.maxTokens))}`];
  if (params.temperature !== undefined) settings.push(`temperature ${inertName(String(params.temperature))}`);
  if (params.stopSequences !== undefined && params.stopSequences.length > 0) {
    settings.push(`stop sequences ${inertText(JSON.stringify(params.stopSequences))}`);
  }
  if (params.includeContext !== undefined)
    settings.push(`include context ${inertName(String(params.includeContext))}`);
  lines.push(`${style.bold("Settings:")} ${settings.join(" · ")}`);
  const preferences =
    params.modelPreferences !== undefined ? renderPreferences(params.modelPreferences) : undefined;
  if (preferences !== undefined) lines.push(`${style.bold("Model preferences:")} ${preferences}`);
  if (params.tools !== undefined && params.tools.length > 0) {
    const choice = inertName(String(params.toolChoice?.mode ?? "auto"));
    lines.push(style.bold(`Tools offered (choice: ${choice}):`));
    for (const tool of params.tools) {
      const description = tool.description !== undefined ? ` — ${inertText(tool.description)}` : "";
      lines.push(
        `  - ${style.accent(inertName(tool.name))}(${describeArguments(tool.inputSchema)})${description}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** A handler's answer as a person should see it before it goes back. */
export function renderAnswer(result: SamplingHandlerResult, style: Style): string {
  if (typeof result === "string") return `${style.bold("Answer:")}\n  ${indent(inertText(result), "  ")}\n`;
  const meta = [`model ${inertName(String(result.model))}`];
  if (result.stopReason !== undefined) meta.push(`stop ${inertName(String(result.stopReason))}`);
  const body = renderContent(result.content as SamplingMessage["content"]);
  return `${style.bold("Answer")} ${style.dim(`(${meta.join(" · ")})`)}${style.bold(":")}\n  ${indent(body, "  ")}\n`;
}
