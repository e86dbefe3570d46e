const FASTMCP_ERROR = Symbol.for("fastmcp-ts.error");
const TOOL_ERROR = Symbol.for("fastmcp-ts.tool-error");

export type FastMCPErrorCode =
  | "CONFIG"
  | "CAPABILITY_MISSING"
  | "INVALID_ARGUMENT"
  | "INVALID_RESULT"
  | "TIMEOUT"
  | "CANCELLED"
  | "REJECTED"
  | "REPLAY_MISMATCH"
  | "STATE_TOO_LARGE"
  | "ROUNDS_EXCEEDED"
  | "ITERATIONS_EXCEEDED"
  | "BUDGET_EXCEEDED"
  | "VALIDATION_FAILED"
  | "NOT_CONNECTED"
  | "TRANSPORT"
  | "AUTH";

/** Local errors: raised in this process, never sent on the wire as such. `code` tells them apart. */
export class FastMCPError extends Error {
  readonly code: FastMCPErrorCode;
  readonly [FASTMCP_ERROR] = true;

  constructor(code: FastMCPErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  static isInstance(error: unknown): error is FastMCPError {
    return typeof error === "object" && error !== null && FASTMCP_ERROR in error;
  }
}

/**
 * What kind of failure a `ToolError` from `Client.callTool` reports — the same on both protocol eras
 * (see docs/reliability.md): a `FastMCPErrorCode` when the failure was one of ours (a sampling
 * timeout, an invalid answer, a missing capability…), `"TOOL_ERROR"` when the tool threw `ToolError`
 * (or a server that is not fastmcp-ts reported a failure), `"INTERNAL_ERROR"` for anything else the
 * tool threw.
 */
export type ToolErrorCode = FastMCPErrorCode | "TOOL_ERROR" | "INTERNAL_ERROR";

/**
 * A user-facing tool failure. Thrown in a tool, its message reaches the client as an error result
 * (never masked); `Client.callTool` throws it when a result has `isError`.
 */
export class ToolError extends Error {
  readonly [TOOL_ERROR] = true;
  /** The full tool result, when this error was raised by `Client.callTool` for an `isError` result. */
  readonly result?: unknown;
  /** What failed; default `"TOOL_ERROR"`. Travels to fastmcp-ts clients with the error result. */
  readonly code: ToolErrorCode;

  constructor(message: string, options?: { cause?: unknown; result?: unknown; code?: ToolErrorCode }) {
    super(message, options);
    this.name = new.target.name;
    this.result = options?.result;
    this.code = options?.code ?? "TOOL_ERROR";
  }

  static isInstance(error: unknown): error is ToolError {
    return typeof error === "object" && error !== null && TOOL_ERROR in error;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : JSON.stringify(error);
}
