// Mount fastmcp-ts in Express through the SDK's Node adapter. Run: npx tsx examples/http/express.ts
import { toNodeHandler } from "@modelcontextprotocol/node";
import express from "express";
import { buildServer } from "./shared-server.js";

export function createApp() {
  const mcp = buildServer().httpHandler({ allowedHosts: ["127.0.0.1", "localhost"] });
  const app = express();
  // No body parser on this route: the adapter reads the raw stream itself.
  app.all("/mcp", toNodeHandler(mcp));
  return { app, mcp };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  createApp().app.listen(8788, "127.0.0.1", () =>
    process.stderr.write("Express serving MCP at http://127.0.0.1:8788/mcp\n"),
  );
}
