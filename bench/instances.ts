// Section 7: several instances. The cluster suite's server (test/cluster/server.ts) behind real nginx
// (round robin, sessions in a real redis-server) and HAProxy (sticky on Mcp-Session-Id, no Redis),
// against one instance; then the cost of forwarding one sampling answer through Redis, measured as the
// latency difference between calls whose answer POST lands on the waiting instance and calls whose
// answer lands on the other one. On a 2-core machine the point is correctness and overhead, not scaling.
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { Client, FastMCP, type SamplingMessage } from "../src/index.js";
import { redisSessionStore } from "../src/redis/index.js";
import {
  type Balancer,
  type Instance,
  type RedisServer,
  startHaproxy,
  startInstance,
  startNginx,
  startRedis,
} from "../test/cluster/infra.js";
import { QUICK, section } from "./lib/section.js";
import { median, percentile, round, sleep } from "./lib/stats.js";

type Era = "2025" | "2026";
interface Setup {
  name: string;
  era: Era;
  instances: number;
  balancer: "none" | "nginx" | "haproxy";
  redis: boolean;
}

export interface InstancesRow extends Setup {
  clients: number;
  concurrency: number;
  calls: number;
  errors: number;
  firstError?: string;
  throughput: number;
  p50Ms: number;
  p99Ms: number;
}

export interface RoutingCost {
  calls: number;
  localMedianUs: number;
  routedMedianUs: number;
  /** routed − local, per call (wall clock). */
  costUs: number;
  /** This process's CPU (user + system) per call, both instances and the client included. */
  localCpuUs: number;
  routedCpuUs: number;
  /** routed − local CPU per call: what forwarding costs the instances, independent of other load. */
  cpuCostUs: number;
  /** routed − local of the 10th percentiles (wall clock; less sensitive to a busy machine than medians). */
  p10CostUs: number;
}

export interface InstancesResult {
  measureMs: number;
  rows: InstancesRow[];
  routing: RoutingCost | { failed: string };
  /** The machine's 1-minute load average when the section ended (other work included). */
  load1: number;
  date: string;
  quick: boolean;
}

const SETUPS: Setup[] = [
  { name: "1 instance, direct", era: "2025", instances: 1, balancer: "none", redis: false },
  { name: "1 instance, Redis store, via nginx", era: "2025", instances: 1, balancer: "nginx", redis: true },
  {
    name: "3 instances, Redis store, nginx round robin",
    era: "2025",
    instances: 3,
    balancer: "nginx",
    redis: true,
  },
  {
    name: "3 instances, HAProxy sticky, no Redis",
    era: "2025",
    instances: 3,
    balancer: "haproxy",
    redis: false,
  },
  { name: "1 instance, direct", era: "2026", instances: 1, balancer: "none", redis: false },
  { name: "3 instances, nginx round robin", era: "2026", instances: 3, balancer: "nginx", redis: false },
];

const CLIENTS = QUICK ? 4 : 8;
const WORKERS = 4;
const WARMUP_MS = QUICK ? 500 : 1_500;
const MEASURE_MS = QUICK ? 2_000 : 8_000;

const answer = (messages: SamplingMessage[]) => {
  const content = messages.at(-1)?.content as { text?: string } | undefined;
  return `answer:${content?.text ?? ""}`;
};

async function measure(setup: Setup, redis: RedisServer): Promise<InstancesRow> {
  const env: Record<string, string> = setup.redis ? { REDIS_URL: redis.url } : {};
  const instances: Instance[] = await Promise.all(
    Array.from({ length: setup.instances }, (_, i) => startInstance(String.fromCharCode(65 + i), env)),
  );
  let balancer: Balancer | undefined;
  const clients: Client[] = [];
  try {
    const ports = instances.map((instance) => instance.port);
    if (setup.balancer === "nginx") balancer = await startNginx(ports);
    if (setup.balancer === "haproxy") balancer = await startHaproxy(ports);
    const url = balancer?.url ?? instances[0]!.url;
    for (let i = 0; i < CLIENTS; i++) {
      const client = new Client(url, { protocol: setup.era, timeoutMs: 20_000, samplingHandler: answer });
      await client.connect();
      clients.push(client);
    }
    const latencies: number[] = [];
    let calls = 0;
    let errors = 0;
    let firstError: string | undefined;
    let counting = false;
    let running = true;
    const loops = clients.flatMap((client) =>
      Array.from({ length: WORKERS }, async () => {
        while (running) {
          const token = randomBytes(6).toString("hex");
          const start = performance.now();
          try {
            const result = await client.callTool("ask", { token });
            if (!result.text.endsWith(`|answer:${token}`)) throw new Error(`crossed answer: ${result.text}`);
            if (counting) {
              latencies.push(performance.now() - start);
              calls++;
            }
          } catch (error) {
            errors++;
            firstError ??= String(error);
          }
        }
      }),
    );
    await sleep(WARMUP_MS);
    counting = true;
    const started = performance.now();
    await sleep(MEASURE_MS);
    counting = false;
    const elapsed = performance.now() - started;
    running = false;
    await Promise.all(loops);
    return {
      ...setup,
      clients: CLIENTS,
      concurrency: CLIENTS * WORKERS,
      calls,
      errors,
      ...(firstError !== undefined && { firstError }),
      throughput: round(calls / (elapsed / 1000), 0),
      p50Ms: round(percentile(latencies, 50), 2),
      p99Ms: round(percentile(latencies, 99), 2),
    };
  } finally {
    await Promise.allSettled(clients.map((client) => client.close()));
    await balancer?.stop();
    await Promise.all(instances.map((instance) => instance.stop()));
  }
}

/**
 * Two instances in this process sharing Redis; one client whose requests all go to A, except its
 * sampling answers, which go to A (local: no Redis hop) or to B (forwarded to A over pub/sub), in
 * alternating batches so both see the same machine.
 */
async function routingCost(redis: RedisServer): Promise<RoutingCost> {
  const servers = ["A", "B"].map((name) => {
    const server = new FastMCP({ name: `routing-${name}` });
    server.tool({
      name: "ask",
      execute: async (args: { token: string }, ctx) => (await ctx.sample(args.token, { maxTokens: 10 })).text,
    });
    return server;
  });
  for (const server of servers) {
    await server.run({
      transport: "http",
      port: 0,
      sessionStore: redisSessionStore({ url: redis.url, keyPrefix: "bench:" }),
    });
  }
  const [a, b] = servers.map((server) => server.url!);
  let routeAnswers = false;
  const client = new Client(a!, {
    protocol: "2025",
    samplingHandler: answer,
    fetch: (input, init) => {
      const body = typeof init?.body === "string" ? init.body : "";
      const isAnswer = body.includes('"result"') && !body.includes('"method"');
      return fetch(isAnswer && routeAnswers ? b! : input, init);
    },
  });
  await client.connect();
  const local: number[] = [];
  const routed: number[] = [];
  const cpu = { local: 0, routed: 0 };
  const batches = QUICK ? 6 : 20;
  try {
    for (let i = 0; i < 50; i++) await client.callTool("ask", { token: "warm" });
    for (let batch = 0; batch < batches * 2; batch++) {
      routeAnswers = batch % 2 === 1;
      const cpuStart = process.cpuUsage();
      for (let i = 0; i < 50; i++) {
        const start = process.hrtime.bigint();
        const result = await client.callTool("ask", { token: `t${i}` });
        const us = Number(process.hrtime.bigint() - start) / 1_000;
        if (result.text !== `answer:t${i}`) throw new Error(`wrong answer ${result.text}`);
        (routeAnswers ? routed : local).push(us);
      }
      const used = process.cpuUsage(cpuStart);
      cpu[routeAnswers ? "routed" : "local"] += used.user + used.system;
    }
  } finally {
    await client.close();
    await Promise.all(servers.map((server) => server.close()));
  }
  const localMedianUs = round(median(local), 0);
  const routedMedianUs = round(median(routed), 0);
  return {
    calls: local.length + routed.length,
    localMedianUs,
    routedMedianUs,
    costUs: round(routedMedianUs - localMedianUs, 0),
    localCpuUs: round(cpu.local / local.length, 0),
    routedCpuUs: round(cpu.routed / routed.length, 0),
    cpuCostUs: round(cpu.routed / routed.length - cpu.local / local.length, 0),
    p10CostUs: round(percentile(routed, 10) - percentile(local, 10), 0),
  };
}

await section(import.meta.url, async (): Promise<InstancesResult> => {
  const redis = await startRedis();
  try {
    const rows: InstancesRow[] = [];
    for (const setup of SETUPS) rows.push(await measure(setup, redis));
    let routing: InstancesResult["routing"];
    try {
      routing = await routingCost(redis);
    } catch (error) {
      routing = { failed: String(error) };
    }
    return {
      measureMs: MEASURE_MS,
      rows,
      routing,
      load1: round(loadavg()[0] ?? 0, 1),
      date: new Date().toISOString(),
      quick: QUICK,
    };
  } finally {
    await redis.stop();
  }
});
