// Mount fastmcp-ts in Hono. Run: npx tsx examples/http/hono.ts  (serves http://127.0.0.1:8787/mcp)
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { buildServer } from "./shared-server.js";

export function createApp() {
  const mcp = buildServer().httpHandler({ allowedHosts: ["127.0.0.1", "localhost"] });
  const app = new Hono();
  app.all("/mcp", (c) => mcp.fetch(c.req.raw));
  return { app, mcp };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { app } = createApp();
  serve({ fetch: app.fetch, port: 8787, hostname: "127.0.0.1" });
  process.stderr.write("Hono serving MCP at http://127.0.0.1:8787/mcp\n");
}
