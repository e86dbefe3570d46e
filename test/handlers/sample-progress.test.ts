import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { OpenAISamplingHandler } from "../../src/handlers/openai.js";
import { Client, FastMCP, type FastMCPOptions, SAMPLE_DELTA_META_KEY } from "../../src/index.js";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/openai-server.js";

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());

/** A server answering samples with its own OpenAI handler; `ask` samples plainly, `askStreamed` opts in per sample. */
function server(options: Partial<FastMCPOptions> = {}) {
  const mcp = new FastMCP({
    name: "streamer",
    samplingHandler: new OpenAISamplingHandler({
      defaultModel: "gpt-fake",
      client: new OpenAI({ baseURL: fake.url, apiKey: "k", maxRetries: 0 }),
    }),
    ...options,
  });
  mcp.tool({
    name: "ask",
    parameters: z.object({ q: z.string() }),
    execute: async ({ q }, ctx) => (await ctx.sample(q)).text,
  });
  mcp.tool({
    name: "askStreamed",
    parameters: z.object({ q: z.string() }),
    execute: async ({ q }, ctx) => (await ctx.sample(q, { streamProgress: true })).text,
  });
  return mcp;
}

type Progress = { progress: number; message?: string; _meta?: Record<string, unknown> };

describe("a server-answered sample streamed to the tool's caller as progress", () => {
  it.each(["2025", "2026"] as const)(
    "over HTTP (%s): with streamSampleProgress each delta arrives as a progress notification, in order",
    async (era) => {
      fake.reset();
      fake.enqueue({ text: "one two three four" });
      const mcp = server({ streamSampleProgress: true });
      await mcp.run({ transport: "http", port: 0 });
      const client = new Client(mcp.url!, { protocol: era });
      await client.connect();
      const seen: Progress[] = [];
      try {
        const result = await client.callTool("ask", { q: "count" }, { onProgress: (p) => seen.push(p) });
        expect(result.text).toBe("one two three four");
      } finally {
        await client.close();
        await mcp.close();
      }
      expect(fake.requests[0].stream).toBe(true);
      const deltas = seen.filter((p) => p._meta?.[SAMPLE_DELTA_META_KEY] === true);
      expect(deltas.map((p) => p.message).join("")).toBe("one two three four");
      expect(deltas.map((p) => p.progress)).toEqual([1, 2, 3, 4]);
    },
  );

  it("per sample: streamProgress opts in while the server default is off", async () => {
    fake.reset();
    const mcp = server();
    const client = new Client(mcp);
    await client.connect();
    try {
      const plain: Progress[] = [];
      fake.enqueue({ text: "not streamed" });
      await client.callTool("ask", { q: "a" }, { onProgress: (p) => plain.push(p) });
      expect(plain).toEqual([]);
      expect(fake.requests[0].stream).toBeUndefined();

      const streamed: Progress[] = [];
      fake.enqueue({ text: "streamed here" });
      await client.callTool("askStreamed", { q: "b" }, { onProgress: (p) => streamed.push(p) });
      expect(streamed.map((p) => p.message).join("")).toBe("streamed here");
      expect(fake.requests[1].stream).toBe(true);
    } finally {
      await client.close();
      await mcp.close();
    }
  });

  it("without a progress token nothing is streamed (one plain provider request)", async () => {
    fake.reset();
    fake.enqueue({ text: "quiet" });
    const mcp = server({ streamSampleProgress: true });
    const client = new Client(mcp);
    await client.connect();
    try {
      expect((await client.callTool("ask", { q: "c" })).text).toBe("quiet");
      expect(fake.requests[0].stream).toBeUndefined();
    } finally {
      await client.close();
      await mcp.close();
    }
  });
});
