// Renders section 8 (what tracing costs) of BENCHMARKS.md.
import type { TracingRow } from "../tracing.js";

export type TracingSection =
  | { rounds: number; callsPerRound: number; offVsBare?: { wall: number; cpu: number }; rows: TracingRow[] }
  | { failed: string }
  | undefined;

export function tracingCost(r: TracingSection): string[] {
  const lines = ["## 8. OpenTelemetry on the hot path: tracing off vs on", ""];
  if (r === undefined) return [...lines, "Not measured in this run.", ""];
  if ("failed" in r) return [...lines, `Failed: ${r.failed}`, ""];
  lines.push(
    "One in-memory sampled call (fastmcp-ts on a 2025 session, as in section 1) with `@opentelemetry/api` installed: " +
      "**off** is what an application that registers nothing pays (fastmcp-ts checks for a provider per request); " +
      "**not instrumented** is the same stack with `telemetry: false`, as without the package; **on** " +
      "registers a tracer provider (a SimpleSpanProcessor into an exporter that drops the spans, so the export itself is " +
      "not counted) with the async-hooks context manager and the W3C propagator; **+ metrics** adds a meter provider. " +
      `Interleaved batches in one process (${r.rounds} rounds × ${r.callsPerRound} calls per mode). Without the package ` +
      "installed nothing is instrumented at all.",
  );
  lines.push("");
  lines.push("| mode | µs / call | CPU µs / call | × off (wall) | × off (CPU) | spans / call |");
  lines.push("|---|---|---|---|---|---|");
  for (const row of r.rows) {
    lines.push(
      `| ${row.name} | ${row.meanUs.toFixed(1)} | ${row.cpuUs.toFixed(1)} | ${row.ratioVsOff.toFixed(2)} | ${row.cpuRatioVsOff.toFixed(2)} | ${row.spansPerCall.toFixed(1)} |`,
    );
  }
  lines.push("");
  if (r.offVsBare !== undefined) {
    lines.push(
      "The cost of the check itself, measured first in the same process before tracing was ever on (no span garbage, " +
        "no code warmed by it): fastmcp-ts with nothing registered ran at " +
        `**${r.offVsBare.wall.toFixed(2)}× (wall), ${r.offVsBare.cpu.toFixed(2)}× (CPU)** the same stack built with ` +
        "`telemetry: false` (never instrumented, as without the package). In the interleaved table above, the off and " +
        "not-instrumented rows also run between tracing batches, whose span garbage and warmed code they inherit; the " +
        "first figure is the clean one.",
    );
    lines.push("");
  }
  return lines;
}
