import { FastMCPError, type FastMCPErrorCode, ToolError, type ToolErrorCode } from "./errors.js";

/**
 * JSON-RPC error codes this package sends that the SDK's `ProtocolErrorCode` does not name (it
 * covers the spec's; these are the Streamable HTTP transport's and our own). Every wire error is
 * built from one of the two, never from a bare number.
 */
export const WireErrorCode = {
  /** JSON-RPC's generic server error: a bad session header, a disallowed method, a refused Host or credential. */
  ServerError: -32000,
  /** An unknown (or expired) `Mcp-Session-Id`, with HTTP 404, as the SDK's transport answers it. */
  SessionNotFound: -32001,
  /** A sampling request refused by the client's rate limit or queue bound (`data.retryAfterMs`). */
  RateLimited: -32029,
  /** A person declined a sampling request (or its answer) in the human-in-the-loop handler. */
  UserRejected: -1,
} as const;

/**
 * How a failure's code crosses the wire, so `callTool`'s caller sees the same `code` on 2025 (where
 * the failure happens on the server and arrives as an error result) and 2026-07-28 (where a sampling
 * failure happens in the client itself). An error result carries it in `_meta`; a client's JSON-RPC
 * error answering `sampling/createMessage` carries it in `data`.
 */
export const ERROR_CODE_KEY = "fastmcp-ts/errorCode";

/** A code read from the wire (an untrusted peer): an upper-case token, else nothing. */
export function wireErrorCode(carrier: unknown): ToolErrorCode | undefined {
  if (typeof carrier !== "object" || carrier === null) return undefined;
  const code = (carrier as Record<string, unknown>)[ERROR_CODE_KEY];
  return typeof code === "string" && /^[A-Z][A-Z_]{1,39}$/.test(code) ? (code as ToolErrorCode) : undefined;
}

/** The code of something a tool threw. */
export function failureCode(error: unknown): ToolErrorCode {
  if (ToolError.isInstance(error)) return error.code;
  if (FastMCPError.isInstance(error)) return error.code;
  return "INTERNAL_ERROR";
}

/** The codes a client's failed sampling answer may report; anything else reads as `REJECTED`. */
const SAMPLING_FAILURE_CODES = new Set<FastMCPErrorCode>([
  "INVALID_RESULT",
  "TIMEOUT",
  "CANCELLED",
  "REJECTED",
  "CONFIG",
  "INVALID_ARGUMENT",
  "PROVIDER",
]);

/** The code a client sent with its JSON-RPC error for `sampling/createMessage`. */
export function samplingFailureCode(data: unknown): FastMCPErrorCode {
  const code = wireErrorCode(data) as FastMCPErrorCode | undefined;
  return code !== undefined && SAMPLING_FAILURE_CODES.has(code) ? code : "REJECTED";
}
