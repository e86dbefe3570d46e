// Section 1: one sampled tool call in memory (tools/call → sampling/createMessage → answer → result),
// per framework, warmed, in interleaved rounds so drift and GC hit every framework alike.
import { fileURLToPath } from "node:url";
import { Client as V2Client, InMemoryTransport as V2Memory } from "@modelcontextprotocol/client";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport as V1Memory } from "@modelcontextprotocol/sdk/inMemory.js";
import { CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { InMemoryTransport as ServerMemory } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { Client } from "../src/index.js";
import { QUICK, runInChild, section } from "./lib/section.js";
import { percentile, round } from "./lib/stats.js";
import { ARGS, lastText, samplingAnswer, samplingParams, TOOL } from "./servers/common.js";
import { buildOurs } from "./servers/ours.js";
import { buildPunkpeye } from "./servers/punkpeye.js";
import { buildSdkV1 } from "./servers/sdk-v1.js";
import { buildSdkV2 } from "./servers/sdk-v2.js";

export interface Setup {
  name: string;
  call: () => Promise<unknown>;
  close: () => Promise<void>;
}

const EXPECTED = samplingAnswer(ARGS.text).content.text;
const answerFor = (params: { messages: ReadonlyArray<{ content: unknown }> }) =>
  samplingAnswer(lastText(params));

function textOf(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.map((block) => block.text ?? "").join("");
}

export async function oursSetup(protocol: "2025" | "2026" = "2025", telemetry = true): Promise<Setup> {
  // Only the tool the SDK's server registers too: a task tool would have our client declare the tasks
  // extension on every request, which the SDK's client and server never see.
  const server = buildOurs({ sampledOnly: true, ...(!telemetry && { telemetry: false }) });
  const client = new Client(server, {
    protocol,
    samplingHandler: (_messages, params) => answerFor(params),
    ...(!telemetry && { telemetry: false }),
  });
  await client.connect();
  return {
    name: protocol === "2025" ? "fastmcp-ts" : "fastmcp-ts (2026-07-28)",
    call: async () => (await client.callTool(TOOL, ARGS)).text,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/**
 * `protocol` "2025": McpServer.connect (2025 only); "2025-dual": the same server behind the SDK's dual-era
 * entry `serveStdio(factory, { transport })`, as a raw SDK server serving both eras on one connection runs.
 */
export async function sdkV2Setup(protocol: "2025" | "2025-dual" | "2026" = "2025"): Promise<Setup> {
  const [clientSide, serverSide] = V2Memory.createLinkedPair();
  const client = new V2Client(
    { name: "bench", version: "1.0.0" },
    {
      capabilities: { sampling: {} },
      ...(protocol === "2026" && { versionNegotiation: { mode: { pin: "2026-07-28" } } }),
    },
  );
  client.setRequestHandler("sampling/createMessage", (request) => answerFor(request.params));
  let close: () => Promise<void>;
  if (protocol === "2025") {
    const server = buildSdkV2("legacy");
    await server.connect(serverSide as unknown as ServerMemory);
    close = () => server.close();
  } else {
    const handle = serveStdio(({ era }) => buildSdkV2(era), {
      transport: serverSide as unknown as ServerMemory,
    });
    close = () => handle.close();
  }
  await client.connect(clientSide);
  return {
    name: {
      "2025": "SDK v2 (raw)",
      "2025-dual": "SDK v2 (raw, dual-era serveStdio entry)",
      "2026": "SDK v2 (raw, 2026-07-28)",
    }[protocol],
    call: async () => textOf(await client.callTool({ name: TOOL, arguments: ARGS })),
    close: async () => {
      await client.close();
      await close();
    },
  };
}

export async function sdkV1Setup(): Promise<Setup> {
  const [clientSide, serverSide] = V1Memory.createLinkedPair();
  const server = buildSdkV1();
  const client = new V1Client({ name: "bench", version: "1.0.0" }, { capabilities: { sampling: {} } });
  client.setRequestHandler(CreateMessageRequestSchema, (request) => answerFor(request.params));
  await server.connect(serverSide);
  await client.connect(clientSide);
  return {
    name: "SDK v1 (raw)",
    call: async () => textOf(await client.callTool({ name: TOOL, arguments: ARGS })),
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

export async function punkpeyeSetup(): Promise<Setup> {
  const [clientSide, serverSide] = V1Memory.createLinkedPair();
  const server = buildPunkpeye();
  const client = new V1Client({ name: "bench", version: "1.0.0" }, { capabilities: { sampling: {} } });
  client.setRequestHandler(CreateMessageRequestSchema, (request) => answerFor(request.params));
  const [session] = await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return {
    name: "fastmcp (punkpeye)",
    call: async () => textOf(await client.callTool({ name: TOOL, arguments: ARGS })),
    close: async () => {
      await client.close();
      await session.close();
    },
  };
}

/** The four messages of one sampled call, as JSON-RPC objects, encoded and decoded: the floor. */
export function floorSetup(): Setup {
  const messages = [
    { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: TOOL, arguments: ARGS } },
    { jsonrpc: "2.0", id: 0, method: "sampling/createMessage", params: samplingParams(ARGS.text) },
    { jsonrpc: "2.0", id: 0, result: samplingAnswer(ARGS.text) },
    { jsonrpc: "2.0", id: 1, result: { content: [{ type: "text", text: EXPECTED }] } },
  ];
  let sink = 0;
  return {
    name: "floor (JSON encode+decode ×4)",
    call: async () => {
      for (const message of messages) sink += (JSON.parse(JSON.stringify(message)) as { id: number }).id;
      return sink >= 0 ? EXPECTED : "";
    },
    close: async () => {},
  };
}

export interface RowResult {
  name: string;
  /** Mean µs per call over all measured batches. */
  meanUs: number;
  p10Us: number;
  p90Us: number;
  /** This stack's mean time per call ÷ the raw SDK v2's, measured in the same process. */
  ratioVsSdkV2: number;
  /** Mean process CPU time (user + system, all threads, GC included) per call. */
  cpuUs: number;
  cpuRatioVsSdkV2: number;
}

export interface InMemoryResult {
  rounds: number;
  callsPerRound: number;
  warmupCalls: number;
  /** `baseline`: the raw SDK v2 row this row was interleaved with, in the same process. */
  rows: Array<RowResult & { baseline: string; baselineUs: number }>;
}

/** Interleaved rounds: every round times `calls` sequential calls of each setup, order rotating. */
export async function measure(setups: Setup[], options: { rounds: number; calls: number; warmup: number }) {
  for (const setup of setups) {
    const text = await setup.call();
    if (text !== EXPECTED)
      throw new Error(`${setup.name} answered ${JSON.stringify(text)}, expected ${EXPECTED}`);
    for (let i = 0; i < options.warmup; i++) await setup.call();
  }
  const wall = new Map<string, number[]>(setups.map((s) => [s.name, []]));
  const cpu = new Map<string, number[]>(setups.map((s) => [s.name, []]));
  for (let r = 0; r < options.rounds; r++) {
    for (let i = 0; i < setups.length; i++) {
      const setup = setups[(r + i) % setups.length]!;
      const cpuStart = process.cpuUsage();
      const start = process.hrtime.bigint();
      for (let c = 0; c < options.calls; c++) await setup.call();
      wall.get(setup.name)!.push(Number(process.hrtime.bigint() - start) / 1_000 / options.calls);
      const used = process.cpuUsage(cpuStart);
      cpu.get(setup.name)!.push((used.user + used.system) / options.calls);
    }
  }
  return { wall, cpu };
}

/**
 * µs/call is total time over total calls across all batches (a mean, so the GC work a stack causes is
 * charged to it even when a collection lands in another stack's batch); the ratio is the ratio of those
 * totals; p10–p90 is the spread of per-batch means.
 */
export function summarise(
  times: { wall: Map<string, number[]>; cpu: Map<string, number[]> },
  baseline: string,
): RowResult[] {
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const baseWall = mean(times.wall.get(baseline)!);
  const baseCpu = mean(times.cpu.get(baseline)!);
  return [...times.wall].map(([name, values]) => {
    const cpu = mean(times.cpu.get(name)!);
    const wall = mean(values);
    return {
      name,
      meanUs: round(wall),
      p10Us: round(percentile(values, 10)),
      p90Us: round(percentile(values, 90)),
      ratioVsSdkV2: round(wall / baseWall, 3),
      cpuUs: round(cpu),
      cpuRatioVsSdkV2: round(cpu / baseCpu, 3),
    };
  });
}

/**
 * Each framework is measured in its own process, interleaved with the raw SDK v2 as the baseline in that
 * process: loading several frameworks into one process makes shared SDK code polymorphic and shifts GC,
 * and penalises whichever stack touches more of it (we measured ~0.3× of drift that way). An app loads one.
 */
const PAIRS: Record<string, () => Promise<Setup[]>> = {
  ours: async () => [await oursSetup(), await sdkV2Setup(), floorSetup()],
  "sdk-v2-dual": async () => [await sdkV2Setup("2025-dual"), await sdkV2Setup()],
  "sdk-v1": async () => [await sdkV1Setup(), await sdkV2Setup()],
  punkpeye: async () => [await punkpeyeSetup(), await sdkV2Setup()],
  "ours-2026": async () => [await oursSetup("2026"), await sdkV2Setup("2026")],
};

async function runPair(pair: string, options: { rounds: number; calls: number; warmup: number }) {
  const setups = await PAIRS[pair]!();
  const baseline = setups[1]!.name;
  const summary = summarise(await measure(setups, options), baseline);
  const baselineUs = summary[1]!.meanUs;
  const rows = summary.map((row) => ({ ...row, baseline, baselineUs }));
  for (const setup of setups) await setup.close();
  return rows;
}

function runPairProcess(pair: string): Promise<InMemoryResult["rows"]> {
  return runInChild(fileURLToPath(import.meta.url), ["--pair", pair]);
}

await section(import.meta.url, async (): Promise<InMemoryResult | RowResult[]> => {
  // Many short batches, alternating, so collections and machine noise spread over both stacks alike.
  const options = QUICK ? { rounds: 100, calls: 50, warmup: 1000 } : { rounds: 400, calls: 50, warmup: 3000 };
  const pairIndex = process.argv.indexOf("--pair");
  if (pairIndex !== -1) return runPair(process.argv[pairIndex + 1]!, options);
  const rows: InMemoryResult["rows"] = [];
  for (const pair of Object.keys(PAIRS)) {
    const pairRows = await runPairProcess(pair);
    // The baseline appears in every pair; list it once, from the pair with fastmcp-ts in it.
    rows.push(...pairRows.filter((_row, i) => i !== 1 || pair === "ours" || pair === "ours-2026"));
  }
  return { rounds: options.rounds, callsPerRound: options.calls, warmupCalls: options.warmup, rows };
});
