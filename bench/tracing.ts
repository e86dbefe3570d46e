// Section 8: what OpenTelemetry costs on the hot path — one in-memory sampled call (fastmcp-ts,
// 2025 session) with @opentelemetry/api loaded but nothing registered ("off", what every app
// without a tracer pays), with a tracer provider registered (spans on both sides, exported to a
// no-op exporter), and with tracing and metrics on; the raw SDK v2 alongside, as in section 1.
// Interleaved batches in one process: each batch registers (or unregisters) the globals first.
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { AggregationTemporality, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { oursSetup, sdkV2Setup } from "./in-memory.js";
import { QUICK, section } from "./lib/section.js";

export interface TracingRow {
  name: string;
  meanUs: number;
  cpuUs: number;
  /** Mean time per call ÷ the fastmcp-ts "off" row's. */
  ratioVsOff: number;
  cpuRatioVsOff: number;
  spansPerCall: number;
}

/** Counts spans and drops them: the export itself is the application's cost, not ours. */
class CountingExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.spans += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

class IdleReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

section(import.meta.url, async () => {
  const rounds = QUICK ? 6 : 20;
  const calls = QUICK ? 200 : 500;
  const exporter = new CountingExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
  // "Off" unregisters everything, the context manager too: its AsyncLocalStorage turns on a promise
  // hook that slows every await in the process, which an application without tracing never pays.
  const off = () => {
    trace.disable();
    metrics.disable();
    context.disable();
    propagation.disable();
  };
  const tracing = () => {
    off();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(tracerProvider);
  };
  const ours = await oursSetup("2025");
  const bare = await oursSetup("2025", false);
  const sdk = await sdkV2Setup("2025");
  const modes = [
    { name: "SDK v2 (raw), no OpenTelemetry", on: off, setup: sdk },
    { name: "fastmcp-ts, not instrumented (telemetry: false)", on: off, setup: bare },
    { name: "fastmcp-ts, tracing off (API loaded, no provider)", on: off, setup: ours },
    { name: "fastmcp-ts, tracing on (spans, no-op export)", on: tracing, setup: ours },
    {
      name: "fastmcp-ts, tracing + metrics on",
      on: () => {
        tracing();
        metrics.setGlobalMeterProvider(meterProvider);
      },
      setup: ours,
    },
  ];
  type Mode = (typeof modes)[number];
  const run = async (list: Mode[]) => {
    for (const mode of list) {
      mode.on();
      for (let i = 0; i < 300; i++) await mode.setup.call();
    }
    const wall = new Map<string, number[]>(list.map((m) => [m.name, []]));
    const cpu = new Map<string, number[]>(list.map((m) => [m.name, []]));
    const spans = new Map<string, number>(list.map((m) => [m.name, 0]));
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < list.length; i++) {
        const mode = list[(r + i) % list.length]!;
        mode.on();
        const before = exporter.spans;
        const cpuStart = process.cpuUsage();
        const start = process.hrtime.bigint();
        for (let c = 0; c < calls; c++) await mode.setup.call();
        wall.get(mode.name)!.push(Number(process.hrtime.bigint() - start) / 1_000 / calls);
        const used = process.cpuUsage(cpuStart);
        cpu.get(mode.name)!.push((used.user + used.system) / calls);
        spans.set(mode.name, spans.get(mode.name)! + exporter.spans - before);
      }
    }
    return { wall, cpu, spans };
  };
  // Phase 1, before tracing was ever on in this process (no span garbage, no code warmed by it):
  // fastmcp-ts with nothing registered against the same stack never instrumented, and the raw SDK v2.
  const quiet = await run(modes.slice(0, 3));
  // Phase 2: every mode, interleaved.
  const { wall, cpu, spans } = await run(modes);
  off();
  await Promise.all([ours.close(), bare.close(), sdk.close()]);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const offUs = mean(wall.get(modes[2]!.name)!);
  const offCpu = mean(cpu.get(modes[2]!.name)!);
  const rows: TracingRow[] = modes.map((mode) => ({
    name: mode.name,
    meanUs: mean(wall.get(mode.name)!),
    cpuUs: mean(cpu.get(mode.name)!),
    ratioVsOff: mean(wall.get(mode.name)!) / offUs,
    cpuRatioVsOff: mean(cpu.get(mode.name)!) / offCpu,
    spansPerCall: spans.get(mode.name)! / (rounds * calls),
  }));
  const quietMean = (name: string, of: "wall" | "cpu") => mean(quiet[of].get(name)!);
  // The check's own cost: fastmcp-ts with nothing registered ÷ the same stack never instrumented.
  const offVsBare = {
    wall: quietMean(modes[2]!.name, "wall") / quietMean(modes[1]!.name, "wall"),
    cpu: quietMean(modes[2]!.name, "cpu") / quietMean(modes[1]!.name, "cpu"),
  };
  return { rounds, callsPerRound: calls, offVsBare, rows };
});
