import type { AuthInfo } from "@modelcontextprotocol/server";

/**
 * Names who a request acts for, from what the verifier returned. Sessions and 2026-07-28 request
 * state are bound to it: nobody else can continue them.
 */
export type PrincipalOf = (authInfo: AuthInfo) => string;

/**
 * The end user when the verifier names one (`extra.sub`, as a JWT or introspection carries it),
 * else the client app (`clientId`). Under OAuth `clientId` names the app, shared by all its users,
 * so it alone would let one user continue another's session or call.
 */
export function defaultPrincipal(authInfo: AuthInfo): string {
  const sub = authInfo.extra?.sub;
  // Prefixed, so a user whose id equals some app's clientId is still a different principal.
  if (typeof sub === "string" && sub.length > 0) return `sub:${sub}`;
  return `client:${authInfo.clientId}`;
}

/** The principal of a request; `undefined` when the endpoint has no auth (everyone is the same caller). */
export function principalOf(authInfo: AuthInfo | undefined, custom?: PrincipalOf): string | undefined {
  if (authInfo === undefined) return undefined;
  return (custom ?? defaultPrincipal)(authInfo);
}
