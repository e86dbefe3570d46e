// punkpeye's fastmcp (npm `fastmcp`, on SDK v1): sampling through session.requestSampling, as its README shows.
import { once } from "node:events";
import { createServer } from "node:net";
import { FastMCP, type FastMCPSession } from "fastmcp";
import { z } from "zod";
import { announce, isMain, PLAIN_TOOL, plainText, samplingParams, TOOL } from "./common.js";

/** Keeps its "server is running" line off stdout, where the parent reads the URL. */
const quiet = { debug() {}, error() {}, info() {}, log() {}, warn() {} };

export function buildPunkpeye(options: { quiet?: boolean } = {}): FastMCP {
  const server = new FastMCP({
    name: "bench-punkpeye",
    version: "1.0.0",
    ...(options.quiet === true && { logger: quiet }),
  });
  server.addTool({
    name: TOOL,
    description: "Summarise text with the client's LLM",
    parameters: z.object({ text: z.string() }),
    execute: async ({ text }, ctx) => {
      // The tool context has no sampling; find the session (stdio and in-memory have no session id). On
      // stdio the session is listed only once its connect() finishes polling for the client's capabilities.
      const session =
        server.sessions.find((s) => s.sessionId === ctx.sessionId) ??
        server.sessions[0] ??
        ((await once(server, "connect")) as [{ session: FastMCPSession }])[0].session;
      const answer = await session.requestSampling(samplingParams(text));
      return answer.content.type === "text" ? answer.content.text : "";
    },
  });
  return server;
}

/** A port free right now: fastmcp's httpStream needs a number and does not report what port 0 bound. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

if (isMain(import.meta.url)) {
  const http = process.argv[2] === "http";
  const server = buildPunkpeye({ quiet: http });
  if (http) {
    // Section 3b's plain tool; its httpStream transport (mcp-proxy) serves 2025 sessions only.
    server.addTool({
      name: PLAIN_TOOL,
      description: "Echo the text back",
      parameters: z.object({ text: z.string() }),
      execute: async ({ text }) => plainText(text),
    });
    const port = await freePort();
    await server.start({
      transportType: "httpStream",
      httpStream: { port, host: "127.0.0.1", endpoint: "/mcp" },
    });
    announce(`http://127.0.0.1:${port}/mcp`);
  } else {
    await server.start({ transportType: "stdio" });
  }
}
