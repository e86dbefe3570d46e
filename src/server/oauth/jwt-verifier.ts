import { OAuthError, OAuthErrorCode, type OAuthTokenVerifier } from "@modelcontextprotocol/server";
import { loadJose } from "../../lazy-modules.js";
import { authInfoFromClaims, type TokenClaims } from "./token-info.js";

export interface JwtVerifierOptions {
  /** The authorization server's JWKS URL (its metadata's `jwks_uri`). Keys are fetched and cached by `jose`. */
  jwksUri: string;
  /** Accept only tokens whose `iss` is this (recommended: the authorization server's issuer URL). */
  issuer?: string | string[];
  /** Signature algorithms to accept. Default: what the key allows (never `none`). */
  algorithms?: string[];
  /** Leeway for `exp`/`nbf`, in seconds. Default 30. */
  clockToleranceSeconds?: number;
}

type Jose = typeof import("jose");
let jose: Promise<Jose> | undefined;

/**
 * Verifies JWT access tokens against an authorization server's JWKS (with `jose`, loaded on first
 * use). The audience is checked by the HTTP server against its resource URL (or `auth.oauth.audience`).
 */
export function jwtVerifier(options: JwtVerifierOptions): OAuthTokenVerifier {
  let keys: ReturnType<Jose["createRemoteJWKSet"]> | undefined;
  return {
    async verifyAccessToken(token) {
      jose ??= loadJose();
      const lib = await jose;
      keys ??= lib.createRemoteJWKSet(new URL(options.jwksUri));
      let payload: TokenClaims;
      try {
        ({ payload } = await lib.jwtVerify(token, keys, {
          ...(options.issuer !== undefined && { issuer: options.issuer }),
          ...(options.algorithms !== undefined && { algorithms: options.algorithms }),
          clockTolerance: options.clockToleranceSeconds ?? 30,
          requiredClaims: ["exp"],
        }));
      } catch (error) {
        // A bad signature, a wrong issuer or an expired token is the caller's problem: 401, reason kept.
        if (error instanceof lib.errors.JOSEError && !(error instanceof lib.errors.JWKSTimeout))
          throw new OAuthError(OAuthErrorCode.InvalidToken, `Invalid token: ${error.code}`);
        throw error;
      }
      return authInfoFromClaims(token, payload);
    },
  };
}
