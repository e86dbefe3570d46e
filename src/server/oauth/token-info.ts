import { type AuthInfo, OAuthError, OAuthErrorCode } from "@modelcontextprotocol/server";

/** Claims as a JWT or an RFC 7662 introspection response carries them. */
export interface TokenClaims {
  sub?: unknown;
  client_id?: unknown;
  azp?: unknown;
  scope?: unknown;
  scp?: unknown;
  exp?: unknown;
  aud?: unknown;
  [claim: string]: unknown;
}

/**
 * Verified claims → the SDK's `AuthInfo`: scopes from `scope` (space-separated) or `scp`, the app
 * from `client_id`/`azp`, the user in `extra.sub`, every audience in `extra.aud`, and all claims in
 * `extra.claims` (tools read them as `ctx.auth.extra.claims`).
 */
export function authInfoFromClaims(token: string, claims: TokenClaims): AuthInfo {
  const scopes =
    typeof claims.scope === "string"
      ? claims.scope.split(" ").filter((scope) => scope !== "")
      : Array.isArray(claims.scp)
        ? claims.scp.filter((scope): scope is string => typeof scope === "string")
        : typeof claims.scp === "string"
          ? claims.scp.split(" ").filter((scope) => scope !== "")
          : [];
  const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).filter(
    (aud): aud is string => typeof aud === "string",
  );
  const clientId = [claims.client_id, claims.azp, claims.sub].find(
    (value): value is string => typeof value === "string" && value !== "",
  );
  if (typeof claims.exp !== "number")
    throw new OAuthError(OAuthErrorCode.InvalidToken, "Token has no expiry");
  const resource = audiences.length === 1 ? urlOrUndefined(audiences[0]!) : undefined;
  return {
    token,
    clientId: clientId ?? "unknown",
    scopes,
    expiresAt: claims.exp,
    ...(resource !== undefined && { resource }),
    extra: {
      ...(typeof claims.sub === "string" && { sub: claims.sub }),
      aud: audiences,
      claims: { ...claims },
    },
  };
}

function urlOrUndefined(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
