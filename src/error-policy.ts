import { errorMessage, FastMCPError, ProviderError, ToolError } from "./errors.js";

/** What a server lets a tool's failure say; `ServerRuntime` and the sampling-tool runner both carry it. */
export interface ToolErrorPolicy {
  /** Hide the text of errors that are not ours (FastMCP option / `ctx.sample` option `maskErrorDetails`). */
  maskErrorDetails: boolean;
  /** Send a provider's own error text instead of its summary (FastMCP option `exposeProviderErrors`). */
  exposeProviderErrors?: boolean;
}

/**
 * The one text a failed tool reports, whether an MCP client reads it (a server tool's error result)
 * or an LLM does (a sampling tool's `tool_result`):
 * - a `ProviderError` (the server's LLM failed): provider, status and type only, unless
 *   `exposeProviderErrors` — its text can carry account details or an echoed credential;
 * - a `ToolError` or any other `FastMCPError`: its message, always — texts written for the caller
 *   ("Sampling timed out after 300 ms"), which on 2026-07-28 the client produces itself unmasked, so
 *   masking them on 2025 would give the two eras different errors;
 * - anything else: its message, or `Error calling tool '<name>'` under `maskErrorDetails`.
 */
export function toolErrorText(error: unknown, tool: string, policy: ToolErrorPolicy): string {
  if (ProviderError.isInstance(error) && policy.exposeProviderErrors !== true) return providerSummary(error);
  if (ToolError.isInstance(error) || FastMCPError.isInstance(error) || !policy.maskErrorDetails) {
    return errorMessage(error);
  }
  return `Error calling tool '${tool}'`;
}

function providerSummary(error: ProviderError): string {
  const how = typeof error.status === "number" ? `API error ${error.status}` : "request failed";
  const type = typeof error.errorType === "string" ? ` (${error.errorType})` : "";
  return `The server's LLM failed: ${error.provider} ${how}${type} (details withheld; exposeProviderErrors shows them)`;
}
