import type { CallToolResult } from "@modelcontextprotocol/client";
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { ERROR_CODE_KEY, wireErrorCode } from "../error-codes.js";
import { FastMCPError, ToolError } from "../errors.js";

/**
 * One error shape on both eras (the table in docs/reliability.md). On 2025 a tool's failure —
 * including a failed sample, which happens on the server — arrives as an error result whose `_meta`
 * carries the code. On 2026-07-28 the client answers samples itself while fulfilling a round, so a
 * handler that throws, answers badly or runs out of time fails right here; and a missing capability
 * arrives as the spec's -32021. Both become the `ToolError` with the code the 2025 path gives.
 */

/** Errors this client's sampling answerer raised, so `callTool` can tell them from transport errors. */
const samplingFailures = new WeakSet<object>();

/**
 * Marks a failure of the `sampling/createMessage` answerer, so `callTool` can tell it from a
 * transport error; on 2025 a FastMCPError becomes a JSON-RPC error carrying its code in `data` (the
 * SDK would otherwise send -32603 with the message only, and the server could not tell an invalid
 * answer from a refusal).
 */
export function markSamplingFailure(error: unknown, legacy: boolean): unknown {
  let failure: object =
    typeof error === "object" && error !== null ? error : new Error(String(error ?? "Sampling failed"));
  if (legacy && FastMCPError.isInstance(failure)) {
    failure = new ProtocolError(ProtocolErrorCode.InternalError, failure.message, {
      [ERROR_CODE_KEY]: failure.code,
    });
  }
  samplingFailures.add(failure);
  return failure;
}

/** The `ToolError` for a result with `isError`: its code from `_meta`, else `TOOL_ERROR`. */
export function toolFailure(name: string, text: string, result: CallToolResult, output: unknown): ToolError {
  return new ToolError(text.length > 0 ? text : `Tool '${name}' failed`, {
    result: output,
    code: wireErrorCode(result._meta) ?? "TOOL_ERROR",
  });
}

/** A failed `callTool` in the shape the same failure has on the other era; others pass unchanged. */
export function sameShapeOnBothEras(error: unknown): unknown {
  if (ToolError.isInstance(error) || typeof error !== "object" || error === null) return error;
  const message = (error as { message?: unknown }).message;
  const text = typeof message === "string" ? message : String(error);
  if (samplingFailures.has(error)) {
    const code = FastMCPError.isInstance(error)
      ? error.code
      : (wireErrorCode((error as { data?: unknown }).data) ?? "REJECTED");
    return new ToolError(text, { code, cause: error });
  }
  if (error instanceof ProtocolError && error.code === ProtocolErrorCode.MissingRequiredClientCapability) {
    // The -32021 (with data.requiredCapabilities) stays reachable as the cause.
    return new ToolError(text, { code: "CAPABILITY_MISSING", cause: error });
  }
  return error;
}
