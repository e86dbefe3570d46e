// One instance of the cluster suite's server, written with the public API only. Every tool result
// starts with the instance's name, so a test can see which instance ran it.
import { FastMCP } from "../../src/index.js";
import { redisReplayCache, redisSessionStore, redisTaskStore } from "../../src/redis/index.js";

const instance = process.env.INSTANCE ?? "?";
const url = process.env.REDIS_URL;
const server = new FastMCP({
  // With Redis, 2026-07-28 request states are single-use across all instances too.
  ...(url !== undefined && { requestStateReplayCache: redisReplayCache({ url }) }),
  name: "cluster",
  requestStateKey: process.env.STATE_KEY ?? "cluster-suite-shared-request-state-key!",
  sampleTimeoutMs: Number(process.env.SAMPLE_TIMEOUT_MS ?? 60_000),
  // With Redis, tasks are shared: any instance serves any task's tasks/* requests.
  ...(url !== undefined && {
    tasks: {
      pollIntervalMs: 20,
      store: redisTaskStore({ url, leaseMs: Number(process.env.TASK_LEASE_MS ?? 15_000) }),
    },
  }),
});

// How often each task body started on this instance, by token (the test sums over instances).
const runs = new Map<string, number>();
server.tool({
  name: "chain",
  description: "A task: samples `steps` times in a row, each prompt naming the instance running the body.",
  task: true,
  execute: async (args: { token: string; steps: number }, ctx) => {
    runs.set(args.token, (runs.get(args.token) ?? 0) + 1);
    const answers: string[] = [];
    for (let i = 0; i < args.steps; i++) {
      answers.push((await ctx.sample(`${args.token}-${i}@${instance}`, { maxTokens: 50 })).text);
    }
    return `${instance}|${answers.join(",")}`;
  },
});
server.tool({
  name: "runs",
  description: "How often the chain body with this token started on this instance.",
  execute: (args: { token: string }) => String(runs.get(args.token) ?? 0),
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
  // AUTH=1: every bearer token is accepted and names its own principal (alice, mallory…).
  ...(process.env.AUTH === "1" && {
    auth: {
      verify: (request: Request) => {
        const token = /^Bearer (\S+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
        return token === undefined
          ? undefined
          : { token, clientId: token, scopes: [], extra: { sub: token } };
      },
    },
  }),
  ...(url !== undefined && { sessionStore: redisSessionStore({ url }) }),
});
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
