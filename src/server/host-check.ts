import { isIP } from "node:net";
import { hostname as machineName, networkInterfaces } from "node:os";
import { WireErrorCode } from "../error-codes.js";

/** Host names (no port; IPv6 in brackets) a header may name, or "any" to switch the check off. */
export type HostAllowList = string[] | "any";

/** What a local server answers to by default: a browser page elsewhere cannot rebind a name to it. */
export const LOCALHOST_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/** Whether a bound address is loopback only (127.0.0.0/8, ::1, or 127.x mapped into IPv6). */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "::1" || bare === "localhost") return true;
  const v4 = bare.startsWith("::ffff:") ? bare.slice("::ffff:".length) : bare;
  return isIP(v4) === 4 && v4.startsWith("127.");
}

const bracketed = (address: string) => (isIP(address) === 6 ? `[${address}]` : address);

/**
 * The names a server bound at `address` (as the socket reports it) may be reached by. Loopback: the
 * localhost names and the address itself. Anything else (a wildcard or a network address): also this
 * machine's own name and addresses; a foreign name is then still a DNS-rebinding attempt.
 */
export function defaultHostsForBind(address: string): string[] {
  const names = new Set([...LOCALHOST_NAMES, bracketed(address.replace(/^\[|\]$/g, ""))]);
  if (!isLoopbackAddress(address)) {
    names.add(machineName().toLowerCase());
    for (const entry of Object.values(networkInterfaces()).flat()) {
      if (entry !== undefined) names.add(bracketed(entry.address.split("%")[0]!.toLowerCase()));
    }
  }
  return [...names];
}

function hostnameOf(value: string, asUrl: boolean): string | undefined {
  try {
    return new URL(asUrl ? value : `http://${value}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

const includes = (list: string[], host: string) => list.some((entry) => entry.toLowerCase() === host);

function refuse(message: string): Response {
  return Response.json(
    { jsonrpc: "2.0", error: { code: WireErrorCode.ServerError, message }, id: null },
    { status: 403 },
  );
}

/**
 * DNS-rebinding protection: the request's `Host` (or, without one, its URL's host) must be allowed,
 * and so must a browser's `Origin` when it sends one. The 403 says which option to set.
 */
export function checkHostAndOrigin(
  request: Request,
  allowedHosts: HostAllowList,
  allowedOrigins: HostAllowList,
): Response | undefined {
  if (allowedHosts !== "any") {
    const header = request.headers.get("host") ?? new URL(request.url).host;
    const host = hostnameOf(header, false);
    if (host === undefined || !includes(allowedHosts, host)) {
      return refuse(
        `Host ${JSON.stringify(header)} is not allowed here (DNS-rebinding protection; allowed: ${allowedHosts.join(", ")}). ` +
          'For a public deployment set the allowedHosts option to its names (e.g. allowedHosts: ["mcp.example.com"]), ' +
          'or allowedHosts: "any" behind a proxy that checks Host itself.',
      );
    }
  }
  const origin = request.headers.get("origin");
  if (allowedOrigins !== "any" && origin !== null && origin !== "") {
    const host = hostnameOf(origin, true);
    if (host === undefined || !includes(allowedOrigins, host)) {
      return refuse(
        `Origin ${JSON.stringify(origin)} is not allowed here (allowed: ${allowedOrigins.join(", ")}). ` +
          'Set the allowedOrigins option to the web origins that may call this server (e.g. allowedOrigins: ["app.example.com"]), ' +
          'or allowedOrigins: "any".',
      );
    }
  }
  return undefined;
}
