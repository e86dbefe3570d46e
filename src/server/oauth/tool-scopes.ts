import {
  type AuthInfo,
  bearerAuthChallengeResponse,
  isJSONRPCRequest,
  OAuthError,
  OAuthErrorCode,
} from "@modelcontextprotocol/server";
import type { ToolDefinition } from "../definitions.js";

/**
 * Step-up: a `tools/call` for a tool whose `scopes` the token lacks is answered `403
 * insufficient_scope` with a challenge naming the tool's scopes, before the tool runs, on both eras
 * (the same check the SDK's McpServer makes for `scopeChallenge`). `undefined` lets the request through.
 */
export function toolScopeChallenge(
  body: unknown,
  authInfo: AuthInfo | undefined,
  toolNamed: (name: string) => ToolDefinition | undefined,
): Response | undefined {
  // No auth configured: nothing to compare with (an open endpoint; stdio and in-memory have no tokens).
  if (authInfo === undefined) return undefined;
  for (const message of Array.isArray(body) ? body : [body]) {
    if (!isJSONRPCRequest(message) || message.method !== "tools/call") continue;
    const name = (message.params as { name?: unknown } | undefined)?.name;
    const needed = typeof name === "string" ? toolNamed(name)?.scopes : undefined;
    if (needed === undefined || needed.length === 0) continue;
    const granted = new Set(authInfo.scopes);
    if (needed.every((scope) => granted.has(scope))) continue;
    return bearerAuthChallengeResponse(
      new OAuthError(OAuthErrorCode.InsufficientScope, `Tool ${name} needs scope ${needed.join(" ")}`),
      {
        requiredScopes: needed,
        ...(authInfo.resourceMetadataUrl !== undefined && {
          resourceMetadataUrl: authInfo.resourceMetadataUrl,
        }),
      },
    );
  }
  return undefined;
}
