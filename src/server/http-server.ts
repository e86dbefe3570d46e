import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ProtocolErrorCode } from "@modelcontextprotocol/server";
import { defaultHostsForBind } from "./host-check.js";
import {
  createHttpEndpoint,
  DEFAULT_MAX_BODY,
  type HttpEndpoint,
  type ServerFactory,
} from "./http-handler.js";
import type { HttpRunOptions, RunningHttpServer } from "./http-types.js";
import { nodeAdapter } from "./node-adapter.js";

const LISTEN_BACKLOG = 4096;

/**
 * Listens on Node's http server; binds loopback and checks Host/Origin unless told otherwise. What
 * "loopback" means is decided from the address the socket really bound (`127.1` binds 127.0.0.1).
 */
export async function startHttpServer(
  factory: ServerFactory,
  options: HttpRunOptions,
): Promise<RunningHttpServer> {
  const host = options.host ?? "127.0.0.1";
  const path = options.path ?? "/mcp";
  let node: ReturnType<typeof nodeAdapter> | undefined;
  // Most requests name the path exactly; only others need the URL parser (which normalises).
  const exact = new URL(path, "http://localhost").pathname === path;
  const server = createServer((req, res) => {
    if (node === undefined) {
      res.writeHead(503).end();
      return;
    }
    const pathname = exact && req.url === path ? path : new URL(req.url ?? "/", "http://localhost").pathname;
    // OAuth discovery (RFC 9728) lives at the origin's well-known path; the handler answers it.
    const discovery =
      options.auth?.oauth !== undefined && pathname.startsWith("/.well-known/oauth-protected-resource");
    if (pathname !== path && !discovery) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          jsonrpc: "2.0",
          error: { code: ProtocolErrorCode.MethodNotFound, message: `Not found: MCP is served at ${path}` },
          id: null,
        }),
      );
      return;
    }
    void node(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A deep accept queue: with Node's default (511) a burst of new connections (clients reconnecting
    // together, a pool growing under load) overflows it while the event loop is busy, and each dropped
    // SYN costs its call a TCP retransmission — 1 s, then 3 s, then 7 s — the whole p99 under load.
    // Linux caps it at net.core.somaxconn.
    server.listen({ port: options.port ?? 8000, host, backlog: LISTEN_BACKLOG }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  // Bound to a wildcard or network address, the defaults still admit only this machine's own names.
  const allowedHosts = options.allowedHosts ?? defaultHostsForBind(address);
  let mounted: HttpEndpoint;
  try {
    mounted = createHttpEndpoint(factory, {
      ...options,
      allowedHosts,
      allowedOrigins: options.allowedOrigins ?? allowedHosts,
    });
  } catch (error) {
    // Bad options (e.g. an empty auth): free the port before reporting them.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  node = nodeAdapter(mounted.serve, options.maxRequestBodySize ?? DEFAULT_MAX_BODY);
  const shownHost = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}${path}`,
    get sessionCount() {
      return mounted.sessionCount;
    },
    async close() {
      await mounted.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
