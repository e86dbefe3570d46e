import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { localhostAllowedHostnames, localhostAllowedOrigins } from "@modelcontextprotocol/server";
import { loadNodeHttpAdapter } from "../lazy-modules.js";
import type { FastMCP } from "./fastmcp.js";
import { createHttpHandler } from "./http-handler.js";
import type { HttpRunOptions, RunningHttpServer } from "./http-types.js";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** Listens on Node's http server; binds loopback and checks Host/Origin unless told otherwise. */
export async function startHttpServer(fastmcp: FastMCP, options: HttpRunOptions): Promise<RunningHttpServer> {
  const host = options.host ?? "127.0.0.1";
  const path = options.path ?? "/mcp";
  const loopback = LOOPBACK.has(host);
  const handler = createHttpHandler(fastmcp, {
    ...options,
    // On loopback only localhost names are legitimate: anything else is a DNS-rebinding attempt.
    allowedHosts: options.allowedHosts ?? (loopback ? localhostAllowedHostnames() : undefined),
    allowedOrigins: options.allowedOrigins ?? (loopback ? localhostAllowedOrigins() : undefined),
  } as HttpRunOptions);
  // Loaded here, not at the top: a bundle that inlines this module still starts a stdio server without it.
  const { toNodeHandler } = await loadNodeHttpAdapter();
  const node = toNodeHandler(handler, {
    ...(options.maxRequestBodySize !== undefined && { maxRequestBodySize: options.maxRequestBodySize }),
  });
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (pathname !== path) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          jsonrpc: "2.0",
          error: { code: -32601, message: `Not found: MCP is served at ${path}` },
          id: null,
        }),
      );
      return;
    }
    void node(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8000, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}${path}`,
    get sessionCount() {
      return handler.sessionCount;
    },
    async close() {
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
