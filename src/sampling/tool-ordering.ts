import { asBlocks } from "../content.js";
import { FastMCPError } from "../errors.js";
import type { SamplingMessage, SamplingMessageContentBlock } from "./types.js";

/** Throws a clear local error when `messages` break the tool_use / tool_result rules. */
export function assertToolOrdering(messages: readonly SamplingMessage[]): void {
  const violation = toolOrderingViolation(messages);
  if (violation !== undefined) {
    throw new FastMCPError(
      "INVALID_ARGUMENT",
      `Sampling messages break the tool_use/tool_result rules: ${violation}`,
    );
  }
}

/**
 * Checks the spec's tool_use / tool_result rules (2025-11-25): a user message holding tool
 * results holds only tool results, and every assistant tool_use is answered by exactly one
 * tool_result in the next message. Returns the first violation, or undefined.
 */
export function toolOrderingViolation(messages: readonly SamplingMessage[]): string | undefined {
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (!Array.isArray(message.content) && !isToolBlock(message.content)) continue; // the common text turn
    const blocks = asBlocks(message.content);
    const results = blocks.filter((block) => block.type === "tool_result");
    if (results.length > 0) {
      if (message.role !== "user") return `messages[${i}]: tool_result blocks must be in a user message`;
      if (results.length !== blocks.length) {
        return `messages[${i}]: a user message with tool_result content must contain only tool_result blocks`;
      }
      const previous = i > 0 ? asBlocks(messages[i - 1]!.content) : [];
      const useIds = previous
        .filter((block) => block.type === "tool_use")
        .map((block) => (block as { id: string }).id);
      if (useIds.length === 0)
        return `messages[${i}]: tool_result blocks do not answer any tool_use in the previous message`;
      const resultIds = results.map((block) => (block as { toolUseId: string }).toolUseId);
      if (!sameIds(useIds, resultIds)) {
        return `messages[${i}]: tool_result ids [${resultIds.join(", ")}] do not match the tool_use ids [${useIds.join(", ")}] of the previous message`;
      }
    }
    const uses = blocks.filter((block) => block.type === "tool_use");
    if (uses.length > 0) {
      if (message.role !== "assistant")
        return `messages[${i}]: tool_use blocks must be in an assistant message`;
      const next = messages[i + 1];
      if (next === undefined) continue; // the last turn may be an unanswered tool_use only in a result, but
      // a request ending with a tool_use has nothing to answer it: flag it below.
      if (!asBlocks(next.content).some((block) => block.type === "tool_result")) {
        return `messages[${i + 1}]: every tool_use must be followed by a user message with its tool_result`;
      }
    }
  }
  const last = messages[messages.length - 1];
  if (last !== undefined && asBlocks(last.content).some((block) => block.type === "tool_use")) {
    return `messages[${messages.length - 1}]: the request ends with a tool_use that has no tool_result`;
  }
  return undefined;
}

function isToolBlock(block: SamplingMessageContentBlock): boolean {
  return block.type === "tool_use" || block.type === "tool_result";
}

function sameIds(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const sorted = [...b].sort();
  return [...a].sort().every((id, index) => id === sorted[index]);
}
