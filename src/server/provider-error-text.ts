/**
 * What the MCP client is told when the server's own LLM failed. A provider's error text can carry
 * account details, request ids, rate-limit internals or (from a careless proxy) credentials, so by
 * default the client learns only which provider failed and how (status and type); the server opts in
 * to the full text with `exposeProviderErrors`. Duck-typed: each handler subpath bundles its own
 * copy of the ProviderError class.
 */
export function maskedProviderErrorText(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== "ProviderError") return undefined;
  const { provider, status, errorType } = error as Error & {
    provider?: unknown;
    status?: unknown;
    errorType?: unknown;
  };
  const how = typeof status === "number" ? `API error ${status}` : "request failed";
  const type = typeof errorType === "string" ? ` (${errorType})` : "";
  return `The server's LLM failed: ${String(provider)} ${how}${type} (details withheld; exposeProviderErrors shows them)`;
}
