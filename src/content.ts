import { CallToolResultSchema } from "@modelcontextprotocol/core";
import type { CallToolResult, ContentBlock } from "@modelcontextprotocol/server";
import { FastMCPError } from "./errors.js";
import { firstIssue } from "./schema.js";

// Content blocks: the one conversion of message content to a list, text joining, and what a tool's
// return value becomes on the wire.

/** Message or answer content as a list of blocks, whichever form it came in (one block, or a list). */
export function asBlocks<B>(content: B | B[]): B[] {
  return Array.isArray(content) ? content : [content];
}

/** All text blocks joined with newlines. */
export function joinText(blocks: ReadonlyArray<{ type: string; text?: unknown }>): string {
  // Concatenated, not pushed and joined: one text block (the usual answer) comes back as it is, with
  // no array and no Array.join (about a microsecond per call, on each side of a sampled call).
  let joined: string | undefined;
  for (const block of blocks) {
    if (block.type !== "text" || typeof block.text !== "string") continue;
    joined = joined === undefined ? block.text : `${joined}\n${block.text}`;
  }
  return joined ?? "";
}

const CONTENT_TYPES = new Set(["text", "image", "audio", "resource", "resource_link"]);

function isContentBlock(value: unknown): value is ContentBlock {
  return (
    typeof value === "object" &&
    value !== null &&
    CONTENT_TYPES.has((value as { type?: unknown }).type as string)
  );
}

function isSamplingResult(value: object): value is { content: unknown[]; result: unknown; via: string } {
  return "via" in value && "history" in value && Array.isArray((value as { content?: unknown }).content);
}

function isCallToolResult(value: object): value is CallToolResult {
  const content = (value as { content?: unknown }).content;
  return Array.isArray(content) && content.every(isContentBlock);
}

/**
 * What a tool may return, as a protocol result: a string, a SamplingResult, content block(s),
 * a full CallToolResult, or a plain object (→ structured content plus its JSON as text).
 */
export function toCallToolResult(value: unknown): CallToolResult {
  if (value === undefined || value === null) return { content: [] };
  if (typeof value === "string") return { content: [{ type: "text", text: value }] };
  if (typeof value !== "object") return { content: [{ type: "text", text: String(value) }] };
  if (Array.isArray(value)) {
    if (value.every(isContentBlock)) return { content: value };
    return { content: [{ type: "text", text: JSON.stringify(value) }] };
  }
  if (isContentBlock(value)) return { content: [value] };
  if (isSamplingResult(value)) {
    const content = value.content.filter(isContentBlock);
    if (typeof value.result === "object" && value.result !== null && !Array.isArray(value.result)) {
      return { content, structuredContent: value.result as Record<string, unknown> };
    }
    return { content };
  }
  if (isCallToolResult(value)) return checkedCallToolResult(value);
  return {
    content: [{ type: "text", text: JSON.stringify(value) }],
    structuredContent: value as Record<string, unknown>,
  };
}

/** A full result the tool built itself is checked, so a bad field fails the tool here, not in the client. */
function checkedCallToolResult(value: CallToolResult): CallToolResult {
  const parsed = CallToolResultSchema.safeParse(value);
  if (parsed.success) return value;
  const issue = firstIssue(parsed.error);
  throw new FastMCPError(
    "INVALID_RESULT",
    `The tool returned an invalid CallToolResult${issue.at}: ${issue.message ?? "unknown problem"}`,
  );
}
