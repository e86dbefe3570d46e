import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type AuthInfo,
  Client,
  createSamplingBudget,
  FastMCP,
  type FastMCPOptions,
  memoryReplayCache,
} from "../../src/index.js";
import { startHttpServer } from "../../src/server/http-server.js";
import type { RunningHttpServer } from "../../src/server/http-types.js";
import { modernMeta, postModern, type RawMessage } from "../helpers/raw-http.js";

const running: Array<{ http: RunningHttpServer; server: FastMCP }> = [];
afterEach(async () => {
  for (const { http, server } of running.splice(0)) {
    await http.close();
    await server.close();
  }
});

/** The review's probe: once(charge) → server sample → elicit → server sample, on the owner's LLM. */
async function probeServer(options: Partial<FastMCPOptions> = {}) {
  const spent = { llmCalls: 0, charges: 0 };
  const server = new FastMCP({
    name: "owner-pays",
    samplingHandler: (messages) => {
      spent.llmCalls++;
      return `llm:${(messages.at(-1)?.content as { text?: string } | undefined)?.text}`;
    },
    samplingHandlerBehavior: "always",
    ...options,
  });
  server.tool({
    name: "probe",
    parameters: z.object({}),
    execute: async (_args, ctx) => {
      await ctx.once(() => {
        spent.charges++;
      });
      const first = await ctx.sample("first");
      const confirm = await ctx.elicit({
        message: "Go on?",
        requestedSchema: { type: "object", properties: { ok: { type: "boolean" } } },
      });
      const second = await ctx.sample("second");
      return `${first.text}|${confirm.action}|${second.text}`;
    },
  });
  const http = await startHttpServer(server, { port: 0 });
  running.push({ http, server });
  return { url: http.url, spent };
}

const call = (url: string, extra: Record<string, unknown> = {}) =>
  postModern(url, {
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "probe", arguments: {}, ...extra, _meta: modernMeta({ elicitation: {} }) },
  });

/** One legitimate call (two rounds), then the client replays its last round four times. */
async function legitRoundThenFourReplays(url: string) {
  const first = await call(url);
  const { requestState, inputRequests } = first.message.result as {
    requestState: string;
    inputRequests: Record<string, unknown>;
  };
  const [key] = Object.keys(inputRequests);
  const round2 = { requestState, inputResponses: { [key!]: { action: "accept", content: { ok: true } } } };
  const legit = await call(url, round2);
  const replays: RawMessage[] = [];
  for (let i = 0; i < 4; i++) replays.push((await call(url, round2)).message);
  return { legit: legit.message, replays };
}

const textOf = (message: RawMessage) => JSON.stringify(message.result?.content ?? message.error);

describe("a client replaying 2026-07-28 rounds cannot make the server pay again and again", () => {
  it("default: a server-answered sample is kept in the state, so no later round re-runs it", async () => {
    const { url, spent } = await probeServer();
    const { legit, replays } = await legitRoundThenFourReplays(url);
    expect(textOf(legit)).toContain("llm:first|accept|llm:second");
    expect(spent.charges).toBe(1);
    // 1 (round 1) + 1 (round 2: only the second sample) + 1 per replay of round 2. Before: 1 + 2 + 4×2 = 11.
    expect(spent.llmCalls).toBe(6);
    for (const replay of replays) expect(textOf(replay)).toContain("llm:first|accept|llm:second");
  });

  it("requestStateReplayCache: each state is accepted once; the four replays are refused unread", async () => {
    const { url, spent } = await probeServer({ requestStateReplayCache: memoryReplayCache() });
    const { legit, replays } = await legitRoundThenFourReplays(url);
    expect(textOf(legit)).toContain("llm:first|accept|llm:second");
    expect(spent.llmCalls).toBe(2);
    expect(spent.charges).toBe(1);
    for (const replay of replays) {
      expect(replay.result).toBeUndefined();
      expect(replay.error?.code).toBe(-32602);
    }
  });

  it("samplingBudget: after maxCalls server-answered samples the caller's next sample fails, the LLM untouched", async () => {
    const { url, spent } = await probeServer({
      samplingBudget: createSamplingBudget({ perMs: 60_000, maxCalls: 3 }),
    });
    const { replays } = await legitRoundThenFourReplays(url);
    expect(spent.llmCalls).toBe(3);
    expect(textOf(replays[0]!)).toContain("llm:second");
    for (const replay of replays.slice(1))
      expect(textOf(replay)).toContain("Sampling budget spent: at most 3");
  });
});

describe("samplingBudget is per principal", () => {
  const verify = (request: Request): AuthInfo | undefined => {
    const user = request.headers.get("authorization")?.replace(/^Bearer /, "");
    return user === undefined
      ? undefined
      : { token: user, clientId: "shared-app", scopes: [], extra: { sub: user } };
  };

  it.each(["2025", "2026"] as const)(
    "%s: Mallory spending her budget leaves Alice's untouched (calls and tokens)",
    async (protocol) => {
      const seen: string[] = [];
      const server = new FastMCP({
        name: "metered",
        samplingHandler: () => ({
          role: "assistant",
          content: { type: "text", text: "ok" },
          model: "m",
          _meta: { usage: { inputTokens: 40, outputTokens: 60 } },
        }),
        samplingHandlerBehavior: "always",
        samplingBudget: createSamplingBudget({ perMs: 60_000, maxCalls: 10, maxTokens: 250 }),
        onUsage: (event) => {
          seen.push(event.principal ?? "?");
        },
      });
      server.tool({ name: "ask", execute: async (_args, ctx) => (await ctx.sample("hi")).text });
      const http = await startHttpServer(server, { port: 0, auth: { verify } });
      running.push({ http, server });
      const as = async (user: string) => {
        const client = await new Client(http.url, { protocol, authToken: user }).connect();
        try {
          return await client.callTool("ask").then(
            (result) => result.text,
            (error: Error) => error.message,
          );
        } finally {
          await client.close();
        }
      };
      // 100 tokens a sample: the third brings Mallory to 300 >= 250, so her fourth is refused.
      expect([await as("mallory"), await as("mallory"), await as("mallory")]).toEqual(["ok", "ok", "ok"]);
      expect(await as("mallory")).toContain("Sampling budget spent: at most 250 tokens");
      expect(await as("alice")).toBe("ok");
      expect(seen).toEqual(["sub:mallory", "sub:mallory", "sub:mallory", "sub:alice"]);
    },
  );

  it("bad budget options are refused up front", () => {
    expect(() => createSamplingBudget({ perMs: 1_000 })).toThrow(/maxCalls and\/or maxTokens/);
    expect(() => createSamplingBudget({ perMs: 0, maxCalls: 1 })).toThrow(/perMs > 0/);
  });
});
