import { z } from "zod";
import { FastMCP } from "../../src/index.js";

/** The server every mounting example serves: one tool that asks the client's LLM. */
export function buildServer(): FastMCP {
  const server = new FastMCP({ name: "mounted", version: "1.0.0" });
  server.tool({
    name: "haiku",
    description: "Writes a haiku about a topic with the client's LLM",
    parameters: z.object({ topic: z.string() }),
    execute: async ({ topic }, ctx) =>
      (await ctx.sample(`Write a haiku about ${topic}`, { maxTokens: 60 })).text,
  });
  return server;
}
