import { OAuthError, OAuthErrorCode, type OAuthTokenVerifier } from "@modelcontextprotocol/server";
import { authInfoFromClaims, type TokenClaims } from "./token-info.js";

export interface IntrospectionVerifierOptions {
  /** The authorization server's RFC 7662 `introspection_endpoint`. */
  endpoint: string;
  /** This resource server's credentials at the authorization server (HTTP Basic), if it wants them. */
  clientId?: string;
  clientSecret?: string;
  /** Default: global fetch. */
  fetch?: typeof fetch;
}

/** Verifies opaque tokens by asking the authorization server (RFC 7662) on every request. */
export function introspectionVerifier(options: IntrospectionVerifierOptions): OAuthTokenVerifier {
  const fetcher = options.fetch ?? fetch;
  return {
    async verifyAccessToken(token) {
      const headers: Record<string, string> = {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      };
      if (options.clientId !== undefined) {
        const pair = `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret ?? "")}`;
        headers.authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
      }
      const response = await fetcher(options.endpoint, {
        method: "POST",
        headers,
        body: new URLSearchParams({ token, token_type_hint: "access_token" }).toString(),
      });
      if (!response.ok) throw new Error(`Token introspection answered HTTP ${response.status}`);
      const claims = (await response.json()) as TokenClaims & { active?: unknown };
      if (claims.active !== true) throw new OAuthError(OAuthErrorCode.InvalidToken, "Token is not active");
      return authInfoFromClaims(token, claims);
    },
  };
}
