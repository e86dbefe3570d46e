// Quickstart: a server whose tool asks an LLM for a summary, and a client that supplies the LLM.
// Run: npx tsx examples/quickstart.ts
//
// No API key needed: the client's "LLM" below is a small function. For a real model, pass e.g.
// `samplingHandler: new OpenAISamplingHandler({ defaultModel: "gpt-4o-mini" })` (from "fastmcp-ts/openai").
import { z } from "zod";
import { Client, FastMCP, type SamplingHandler } from "../src/index.js";

// 1. The server: `ctx.sample` asks the client's LLM (or the server's own samplingHandler, if it has one).
const server = new FastMCP({ name: "quickstart", version: "1.0.0" });
server.tool({
  name: "summarize",
  description: "Summarizes text in one sentence with the client's LLM",
  parameters: z.object({ text: z.string() }),
  execute: async ({ text }, ctx) => {
    const result = await ctx.sample(`Summarize in one sentence:\n\n${text}`, {
      systemPrompt: "You are a concise summarizer.",
      maxTokens: 100,
    });
    return result.text;
  },
});

// 2. The client's LLM: receives the messages and the request's parameters, returns a string (or a
//    full CreateMessageResult). This stand-in keeps the first sentence of the text.
const llm: SamplingHandler = (messages, params) => {
  const last = messages.at(-1)?.content;
  const prompt = last !== undefined && !Array.isArray(last) && last.type === "text" ? last.text : "";
  const text = prompt.split("\n\n").at(-1) ?? "";
  const firstSentence = text.split(/(?<=\.)\s/)[0] ?? text;
  console.log(`[llm] system prompt: ${params.systemPrompt}; max tokens: ${params.maxTokens}`);
  return firstSentence;
};

// 3. Connect in memory (a script path, a command or an http:// URL work the same way) and call the tool.
const client = new Client(server, { samplingHandler: llm });
await client.connect();
const result = await client.callTool("summarize", {
  text: "MCP lets servers ask the client's model for completions. This is called sampling. It keeps API keys on the client.",
});
console.log(`Summary: ${result.text}`);
await client.close();
await server.close();
