import {
  type AuthInfo,
  bearerAuthChallengeResponse,
  getOAuthProtectedResourceMetadataUrl,
  OAuthError,
  OAuthErrorCode,
  type OAuthTokenVerifier,
  verifyBearerToken,
} from "@modelcontextprotocol/server";

/** The HTTP server as an OAuth 2.1 resource server (MCP authorization, RFC 9728 discovery). */
export interface OAuthResourceOptions {
  /** Issuer URLs of the authorization servers whose tokens this server accepts (advertised in the metadata). */
  authorizationServers: string[];
  /** Checks a token: `jwtVerifier(…)`, `introspectionVerifier(…)`, or your own (the SDK's `OAuthTokenVerifier`). */
  verifier: OAuthTokenVerifier;
  /**
   * This endpoint's public URL, the RFC 8707 resource tokens must be issued for. Default: the URL a
   * request arrives at, right when clients reach the server directly; set it behind a proxy.
   */
  resource?: string;
  /** Accept tokens whose `aud` names one of these instead of the resource URL (an API identifier, say). */
  audience?: string | string[];
  /** Scopes every request needs (403 `insufficient_scope` without them). Tools add their own with `scopes`. */
  requiredScopes?: string[];
  /** Advertised as `scopes_supported`; clients request these when the challenge names none. */
  scopesSupported?: string[];
  resourceName?: string;
  resourceDocumentation?: string;
}

const WELL_KNOWN = "/.well-known/oauth-protected-resource";

/** The resource a request is for: the configured URL, else the request's own URL without query or fragment. */
export function resourceOf(request: Request, oauth: OAuthResourceOptions): URL {
  const url = new URL(oauth.resource ?? request.url);
  url.search = "";
  url.hash = "";
  return url;
}

/** The verified `AuthInfo`, or the 401/403 response carrying a Bearer challenge with `resource_metadata`. */
export async function authenticateOAuth(
  request: Request,
  oauth: OAuthResourceOptions,
  onerror?: (error: Error) => void,
): Promise<AuthInfo | Response> {
  const resource = resourceOf(request, oauth);
  const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(resource);
  const requiredScopes = oauth.requiredScopes ?? [];
  try {
    const info = await verifyBearerToken(request.headers.get("authorization"), {
      verifier: oauth.verifier,
      requiredScopes,
      resourceMetadataUrl,
    });
    if (!audienceMatches(info, resource, oauth.audience))
      throw new OAuthError(OAuthErrorCode.InvalidToken, "Token was not issued for this resource");
    return info;
  } catch (error) {
    // A verifier that fails (JWKS unreachable, a bug) refuses the request; the reason is reported, never sent.
    let refusal: OAuthError;
    if (error instanceof OAuthError) refusal = error;
    else {
      onerror?.(error instanceof Error ? error : new Error(String(error)));
      refusal = new OAuthError(OAuthErrorCode.InvalidToken, "The access token could not be verified");
    }
    // The first challenge names the scopes to ask for, so a client's first login can request them.
    const scopes = requiredScopes.length > 0 ? requiredScopes : (oauth.scopesSupported ?? []);
    return bearerAuthChallengeResponse(refusal, { requiredScopes: scopes, resourceMetadataUrl });
  }
}

/** RFC 8707: the token's audience must be this resource (compared without a trailing slash), or a configured one. */
function audienceMatches(info: AuthInfo, resource: URL, audience: string | string[] | undefined): boolean {
  const accepted = audience === undefined ? [resource.href] : Array.isArray(audience) ? audience : [audience];
  const extra = info.extra?.aud;
  const presented = [
    ...(Array.isArray(extra) ? extra.filter((aud): aud is string => typeof aud === "string") : []),
    ...(info.resource !== undefined ? [info.resource.href] : []),
  ];
  const normal = (value: string) => value.replace(/#.*$/, "").replace(/\/$/, "");
  return presented.some((aud) => accepted.some((want) => normal(aud) === normal(want)));
}

/**
 * Answers `GET /.well-known/oauth-protected-resource<path>` (RFC 9728) with this resource's metadata;
 * `undefined` for any other request. Without a configured `resource`, the path after the well-known
 * prefix names the endpoint (the form MCP clients derive from the server URL).
 */
export function protectedResourceMetadataResponse(
  request: Request,
  oauth: OAuthResourceOptions,
): Response | undefined {
  const url = new URL(request.url);
  if (!url.pathname.startsWith(WELL_KNOWN)) return undefined;
  const suffix = url.pathname.slice(WELL_KNOWN.length);
  if (suffix !== "" && !suffix.startsWith("/")) return undefined;
  let resource: URL;
  if (oauth.resource !== undefined) {
    resource = resourceOf(request, oauth);
    const own = new URL(getOAuthProtectedResourceMetadataUrl(resource)).pathname;
    // The root form is accepted too: clients fall back to it when the path form is missing.
    if (url.pathname !== own && url.pathname !== WELL_KNOWN) return notFound();
  } else {
    if (suffix === "") return notFound();
    resource = new URL(suffix, url.origin);
  }
  const cors = { "access-control-allow-origin": "*", "access-control-allow-methods": "GET, OPTIONS" };
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: cors });
  if (request.method !== "GET")
    return new Response(null, { status: 405, headers: { ...cors, allow: "GET, OPTIONS" } });
  return Response.json(
    {
      resource: resource.href,
      authorization_servers: oauth.authorizationServers,
      bearer_methods_supported: ["header"],
      ...(oauth.scopesSupported !== undefined && { scopes_supported: oauth.scopesSupported }),
      ...(oauth.resourceName !== undefined && { resource_name: oauth.resourceName }),
      ...(oauth.resourceDocumentation !== undefined && {
        resource_documentation: oauth.resourceDocumentation,
      }),
    },
    { headers: { ...cors, "cache-control": "max-age=3600" } },
  );
}

function notFound(): Response {
  return Response.json({ error: "not_found" }, { status: 404 });
}
