// Section 3: Streamable HTTP under load — N clients × M concurrent sampled calls, both eras.
// Each server runs in its own process (probe preloaded: request count, CPU); its RSS is sampled from /proc.
// The load generator is the official SDK v2 client for every server, so the servers are compared on
// the same requests; extra rows drive our server with our own Client. It runs in as many processes
// as there are cores: one single-threaded generator saturated before the servers did.
import { fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { type ChildServer, startChildServer } from "./lib/child-server.js";
import type { Config, Era } from "./lib/load-clients.js";
import { QUICK, section } from "./lib/section.js";
import { percentile, round, sleep } from "./lib/stats.js";
import type { WorkerReport } from "./load-worker.js";

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
}

interface PassResult {
  /** Calls per second completed inside the measured window, all load processes together. */
  throughput: number;
  latencies: number[];
  errors: number;
  firstError?: string;
  peakRss: number;
  requests: number;
  cpuUs: number;
  clientCpuUs: number;
}

/** Load-generating processes per pass: as many as the machine has cores, so the clients never saturate first. */
const LOAD_PROCESSES = Math.max(2, availableParallelism());

interface LoadProcess {
  command(type: "warm" | "settle" | "measure" | "stop"): void;
  next(type: string): Promise<{ report?: WorkerReport }>;
}

async function startLoadProcess(config: Config, url: string, clients: number, workers: number) {
  const child = fork(
    fileURLToPath(new URL("./load-worker.ts", import.meta.url)),
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
async function runPass(
  config: Config,
  clients: number,
  workers: number,
  warmupMs: number,
  measureMs: number,
) {
  const server: ChildServer = await startChildServer(
    config.server === "fastmcp-ts" ? "ours.ts" : "sdk-v2-http.ts",
  );
  try {
    const share = Math.ceil(clients / LOAD_PROCESSES);
    const loads = await Promise.all(
      Array.from({ length: LOAD_PROCESSES }, () => startLoadProcess(config, server.url, share, workers)),
    );
    const all = async (type: "warm" | "settle" | "measure" | "stop", reply?: string) => {
      for (const load of loads) load.command(type);
      return reply === undefined ? [] : Promise.all(loads.map((load) => load.next(reply)));
    };
    await all("warm");
    await sleep(warmupMs);
    await all("settle", "settled");
    const before = await server.stats();
    let peak = server.rssNow();
    const sampler = setInterval(() => {
      peak = Math.max(peak, server.rssNow());
    }, 100);
    await all("measure");
    await sleep(measureMs);
    const reports = (await all("stop", "report")).map((message) => message.report!);
    clearInterval(sampler);
    const after = await server.stats();
    const calls = reports.reduce((sum, report) => sum + report.calls, 0);
    const firstError = reports.find((report) => report.firstError !== undefined)?.firstError;
    const result: PassResult = {
      // Throughput: calls completed inside each process's window, per second, summed over processes.
      throughput: reports.reduce((sum, report) => sum + (report.callsInWindow / report.windowMs) * 1000, 0),
      latencies: reports.flatMap((report) => report.latencies),
      errors: reports.reduce((sum, report) => sum + report.errors, 0),
      peakRss: peak,
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

function combine(config: Config, passes: PassResult[]): LoadRow {
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
  };
}

await section(import.meta.url, async () => {
  const shape = QUICK
    ? { clients: 10, workers: 5, warmupMs: 1_000, measureMs: 3_000 }
    : { clients: 50, workers: 20, warmupMs: 2_000, measureMs: 8_000 };
  const configs: Config[] = [];
  for (const era of ["2025", "2026"] as const) {
    configs.push({ server: "fastmcp-ts", client: "SDK v2 client", era });
    configs.push({ server: "SDK v2 (raw)", client: "SDK v2 client", era });
    configs.push({ server: "fastmcp-ts", client: "fastmcp-ts Client", era });
  }
  // `--only fastmcp-ts/2025` (debugging): run the configs whose "server/client/era" contains the text.
  const only = process.argv[process.argv.indexOf("--only") + 1];
  const chosen = process.argv.includes("--only")
    ? configs.filter((c) => `${c.server}/${c.client}/${c.era}`.includes(only ?? ""))
    : configs;
  // Full runs take two passes, the second in reverse order, so drift in the machine's load hits all alike.
  const passes = QUICK ? 1 : 2;
  const results = new Map<Config, PassResult[]>(chosen.map((config) => [config, []]));
  for (let pass = 0; pass < passes; pass++) {
    for (const config of pass % 2 === 0 ? chosen : [...chosen].reverse()) {
      results
        .get(config)!
        .push(await runPass(config, shape.clients, shape.workers, shape.warmupMs, shape.measureMs));
    }
  }
  return {
    ...shape,
    passes,
    loadProcesses: LOAD_PROCESSES,
    rows: chosen.map((config) => combine(config, results.get(config)!)),
  };
});
