// One instance of the cluster suite's server, written with the public API only. Every tool result
// starts with the instance's name, so a test can see which instance ran it.
import { FastMCP } from "../../src/index.js";
import { redisReplayCache, redisSessionStore } from "../../src/redis/index.js";

const instance = process.env.INSTANCE ?? "?";
const url = process.env.REDIS_URL;
const server = new FastMCP({
  // With Redis, 2026-07-28 request states are single-use across all instances too.
  ...(url !== undefined && { requestStateReplayCache: redisReplayCache({ url }) }),
  name: "cluster",
  requestStateKey: process.env.STATE_KEY ?? "cluster-suite-shared-request-state-key!",
  sampleTimeoutMs: Number(process.env.SAMPLE_TIMEOUT_MS ?? 60_000),
});

server.tool({
  name: "ask",
  description: "Samples once with the given token and returns the answer.",
  execute: async (args: { token: string; timeoutMs?: number }, ctx) => {
    const answer = await ctx.sample(args.token, {
      maxTokens: 50,
      ...(args.timeoutMs !== undefined && { timeoutMs: args.timeoutMs }),
    });
    return `${instance}|${answer.text}`;
  },
});
server.tool({
  name: "twice",
  description: "Records which instance ran its first round (ctx.once), then samples twice.",
  execute: async (args: { token: string }, ctx) => {
    const first = await ctx.once(() => instance);
    const a = await ctx.sample(`${args.token}-1`, { maxTokens: 50 });
    const b = await ctx.sample(`${args.token}-2`, { maxTokens: 50 });
    return `${instance}|${first}|${a.text}|${b.text}`;
  },
});
server.tool({ name: "where", execute: () => instance });

await server.run({
  transport: "http",
  host: "127.0.0.1",
  port: Number(process.env.PORT),
  ...(url !== undefined && { sessionStore: redisSessionStore({ url }) }),
});
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
