import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { OpenAISamplingHandler } from "../../src/handlers/openai.js";
import {
  Client,
  FastMCP,
  type FastMCPOptions,
  type SamplingHandler,
  ToolError,
  type UsageEvent,
} from "../../src/index.js";
import { addUsage, usageFromMeta } from "../../src/sampling/usage.js";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/openai-server.js";

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());

function providerHandler() {
  return new OpenAISamplingHandler({
    defaultModel: "fake-gpt",
    client: new OpenAI({ baseURL: fake.url, apiKey: "k", maxRetries: 0 }),
  });
}

/** A server with `ask` (one sample), `twice` (two samples) and `loop` (a tool loop), returning usage as JSON. */
function usageServer(options: Partial<FastMCPOptions>) {
  const server = new FastMCP({ name: "usage", ...options });
  server.tool({
    name: "ask",
    parameters: z.object({ q: z.string() }),
    execute: async ({ q }, ctx) => JSON.stringify((await ctx.sample(q)).usage ?? null),
  });
  server.tool({
    name: "twice",
    execute: async (_args, ctx) => {
      const first = await ctx.sample("one two");
      const second = await ctx.sample("three four five");
      return JSON.stringify([first.usage ?? null, second.usage ?? null]);
    },
  });
  server.tool({
    name: "loop",
    execute: async (_args, ctx) => {
      const result = await ctx.sample("weather?", {
        tools: [{ name: "weather", execute: () => "sunny" }],
      });
      return JSON.stringify({ text: result.text, usage: result.usage ?? null });
    },
  });
  return server;
}

describe("usage: typed on SamplingResult, reported to onUsage", () => {
  it("a provider handler's usage lands in result.usage and reaches onUsage with tool, model and via", async () => {
    fake.reset();
    fake.enqueue({ text: "short answer", usage: { prompt_tokens: 11, completion_tokens: 2 } });
    const events: UsageEvent[] = [];
    const server = usageServer({
      samplingHandler: providerHandler(),
      samplingHandlerBehavior: "always",
      onUsage: (event) => {
        events.push(event);
      },
    });
    const client = new Client(server);
    await client.connect();
    try {
      const result = await client.callTool("ask", { q: "hello" });
      expect(JSON.parse(result.text)).toEqual({ inputTokens: 11, outputTokens: 2 });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        usage: { inputTokens: 11, outputTokens: 2 },
        model: "fake-gpt",
        via: "server",
        method: "tools/call",
        target: "ask",
        tool: "ask",
        era: "legacy",
      });
      expect(events[0]?.requestId).toBeDefined();
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("a tool loop sums the usage of every LLM request, and onUsage sees each one", async () => {
    fake.reset();
    fake.enqueue(
      { toolCalls: [{ name: "weather", arguments: {} }], usage: { prompt_tokens: 10, completion_tokens: 4 } },
      { text: "It is sunny.", usage: { prompt_tokens: 20, completion_tokens: 3 } },
    );
    const events: UsageEvent[] = [];
    const server = usageServer({
      samplingHandler: providerHandler(),
      samplingHandlerBehavior: "always",
      onUsage: (event) => {
        events.push(event);
      },
    });
    const client = new Client(server);
    await client.connect();
    try {
      const result = JSON.parse((await client.callTool("loop")).text);
      expect(result).toEqual({ text: "It is sunny.", usage: { inputTokens: 30, outputTokens: 7 } });
      expect(events.map((event) => event.usage)).toEqual([
        { inputTokens: 10, outputTokens: 4 },
        { inputTokens: 20, outputTokens: 3 },
      ]);
    } finally {
      await client.close();
      await server.close();
    }
  });

  // The client answers with usage in _meta; on 2026-07-28 the second round replays the first answer,
  // which must not be counted again.
  const clientHandler: SamplingHandler = (messages) => {
    const first = messages[0]?.content;
    const words = first !== undefined && !Array.isArray(first) && first.type === "text" ? first.text : "";
    return {
      role: "assistant",
      content: { type: "text", text: "ok" },
      model: "client-model",
      _meta: { usage: { inputTokens: words.split(" ").length, outputTokens: 1 } },
    };
  };

  it.each(["2025", "2026"] as const)(
    "over HTTP (%s): a client's reported usage is typed and counted once per sample, with the caller's auth",
    async (era) => {
      const events: UsageEvent[] = [];
      const server = usageServer({
        onUsage: (event) => {
          events.push(event);
        },
      });
      await server.run({
        transport: "http",
        port: 0,
        auth: {
          verify: (request) => {
            const token = request.headers.get("authorization")?.replace(/^Bearer /, "");
            return token === undefined ? undefined : { token, clientId: `user-${token}`, scopes: [] };
          },
        },
      });
      const client = new Client(server.url!, {
        protocol: era,
        samplingHandler: clientHandler,
        authToken: "alice",
      });
      await client.connect();
      try {
        const usages = JSON.parse((await client.callTool("twice")).text);
        expect(usages).toEqual([
          { inputTokens: 2, outputTokens: 1 },
          { inputTokens: 3, outputTokens: 1 },
        ]);
        expect(events.map((event) => [event.usage, event.via, event.tool, event.auth?.clientId])).toEqual([
          [{ inputTokens: 2, outputTokens: 1 }, "client", "twice", "user-alice"],
          [{ inputTokens: 3, outputTokens: 1 }, "client", "twice", "user-alice"],
        ]);
        expect(events[0]?.principal).toBe("client:user-alice");
        expect(events.every((event) => event.era === (era === "2025" ? "legacy" : "modern"))).toBe(true);
        if (era === "2025") expect(events[0]?.sessionId).toEqual(expect.any(String));
      } finally {
        await client.close();
        await server.close();
      }
    },
  );

  it.each(["2025", "2026"] as const)(
    "over HTTP (%s): a per-user token budget enforced from onUsage stops that user only",
    async (era) => {
      const spent = new Map<string, number>();
      const BUDGET = 5;
      const server = usageServer({
        samplingHandler: providerHandler(),
        samplingHandlerBehavior: "always",
        onUsage: async ({ principal, usage }) => {
          const user = principal ?? "anonymous";
          const total = (spent.get(user) ?? 0) + (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0);
          spent.set(user, total);
          if (total > BUDGET) throw new ToolError(`Token budget of ${BUDGET} spent for ${user}`);
        },
      });
      await server.run({
        transport: "http",
        port: 0,
        auth: {
          verify: (request) => {
            const token = request.headers.get("authorization")?.replace(/^Bearer /, "");
            return token === undefined ? undefined : { token, clientId: token, scopes: [] };
          },
        },
      });
      fake.reset();
      fake.setResponder(() => ({ text: "x", usage: { prompt_tokens: 2, completion_tokens: 1 } }));
      const alice = new Client(server.url!, { protocol: era, authToken: "alice" });
      const bob = new Client(server.url!, { protocol: era, authToken: "bob" });
      await Promise.all([alice.connect(), bob.connect()]);
      try {
        await alice.callTool("ask", { q: "a" }); // 3 tokens
        const over = alice.callTool("ask", { q: "b" }); // 6 > 5
        await expect(over).rejects.toThrow("Token budget of 5 spent for client:alice");
        await expect(bob.callTool("ask", { q: "c" })).resolves.toMatchObject({ isError: false });
        expect(Object.fromEntries(spent)).toEqual({ "client:alice": 6, "client:bob": 3 });
      } finally {
        fake.reset();
        await Promise.all([alice.close(), bob.close()]);
        await server.close();
      }
    },
  );

  it("onUsage must be a function", () => {
    expect(() => new FastMCP({ name: "x", onUsage: 42 as never })).toThrow("onUsage must be a function");
  });
});

describe("usageFromMeta / addUsage", () => {
  it("keeps non-negative finite counts only", () => {
    expect(usageFromMeta({ usage: { inputTokens: 3, outputTokens: 4 } })).toEqual({
      inputTokens: 3,
      outputTokens: 4,
    });
    expect(usageFromMeta({ usage: { inputTokens: -1, outputTokens: "9" } })).toBeUndefined();
    expect(usageFromMeta({ usage: { inputTokens: Number.NaN, outputTokens: 2 } })).toEqual({
      outputTokens: 2,
    });
    expect(usageFromMeta({ usage: null })).toBeUndefined();
    expect(usageFromMeta(undefined)).toBeUndefined();
  });

  it("sums, keeping a count absent only when neither side has it", () => {
    expect(addUsage(undefined, { inputTokens: 1 })).toEqual({ inputTokens: 1 });
    expect(addUsage({ inputTokens: 1 }, { inputTokens: 2, outputTokens: 5 })).toEqual({
      inputTokens: 3,
      outputTokens: 5,
    });
    expect(addUsage({ outputTokens: 1 }, undefined)).toEqual({ outputTokens: 1 });
  });
});
