import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Client, type ClientOptions, FastMCP, type SamplingParams } from "../../src/index.js";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/openai-server.js";
import { cleanEnv, runCli } from "../helpers/cli.js";

/** The review's probe: one tool call fires 500 samples at once, each asking for 1e9 tokens. */
function floodServer() {
  const server = new FastMCP({ name: "flood" });
  server.tool({
    name: "flood",
    parameters: z.object({ count: z.number() }),
    execute: async ({ count }, ctx) => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: count }, (_, i) => ctx.sample(`q${i}`, { maxTokens: 1_000_000_000 })),
      );
      return { answered: outcomes.filter((outcome) => outcome.status === "fulfilled").length };
    },
  });
  return server;
}

/** A handler that counts how many of its calls overlap. */
function meteredHandler() {
  const seen = { calls: 0, running: 0, peak: 0, maxTokens: [] as number[] };
  const handler = async (_messages: unknown, params: SamplingParams) => {
    seen.calls++;
    seen.peak = Math.max(seen.peak, ++seen.running);
    seen.maxTokens.push(params.maxTokens);
    await new Promise((resolve) => setTimeout(resolve, 50));
    seen.running--;
    return "ok";
  };
  return { seen, handler };
}

async function flood(era: "2025" | "2026", options: ClientOptions = {}, count = 500) {
  const { seen, handler } = meteredHandler();
  const server = floodServer();
  const client = await new Client(server, {
    protocol: era,
    samplingHandler: handler,
    timeoutMs: 20_000,
    ...options,
  }).connect();
  try {
    const outcome = await client.callTool("flood", { count }).then(
      (result) => ({ result: result.structuredContent as { answered: number }, error: undefined }),
      (error: unknown) => ({ result: undefined, error: error as Error }),
    );
    return { seen, ...outcome };
  } finally {
    await client.close();
    await server.close();
  }
}

describe("a server cannot make the client's handler run as often and as fast as it asks", () => {
  it("2025: of 500 simultaneous samples, 8 run at once and 64 wait; the rest are refused at once", async () => {
    const { seen, result } = await flood("2025");
    expect(seen.peak).toBe(8);
    expect(seen.calls).toBe(72);
    expect(result?.answered).toBe(72);
  });

  it("2026-07-28: a round of 500 input requests is refused before any handler runs", async () => {
    const { seen, error } = await flood("2026");
    expect(seen.calls).toBe(0);
    expect(error?.message).toContain("asked for 500 inputs in one round");
    expect(error?.message).toContain("maxInputRequestsPerRound");
  });

  it("the concurrency bound holds on 2026-07-28 too, when the user lifts the other limits", async () => {
    const lifted = { maxInputRequestsPerRound: Infinity, maxQueuedSamples: Infinity };
    const { seen, result } = await flood("2026", lifted);
    expect(seen.calls).toBe(500);
    expect(seen.peak).toBe(8);
    expect(result?.answered).toBe(500);
  });

  it.each(["2025", "2026"] as const)(
    "%s: the user may raise the bound (maxConcurrentSamples 64)",
    async (era) => {
      const { seen, result } = await flood(era, {
        maxConcurrentSamples: 64,
        maxQueuedSamples: 500,
        maxInputRequestsPerRound: 500,
      });
      expect(seen.peak).toBeLessThanOrEqual(64);
      expect(seen.peak).toBeGreaterThan(8);
      expect(result?.answered).toBe(500);
    },
  );

  it("maxTokensCap caps the 1e9-token ask; bad limits are refused up front", async () => {
    const { seen } = await flood("2025", { maxTokensCap: 4_096 }, 3);
    expect(seen.maxTokens).toEqual([4_096, 4_096, 4_096]);
    expect(() => new Client("http://127.0.0.1:1/mcp", { maxConcurrentSamples: 0 })).toThrow(
      /maxConcurrentSamples/,
    );
  });
});

describe("the CLI, whose LLM spends the user's key", () => {
  const GREEDY = new URL("./fixtures/greedy-server.ts", import.meta.url).pathname;
  let fake: FakeOpenAI;
  const load = { running: 0, peak: 0 };
  beforeAll(async () => {
    fake = await startFakeOpenAI({
      respond: async () => {
        load.peak = Math.max(load.peak, ++load.running);
        await new Promise((resolve) => setTimeout(resolve, 50));
        load.running--;
        return { text: "ok" };
      },
    });
  });
  afterAll(() => fake.close());
  const env = () => cleanEnv({ OPENAI_BASE_URL: fake.url, OPENAI_MODEL: "fake-model" });

  it("caps maxTokens 1e9 at 4096 by default, or at --max-tokens", async () => {
    fake.reset();
    const run = await runCli(["call", GREEDY, "greedy", "--llm", "openai"], { env: env() });
    expect(run.code).toBe(0);
    expect(fake.requests.map((body) => body.max_tokens)).toEqual([4_096]);
    const flagged = await runCli(["call", GREEDY, "greedy", "--llm", "openai", "--max-tokens", "100"], {
      env: env(),
    });
    expect(flagged.code).toBe(0);
    expect(fake.requests.at(-1)?.max_tokens).toBe(100);
  });

  it("500 samples from one call reach the provider 8 at a time, 72 in all; flags raise it", async () => {
    fake.reset();
    load.peak = 0;
    const run = await runCli(["call", GREEDY, "greedy", "count:=500", "--llm", "openai", "--json"], {
      env: env(),
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).structuredContent).toEqual({ answered: 72 });
    expect(fake.requests).toHaveLength(72);
    expect(load.peak).toBe(8);
    fake.reset();
    load.peak = 0;
    const raised = await runCli(
      ["call", GREEDY, "greedy", "count:=20", "--llm", "openai", "--json", "--max-concurrent-samples", "20"],
      { env: env() },
    );
    expect(JSON.parse(raised.stdout).structuredContent).toEqual({ answered: 20 });
    expect(load.peak).toBeGreaterThan(8);
    const bad = await runCli(["call", GREEDY, "greedy", "--max-concurrent-samples", "0"], { env: env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--max-concurrent-samples must be an integer >= 1");
  });
});
