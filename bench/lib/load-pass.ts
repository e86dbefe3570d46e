// One measured pass of HTTP load (sections 3 and 3b): the server in its own process (probe preloaded:
// request count, CPU; RSS sampled from /proc), the clients spread over as many load-generating processes
// as there are cores (one single-threaded generator saturated before the servers did), warm-up,
// measured window, drain; and the rows the report shows, combined over passes.
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { WorkerReport } from "../load-worker.js";
import { type ChildServer, startChildServer } from "./child-server.js";
import type { Config, Era, ServerName } from "./load-clients.js";
import { percentile, round, sleep } from "./stats.js";

/** Each server's entry under bench/servers (mcp-use's lives in the on-demand bench/peers install). */
const SERVER_FILES: Record<ServerName, string> = {
  "fastmcp-ts": "ours.ts",
  "SDK v2 (raw)": "sdk-v2-http.ts",
  tmcp: "tmcp.ts",
  "mcp-use": "../peers/mcp-use.mjs",
  "fastmcp (punkpeye)": "punkpeye.ts",
};

export interface LoadRow {
  server: string;
  client: string;
  era: Era;
  passes: number;
  /** Completed calls (window and drain, all passes). */
  calls: number;
  errors: number;
  firstError?: string;
  /** Calls completed inside the measured window per second (mean over passes). */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  /** Peak VmRSS sampled every 100 ms during the measured window, MB. */
  peakRssMb: number;
  /** HTTP requests the server saw per completed sampled call. */
  httpPerCall: number;
  /** Server process CPU (user+system) per completed call, µs. */
  serverCpuUsPerCall: number;
  /** Load-generator CPU per completed call, µs (all its processes together). */
  clientCpuUsPerCall: number;
  /**
   * Connections the kernel refused while the window ran (this network namespace's `ListenOverflows`
   * from /proc/net/netstat, all passes): each one is a dropped SYN that its client retransmits after
   * 1 s, 3 s, 7 s. Absent where /proc has no such counter.
   */
  listenOverflows?: number;
  /**
   * Connections the server accepted inside the measured windows (all passes). The generator's pool is
   * opened before each window, so this stays 0 unless the server closed connections under load.
   */
  connectionsInWindow: number;
  /** The generator's pool: connections per load process (all opened before the warm-up). */
  poolConnections: number;
  /**
   * 99th percentile of a request's time inside the server (headers parsed to response finished), the
   * requests that finished in the window, mean over passes. A 2025 call's POST stream lasts until its
   * result, so there it includes the sampling round trip.
   */
  serverP99Ms: number;
}

export interface PassResult {
  /** Calls per second completed inside the measured window, all load processes together. */
  throughput: number;
  latencies: number[];
  errors: number;
  firstError?: string;
  peakRss: number;
  requests: number;
  cpuUs: number;
  clientCpuUs: number;
  listenOverflows: number | undefined;
  connectionsInWindow: number;
  poolConnections: number;
  serverP99Ms: number;
}

/** Load-generating processes per pass: as many as the machine has cores, so the clients never saturate first. */
export const LOAD_PROCESSES = Math.max(2, availableParallelism());

type Phase = "open" | "warm" | "settle" | "measure" | "stop";

interface LoadProcess {
  command(type: Phase): void;
  next(type: string): Promise<{ report?: WorkerReport }>;
}

async function startLoadProcess(config: Config, url: string, clients: number, workers: number) {
  const child = fork(
    fileURLToPath(new URL("../load-worker.ts", import.meta.url)),
    [JSON.stringify({ config, url, clients, workers })],
    { execArgv: ["--import", import.meta.resolve("tsx")], stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const inbox: Array<{ type: string; report?: WorkerReport }> = [];
  const waiting: Array<() => void> = [];
  child.on("message", (message: { type: string; report?: WorkerReport }) => {
    inbox.push(message);
    for (const wake of waiting.splice(0)) wake();
  });
  const handle: LoadProcess = {
    command: (type) => child.send({ type }),
    async next(type) {
      for (;;) {
        const index = inbox.findIndex((message) => message.type === type);
        if (index !== -1) return inbox.splice(index, 1)[0]!;
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
  };
  await handle.next("ready");
  return handle;
}

/** One pass of one config: its own server process, warm-up, measured window, drain. */
export async function runPass(
  config: Config,
  clients: number,
  workers: number,
  warmupMs: number,
  measureMs: number,
) {
  const server: ChildServer = await startChildServer(SERVER_FILES[config.server], {
    BENCH_LOAD_TOOLS: "1",
  });
  try {
    const share = Math.ceil(clients / LOAD_PROCESSES);
    const loads = await Promise.all(
      Array.from({ length: LOAD_PROCESSES }, () => startLoadProcess(config, server.url, share, workers)),
    );
    const all = async (type: Phase, reply?: string) => {
      for (const load of loads) load.command(type);
      return reply === undefined ? [] : Promise.all(loads.map((load) => load.next(reply)));
    };
    // Every process's pool is opened (and, after the drain, opened again) while all of them are idle.
    await all("open", "opened");
    await all("warm");
    await sleep(warmupMs);
    await all("settle", "settled");
    await all("open", "opened");
    const before = await server.stats();
    const overflowsBefore = listenOverflows();
    let peak = server.rssNow();
    const sampler = setInterval(() => {
      peak = Math.max(peak, server.rssNow());
    }, 100);
    await all("measure");
    await sleep(measureMs);
    // The server's count at the window's end (asked before the clients stop and close their sessions).
    const atWindowEnd = server.stats();
    const reports = (await all("stop", "report")).map((message) => message.report!);
    clearInterval(sampler);
    const after = await server.stats();
    const overflowsAfter = listenOverflows();
    const calls = reports.reduce((sum, report) => sum + report.calls, 0);
    const firstError = reports.find((report) => report.firstError !== undefined)?.firstError;
    const result: PassResult = {
      // Throughput: calls completed inside each process's window, per second, summed over processes.
      throughput: reports.reduce((sum, report) => sum + (report.callsInWindow / report.windowMs) * 1000, 0),
      latencies: reports.flatMap((report) => report.latencies),
      errors: reports.reduce((sum, report) => sum + report.errors, 0),
      peakRss: peak,
      listenOverflows:
        overflowsBefore === undefined || overflowsAfter === undefined
          ? undefined
          : overflowsAfter - overflowsBefore,
      connectionsInWindow: (await atWindowEnd).connections - before.connections,
      serverP99Ms: (await atWindowEnd).requestP99Ms,
      poolConnections: Math.max(...reports.map((report) => report.poolConnections)),
      // Requests and CPU cover the window and the drain, divided by every call they served.
      requests: (after.requests - before.requests) / Math.max(calls, 1),
      cpuUs: (after.cpuUs - before.cpuUs) / Math.max(calls, 1),
      clientCpuUs: reports.reduce((sum, report) => sum + report.cpuUs, 0) / Math.max(calls, 1),
      ...(firstError !== undefined && { firstError }),
    };
    return result;
  } finally {
    await server.stop();
  }
}

export function combine(config: Config, passes: PassResult[]): LoadRow {
  const latencies = passes.flatMap((pass) => pass.latencies);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const firstError = passes.find((pass) => pass.firstError !== undefined)?.firstError;
  return {
    ...config,
    passes: passes.length,
    calls: passes.reduce((sum, pass) => sum + pass.latencies.length, 0),
    errors: passes.reduce((sum, pass) => sum + pass.errors, 0),
    ...(firstError !== undefined && { firstError }),
    throughput: round(mean(passes.map((pass) => pass.throughput)), 0),
    p50Ms: round(percentile(latencies, 50), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    peakRssMb: round(Math.max(...passes.map((pass) => pass.peakRss)) / 2 ** 20),
    httpPerCall: round(mean(passes.map((pass) => pass.requests)), 2),
    serverCpuUsPerCall: round(mean(passes.map((pass) => pass.cpuUs)), 0),
    clientCpuUsPerCall: round(mean(passes.map((pass) => pass.clientCpuUs)), 0),
    connectionsInWindow: passes.reduce((sum, pass) => sum + pass.connectionsInWindow, 0),
    poolConnections: Math.max(...passes.map((pass) => pass.poolConnections)),
    serverP99Ms: round(mean(passes.map((pass) => pass.serverP99Ms)), 0),
    ...(passes.every((pass) => pass.listenOverflows !== undefined) && {
      listenOverflows: passes.reduce((sum, pass) => sum + pass.listenOverflows!, 0),
    }),
  };
}

/** The kernel's count of connections dropped because a listen queue was full (Linux), or undefined. */
function listenOverflows(): number | undefined {
  try {
    const lines = readFileSync("/proc/net/netstat", "utf8").split("\n");
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const names = lines[i]!.split(/\s+/);
      const index = names.indexOf("ListenOverflows");
      if (index > 0) return Number(lines[i + 1]!.split(/\s+/)[index]);
    }
  } catch {
    // Not Linux: the column stays empty.
  }
  return undefined;
}

export interface LoadShape {
  clients: number;
  workers: number;
  warmupMs: number;
  measureMs: number;
}

/**
 * Every config, `passes` times, each pass in a fresh server process; the second pass in reverse order,
 * so drift in the machine's load hits all rows alike.
 */
export async function measureConfigs(chosen: Config[], shape: LoadShape, passes: number): Promise<LoadRow[]> {
  const results = new Map<Config, PassResult[]>(chosen.map((config) => [config, []]));
  for (let pass = 0; pass < passes; pass++) {
    for (const config of pass % 2 === 0 ? chosen : [...chosen].reverse()) {
      results
        .get(config)!
        .push(await runPass(config, shape.clients, shape.workers, shape.warmupMs, shape.measureMs));
    }
  }
  return chosen.map((config) => combine(config, results.get(config)!));
}

/** `--only <text>` (debugging): the configs whose "server/client/era" contains the text. */
export function onlyConfigs(configs: Config[], argv: string[] = process.argv): Config[] {
  if (!argv.includes("--only")) return configs;
  const only = argv[argv.indexOf("--only") + 1] ?? "";
  return configs.filter((c) => `${c.server}/${c.client}/${c.era}`.includes(only));
}
