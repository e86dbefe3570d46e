import { FastMCPError } from "../errors.js";
import { checkWireResult } from "./round-trip.js";
import type {
  AnyCreateMessageResult,
  RequestContext,
  SamplingHandler,
  SamplingHandlerResult,
  SamplingMessage,
  SamplingParams,
} from "./types.js";

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

/** Runs a handler and normalises its answer. */
export async function runSamplingHandler(
  handler: SamplingHandler,
  params: SamplingParams,
  context: RequestContext,
): Promise<AnyCreateMessageResult> {
  const value = await invokeHandler(handler, params.messages, params, context);
  return toCreateMessageResult(value, params.tools !== undefined || params.toolChoice !== undefined);
}
