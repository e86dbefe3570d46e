/**
 * The local error family. Like the official SDK's `SdkError`/`ProtocolError` split, local errors
 * (raised in this process, told apart by a string `code`) are kept apart from wire errors (JSON-RPC
 * errors, built from the SDK's `ProtocolErrorCode`). Each class is branded with a registry symbol,
 * so `instanceof` and `isInstance` hold across duplicate copies of this package (each handler
 * subpath bundles its own, and a project may install two versions).
 */
const FASTMCP_ERROR = Symbol.for("fastmcp-ts.error");
const PROVIDER_ERROR = Symbol.for("fastmcp-ts.provider-error");
const TOOL_ERROR = Symbol.for("fastmcp-ts.tool-error");

/** Every `FastMCPError` code, as a value (`ErrorCode.TIMEOUT`) and as a union (`FastMCPErrorCode`). */
export const ErrorCode = {
  /** A construction-time mistake: a bad option, a duplicate name, a missing peer package. */
  CONFIG: "CONFIG",
  /** A method used where it cannot work (e.g. `ctx.sample` inside a sampling tool on 2026-07-28). */
  UNSUPPORTED: "UNSUPPORTED",
  CAPABILITY_MISSING: "CAPABILITY_MISSING",
  INVALID_ARGUMENT: "INVALID_ARGUMENT",
  INVALID_RESULT: "INVALID_RESULT",
  TIMEOUT: "TIMEOUT",
  CANCELLED: "CANCELLED",
  REJECTED: "REJECTED",
  REPLAY_MISMATCH: "REPLAY_MISMATCH",
  STATE_TOO_LARGE: "STATE_TOO_LARGE",
  ROUNDS_EXCEEDED: "ROUNDS_EXCEEDED",
  ITERATIONS_EXCEEDED: "ITERATIONS_EXCEEDED",
  BUDGET_EXCEEDED: "BUDGET_EXCEEDED",
  VALIDATION_FAILED: "VALIDATION_FAILED",
  NOT_CONNECTED: "NOT_CONNECTED",
  TRANSPORT: "TRANSPORT",
  AUTH: "AUTH",
  /** An LLM provider's API failed (`ProviderError`). */
  PROVIDER: "PROVIDER",
} as const;

export type FastMCPErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * `value instanceof cls` by brand for the branded class itself; a subclass without a brand of its
 * own (a user's) falls back to the prototype chain, so it does not claim every branded instance.
 */
function branded(cls: object, brand: symbol, own: object, value: unknown): boolean {
  if (cls !== own) return Function.prototype[Symbol.hasInstance].call(cls, value);
  return typeof value === "object" && value !== null && brand in value;
}

/** Local errors: raised in this process, never sent on the wire as such. `code` tells them apart. */
export class FastMCPError extends Error {
  readonly code: FastMCPErrorCode;
  readonly [FASTMCP_ERROR] = true;

  constructor(code: FastMCPErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(this, FASTMCP_ERROR, FastMCPError, value);
  }

  static isInstance(error: unknown): error is FastMCPError {
    return typeof error === "object" && error !== null && FASTMCP_ERROR in error;
  }
}

/**
 * An LLM provider call failed (thrown by the provider handlers of `fastmcp-ts/openai`, `/anthropic`,
 * `/google`, `/ai-sdk`): the provider's own message and HTTP status, code `PROVIDER`; `cause` is the
 * provider SDK's error. Its text may carry account details, so a server sends the MCP client only
 * a summary unless `exposeProviderErrors` is set (see `toolErrorText`).
 */
export class ProviderError extends FastMCPError {
  readonly [PROVIDER_ERROR] = true;
  readonly provider: string;
  /** HTTP status of the provider's answer, when there was one. */
  readonly status?: number;
  /** The provider's error type or code (e.g. `invalid_api_key`, `rate_limit_error`), when it gave one. */
  readonly errorType?: string;

  constructor(
    provider: string,
    message: string,
    options: { status?: number; errorType?: string; cause?: unknown } = {},
  ) {
    super("PROVIDER", message, { cause: options.cause });
    this.provider = provider;
    if (options.status !== undefined) this.status = options.status;
    if (options.errorType !== undefined) this.errorType = options.errorType;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(this, PROVIDER_ERROR, ProviderError, value);
  }

  static override isInstance(error: unknown): error is ProviderError {
    return typeof error === "object" && error !== null && PROVIDER_ERROR in error;
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

  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(this, TOOL_ERROR, ToolError, value);
  }

  static isInstance(error: unknown): error is ToolError {
    return typeof error === "object" && error !== null && TOOL_ERROR in error;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : JSON.stringify(error);
}
