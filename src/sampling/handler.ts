import { CreateMessageResultSchema, CreateMessageResultWithToolsSchema } from "@modelcontextprotocol/core";
import { FastMCPError } from "../errors.js";
import { firstIssue } from "../schema.js";
import type {
  CreateMessageResult,
  CreateMessageResultWithTools,
  RequestContext,
  SamplingHandler,
  SamplingHandlerResult,
  SamplingMessage,
  SamplingParams,
} from "./types.js";

export type AnyCreateMessageResult = CreateMessageResult | CreateMessageResultWithTools;

/** The model name reported when a handler answers with a bare string. */
export const STRING_RESULT_MODEL = "unknown";

/** Calls a handler in either of its forms. */
export function invokeHandler(
  handler: SamplingHandler,
  messages: SamplingMessage[],
  params: SamplingParams,
  context: RequestContext,
): SamplingHandlerResult | Promise<SamplingHandlerResult> {
  return typeof handler === "function"
    ? handler(messages, params, context)
    : handler.createMessage(messages, params, context);
}

export function isSamplingHandler(value: unknown): value is SamplingHandler {
  return (
    typeof value === "function" ||
    (typeof value === "object" &&
      value !== null &&
      typeof (value as { createMessage?: unknown }).createMessage === "function")
  );
}

/**
 * Turns what a handler returned into a valid protocol result, or throws a clear error.
 * A string becomes a text answer with `stopReason: "endTurn"`.
 */
export function toCreateMessageResult(value: unknown, withTools: boolean): AnyCreateMessageResult {
  if (typeof value === "string") {
    return {
      role: "assistant",
      content: { type: "text", text: value },
      model: STRING_RESULT_MODEL,
      stopReason: "endTurn",
    };
  }
  const checked = checkWireResult(value, withTools);
  if (checked.ok) return checked.value;
  throw new FastMCPError(
    "INVALID_RESULT",
    `Sampling handler returned an invalid result${checked.where}: ${checked.issue}. ` +
      `Return a string or { role: "assistant", content: { type: "text", text }, model }.`,
  );
}

const ANSWER_KEYS = new Set(["role", "content", "model", "stopReason"]);

/**
 * The common answer (one text block, nothing else) checked by hand: every value accepted here is valid
 * under both result schemas, and skipping the schema walk saves ~10 µs per sample on the hot path.
 * Anything else goes through the schema, which also words the error.
 */
function isPlainTextAnswer(value: unknown): value is CreateMessageResult {
  if (typeof value !== "object" || value === null) return false;
  const answer = value as Record<string, unknown>;
  for (const key in answer) if (!ANSWER_KEYS.has(key)) return false;
  const content = answer.content as Record<string, unknown> | null;
  if (typeof content !== "object" || content === null || Array.isArray(content)) return false;
  for (const key in content) if (key !== "type" && key !== "text") return false;
  return (
    (answer.role === "assistant" || answer.role === "user") &&
    typeof answer.model === "string" &&
    (answer.stopReason === undefined || typeof answer.stopReason === "string") &&
    content.type === "text" &&
    typeof content.text === "string"
  );
}

/**
 * Checks a client's answer as it came off the wire (no string shorthand there): the plain text
 * answer by hand, anything else against the result schema for a request with or without tools.
 */
export function checkWireResult(
  value: unknown,
  withTools: boolean,
): { ok: true; value: AnyCreateMessageResult } | { ok: false; issue: string; where: string } {
  if (isPlainTextAnswer(value)) return { ok: true, value };
  // A result with array content or tool blocks is valid only when tools were offered.
  const schema = withTools ? CreateMessageResultWithToolsSchema : CreateMessageResultSchema;
  const parsed = schema.safeParse(value);
  // Keep the answer's own object (extra fields such as _meta included), not zod's copy.
  if (parsed.success) return { ok: true, value: value as AnyCreateMessageResult };
  const issue = firstIssue(parsed.error);
  return { ok: false, issue: issue.message ?? "unknown problem", where: issue.at };
}

/** Runs a handler and normalises its answer. */
export async function runSamplingHandler(
  handler: SamplingHandler,
  params: SamplingParams,
  context: RequestContext,
): Promise<AnyCreateMessageResult> {
  const value = await invokeHandler(handler, params.messages, params, context);
  return toCreateMessageResult(value, params.tools !== undefined || params.toolChoice !== undefined);
}
