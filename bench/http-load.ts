// Section 3: Streamable HTTP under load — N clients × M concurrent sampled calls, both eras.
// Each server runs in its own process (probe preloaded: request count, CPU); its RSS is sampled from /proc.
// The load generator is the official SDK v2 client for every server, so the servers are compared on
// the same requests; extra rows drive our server with our own Client.
import { StreamableHTTPClientTransport, Client as V2Client } from "@modelcontextprotocol/client";
import { Client } from "../src/index.js";
import { type ChildServer, startChildServer } from "./lib/child-server.js";
import { QUICK, section } from "./lib/section.js";
import { percentile, round, sleep } from "./lib/stats.js";
import { ARGS, lastText, samplingAnswer, TOOL } from "./servers/common.js";

type Era = "2025" | "2026";
interface Config {
  server: "fastmcp-ts" | "SDK v2 (raw)";
  client: "SDK v2 client" | "fastmcp-ts Client";
  era: Era;
}

const EXPECTED = samplingAnswer(ARGS.text).content.text;

async function connectClient(
  config: Config,
  url: string,
): Promise<{ call: () => Promise<void>; close: () => Promise<void> }> {
  if (config.client === "fastmcp-ts Client") {
    const client = new Client(url, {
      protocol: config.era,
      samplingHandler: (_messages, params) => samplingAnswer(lastText(params)),
    });
    await client.connect();
    return {
      call: async () => {
        if ((await client.callTool(TOOL, ARGS, { timeoutMs: CALL_TIMEOUT_MS })).text !== EXPECTED) {
          throw new Error("wrong answer");
        }
      },
      close: () => client.close(),
    };
  }
  const client = new V2Client(
    { name: "bench", version: "1.0.0" },
    {
      capabilities: { sampling: {} },
      ...(config.era === "2026" && { versionNegotiation: { mode: { pin: "2026-07-28" } } }),
    },
  );
  client.setRequestHandler("sampling/createMessage", (request) => samplingAnswer(lastText(request.params)));
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return {
    call: async () => {
      const result = (await client.callTool(
        { name: TOOL, arguments: ARGS },
        { timeout: CALL_TIMEOUT_MS, maxTotalTimeout: CALL_TIMEOUT_MS },
      )) as {
        content: Array<{ text?: string }>;
      };
      if (result.content[0]?.text !== EXPECTED) throw new Error(`wrong answer ${JSON.stringify(result)}`);
    },
    close: () => client.close(),
  };
}

/** Every call is bounded, so a lost call costs at most this, not the SDK's 60 s default. */
const CALL_TIMEOUT_MS = 20_000;

interface Sample {
  end: number;
  ms: number;
}

/** Runs `workers` loops per client until `stop()`; records each completed call's end time and latency. */
function drive(clients: Array<{ call: () => Promise<void> }>, workers: number) {
  const samples: Sample[] = [];
  let errors = 0;
  let running = true;
  let firstError: string | undefined;
  const loops = clients.flatMap((client) =>
    Array.from({ length: workers }, async () => {
      while (running) {
        const start = performance.now();
        try {
          await client.call();
          const end = performance.now();
          samples.push({ end, ms: end - start });
        } catch (error) {
          errors++;
          const cause = (error as { cause?: { code?: string; message?: string } }).cause;
          firstError ??= `${(error as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ""}`;
        }
      }
    }),
  );
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return { samples, errors, firstError };
    },
  };
}

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
  /** Load-generator process CPU per completed call, µs (every client of the row shares that process). */
  clientCpuUsPerCall: number;
}

interface PassResult {
  calls: number;
  windowMs: number;
  latencies: number[];
  errors: number;
  firstError?: string;
  peakRss: number;
  requests: number;
  cpuUs: number;
  clientCpuUs: number;
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
    const connected = [];
    for (let i = 0; i < clients; i++) connected.push(await connectClient(config, server.url));
    const warm = drive(connected, workers);
    await sleep(warmupMs);
    await warm.stop();
    const before = await server.stats();
    let peak = server.rssNow();
    const sampler = setInterval(() => {
      peak = Math.max(peak, server.rssNow());
    }, 100);
    const clientCpuStart = process.cpuUsage();
    const started = performance.now();
    const load = drive(connected, workers);
    await sleep(measureMs);
    const windowEnd = performance.now();
    const { samples, errors, firstError } = await load.stop();
    clearInterval(sampler);
    const clientCpu = process.cpuUsage(clientCpuStart);
    const after = await server.stats();
    await Promise.all(connected.map((client) => client.close().catch(() => {})));
    const result: PassResult = {
      // Throughput counts calls completed inside the window; the drain after it is not timed.
      calls: samples.filter((sample) => sample.end <= windowEnd).length,
      windowMs: windowEnd - started,
      latencies: samples.map((sample) => sample.ms),
      errors,
      peakRss: peak,
      // Requests and CPU cover the window and the drain, divided by every call they served.
      requests: (after.requests - before.requests) / Math.max(samples.length, 1),
      cpuUs: (after.cpuUs - before.cpuUs) / Math.max(samples.length, 1),
      clientCpuUs: (clientCpu.user + clientCpu.system) / Math.max(samples.length, 1),
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
    throughput: round(mean(passes.map((pass) => (pass.calls / pass.windowMs) * 1000)), 0),
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
  return { ...shape, passes, rows: chosen.map((config) => combine(config, results.get(config)!)) };
});
