// One instance of the cluster suite's server, written with the public API only. Every tool result
// starts with the instance's name, so a test can see which instance ran it.
import { FastMCP } from "../../src/index.js";
import { redisSessionStore } from "../../src/redis/index.js";

const instance = process.env.INSTANCE ?? "?";
const server = new FastMCP({
  name: "cluster",
  requestStateKey: process.env.STATE_KEY ?? "cluster-suite-shared-request-state-key!",
  sampleTimeoutMs: Number(process.env.SAMPLE_TIMEOUT_MS ?? 15_000),
});

server.tool({
  name: "ask",
  description: "Samples once with the given token and returns the answer.",
  execute: async (args: { token: string }, ctx) => {
    const answer = await ctx.sample(args.token, { maxTokens: 50 });
    return `${instance}|${answer.text}`;
  },
});
server.tool({ name: "where", execute: () => instance });

const url = process.env.REDIS_URL;
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
