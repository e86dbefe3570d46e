// `npm run bench` (full, ~10 min on 2 quiet cores) or `npm run bench -- --quick` (a few minutes): runs every section in its own
// Node process, one after another, and writes BENCHMARKS.md from this single run. Never fails on timing.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { InstancesResult } from "./instances.js";
import { machine, watchOtherLoad } from "./lib/machine.js";
import { PACKAGE_DIR, packageBuild } from "./lib/package-build.js";
import { httpLoad, httpLoadTargets, type Results, renderReport } from "./lib/report.js";
import { type HttpPlainSection, httpPlain, plainTargets } from "./lib/report-http-plain.js";
import { instancesSection, spliceInstances } from "./lib/report-instances.js";
import { type TracingSection, tracingCost } from "./lib/report-tracing.js";
import { QUICK, runInChild } from "./lib/section.js";

const ROOT = resolve(import.meta.dirname, "..");
// fastmcp-ts is measured as it ships: built once by tsdown, and every benchmark process (sections,
// servers, load generators) resolves the project's src/index to that build (bench/lib/use-dist.mjs).
packageBuild();
const FROM_BUILD = {
  BENCH_FASTMCP_DIST: pathToFileURL(join(PACKAGE_DIR, "index.mjs")).href,
  NODE_OPTIONS:
    `${process.env.NODE_OPTIONS ?? ""} --import=${pathToFileURL(resolve(ROOT, "bench/lib/use-dist.mjs")).href}`.trim(),
};
const SECTIONS = [
  "in-memory",
  "cold-start",
  "http-load",
  "http-plain",
  "replay",
  "idle-sessions",
  "tasks",
  "instances",
  "tracing",
  "profile",
] as const;
// `--only=instances`: measure that section alone and splice it into the existing BENCHMARKS.md.
const ONLY = process.argv
  .find((arg) => arg.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");

function runSection(name: string): Promise<unknown> {
  return runInChild(`bench/${name}.ts`, [], { cwd: ROOT, env: { ...process.env, ...FROM_BUILD } });
}

// `--render`: rewrite BENCHMARKS.md from the last run's saved figures (no measuring).
const SAVED = resolve(ROOT, "node_modules/.cache/fastmcp-ts-bench/last-run.json");
if (process.argv.includes("--render")) {
  const report = renderReport(JSON.parse(readFileSync(SAVED, "utf8")) as Results);
  writeFileSync(resolve(ROOT, "BENCHMARKS.md"), report);
  process.stdout.write(report);
  process.exit(0);
}

const started = Date.now();
const load = watchOtherLoad();
const results: Partial<Results> = {
  machine: machine(),
  quick: QUICK,
  fromBuild: true,
  sections: {} as Results["sections"],
};
// `--only=tracing`: measure section 8 alone and print its figures and its rendered section.
if (ONLY !== undefined && ONLY.length === 1 && ONLY[0] === "tracing") {
  const measured = await runSection("tracing");
  process.stdout.write(
    `${JSON.stringify(measured, null, 1)}\n\n${tracingCost(measured as TracingSection).join("\n")}\n`,
  );
  process.exit(0);
}
// `--only=http-load` / `--only=http-plain`: measure that section alone (it can be repeated to see the
// noise) and print its figures, its target rows and its rendered section; BENCHMARKS.md is left alone.
const ALONE: Record<string, (measured: unknown) => string[]> = {
  "http-load": (measured) => [
    ...httpLoadTargets(measured as Results["sections"]["http-load"]).map((row) => `| ${row.join(" | ")} |`),
    "",
    ...httpLoad(measured as Results["sections"]["http-load"]),
  ],
  "http-plain": (measured) => [
    ...plainTargets(measured as HttpPlainSection).map((row) => `| ${row.join(" | ")} |`),
    "",
    ...httpPlain(measured as HttpPlainSection),
  ],
};
const alone = ONLY !== undefined && ONLY.length === 1 ? ALONE[ONLY[0]!] : undefined;
if (alone !== undefined) {
  const measured = await runSection(ONLY![0]!);
  process.stdout.write(`${JSON.stringify(measured, null, 1)}\n\n${alone(measured).join("\n")}\n`);
  process.exit(0);
}
if (ONLY !== undefined) {
  if (!ONLY.every((name) => name === "instances"))
    throw new Error("--only supports: instances, tracing, http-load, http-plain");
  process.stderr.write(`bench: instances${QUICK ? " (quick)" : ""}… `);
  const measured = await runSection("instances").catch((error: Error) => ({ failed: error.message }));
  const file = resolve(ROOT, "BENCHMARKS.md");
  const lines = instancesSection(measured as InstancesResult);
  writeFileSync(file, spliceInstances(readFileSync(file, "utf8"), lines));
  process.stdout.write(`${lines.join("\n")}\n`);
  process.exit(0);
}
for (const name of SECTIONS) {
  const t = Date.now();
  process.stderr.write(`bench: ${name}${QUICK ? " (quick)" : ""}… `);
  try {
    (results.sections as Record<string, unknown>)[name] = await runSection(name);
    process.stderr.write(`${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  } catch (error) {
    (results.sections as Record<string, unknown>)[name] = { failed: (error as Error).message };
    process.stderr.write(`failed: ${(error as Error).message}\n`);
  }
}
results.load = load.stop();
results.durationSeconds = (Date.now() - started) / 1000;
mkdirSync(dirname(SAVED), { recursive: true });
writeFileSync(SAVED, JSON.stringify(results, null, 1));
const report = renderReport(results as Results);
writeFileSync(resolve(ROOT, "BENCHMARKS.md"), report);
process.stdout.write(report);
process.stderr.write(`bench: wrote BENCHMARKS.md in ${results.durationSeconds.toFixed(0)} s\n`);
// A quick run is CI's check that every section still runs: a section that failed fails it (timing never does).
const broken = Object.entries(results.sections as Record<string, unknown>).filter(
  ([, value]) => typeof (value as { failed?: unknown } | null)?.failed === "string",
);
if (QUICK && broken.length > 0) {
  process.stderr.write(`bench: sections that failed: ${broken.map(([name]) => name).join(", ")}\n`);
  process.exitCode = 1;
}
