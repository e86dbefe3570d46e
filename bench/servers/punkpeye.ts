// punkpeye's fastmcp (npm `fastmcp`, on SDK v1): sampling through session.requestSampling, as its README shows.
import { once } from "node:events";
import { FastMCP, type FastMCPSession } from "fastmcp";
import { z } from "zod";
import { isMain, samplingParams, TOOL } from "./common.js";

export function buildPunkpeye(): FastMCP {
  const server = new FastMCP({ name: "bench-punkpeye", version: "1.0.0" });
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

if (isMain(import.meta.url)) {
  await buildPunkpeye().start({ transportType: "stdio" });
}
