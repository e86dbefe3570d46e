// mcp-use 2.x (npm `mcp-use`, its server: `MCPServer`, on the official SDK v2 2.0.0 it pins), as its
// README shows, on its own `listen()` (Hono on node:http). Plain JavaScript: this folder is installed
// on demand by bench/lib/peers.ts, so the project's type check never sees its types. No sampled tool:
// mcp-use 2 removed `ctx.sample` ("the stateless TypeScript server does not expose ctx.sample()").
import { MCPServer } from "mcp-use";
import { z } from "zod";
import { announce, PLAIN_TOOL, plainText } from "../servers/common.ts";

// mcp-use reports anonymous usage over the network by default (and keeps an id in ./.mcp-use): off,
// per its documented switch, so the benchmark neither phones home nor pays for it.
process.env.MCP_USE_ANONYMIZED_TELEMETRY = "false";

const server = new MCPServer({ name: "bench-mcp-use", version: "1.0.0" });
server.tool(
  { name: PLAIN_TOOL, description: "Echo the text back", inputSchema: z.object({ text: z.string() }) },
  async ({ text }) => ({ content: [{ type: "text", text: plainText(text) }] }),
);
const { port } = await server.listen(0, { host: "127.0.0.1" });
announce(`http://127.0.0.1:${port}/mcp`);
