import type { AuthInfo } from "@modelcontextprotocol/server";
import { WireErrorCode } from "../error-codes.js";
import { FastMCPError } from "../errors.js";
import { authenticateOAuth, type OAuthResourceOptions } from "./oauth/resource-server.js";

/** Who may use the HTTP endpoint. Without this option the endpoint is open (fine on loopback). */
export interface HttpAuthOptions {
  /** A shared secret: requests must carry `Authorization: Bearer <token>`. */
  bearerToken?: string;
  /**
   * Your own check (JWT, introspection, API-key table…): return the caller's `AuthInfo`, or
   * `undefined` to refuse with 401. Tools see the result as `ctx.auth`.
   */
  verify?: (request: Request) => Promise<AuthInfo | undefined> | AuthInfo | undefined;
  /** Realm named in the `WWW-Authenticate` challenge. Default "mcp". */
  realm?: string;
  /**
   * OAuth: serve protected-resource metadata (RFC 9728), verify access tokens (JWT or
   * introspection), answer 401/403 with challenges naming `resource_metadata` and scopes.
   */
  oauth?: OAuthResourceOptions;
}

/**
 * Refuses an `auth` option that would leave the endpoint open or unusable: `{ bearerToken:
 * process.env.MCP_TOKEN }` with the variable unset must not start an open server.
 */
export function checkAuthOptions(auth: HttpAuthOptions | undefined): void {
  if (auth === undefined) return;
  const token = auth.bearerToken;
  if (token !== undefined && (typeof token !== "string" || token.trim() === "")) {
    throw new FastMCPError(
      "CONFIG",
      "auth.bearerToken is empty: set it to a secret (is the environment variable it comes from unset?), or remove the auth option to serve without authentication.",
    );
  }
  if (token === undefined && auth.verify === undefined && auth.oauth === undefined) {
    throw new FastMCPError(
      "CONFIG",
      "auth is set but names no check: auth.bearerToken is undefined (is the environment variable it comes from unset?) and there is no auth.verify or auth.oauth. Set one, or remove the auth option to serve without authentication.",
    );
  }
}

/**
 * Checks a request against the auth options: the verified `AuthInfo`, `undefined` when no auth is
 * configured, or the 401 response to send (JSON-RPC error body plus a Bearer challenge).
 */
export async function authenticate(
  request: Request,
  auth: HttpAuthOptions | undefined,
  onerror?: (error: Error) => void,
): Promise<AuthInfo | undefined | Response> {
  if (auth?.oauth !== undefined) return authenticateOAuth(request, auth.oauth, onerror);
  if (auth === undefined || (auth.bearerToken === undefined && auth.verify === undefined)) return undefined;
  const presented = bearerTokenOf(request);
  if (
    auth.bearerToken !== undefined &&
    presented !== undefined &&
    constantTimeEqual(presented, auth.bearerToken)
  ) {
    return { token: presented, clientId: "bearer-token", scopes: [] };
  }
  if (auth.verify !== undefined) {
    try {
      const info = await auth.verify(request);
      if (info !== undefined) return info;
    } catch (error) {
      // A verifier that throws refuses the request (fail closed); the reason is reported, never sent.
      onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }
  return unauthorized(auth.realm ?? "mcp", presented !== undefined);
}

function bearerTokenOf(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  const match = header === null ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Compares without an early exit, so response time does not reveal how much of a guess was right. */
function constantTimeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

function unauthorized(realm: string, tokenPresented: boolean): Response {
  const challenge = tokenPresented
    ? `Bearer realm="${realm}", error="invalid_token", error_description="The access token is invalid"`
    : `Bearer realm="${realm}"`;
  const message = tokenPresented
    ? "Unauthorized: invalid bearer token"
    : "Unauthorized: a bearer token is required";
  return Response.json(
    { jsonrpc: "2.0", error: { code: WireErrorCode.ServerError, message }, id: null },
    { status: 401, headers: { "www-authenticate": challenge } },
  );
}
