// Profiles section 1's hot path (in-memory sampled call) with the V8 CPU profiler, only while measuring,
// and splits the time: ours vs the raw SDK v2 by where the code lives (ours, SDK, zod, Node, GC).
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { oursSetup, type Setup, sdkV2Setup } from "./in-memory.js";
import { inclusiveTimes, isOurs, summariseProfile } from "./lib/cpu-profile.js";
import { QUICK, runInChild, section } from "./lib/section.js";

export interface ProfileResult {
  calls: number;
  rows: Array<{
    name: string;
    usPerCall: number;
    buckets: Array<{ name: string; usPerCall: number }>;
    top: Array<{ name: string; usPerCall: number }>;
    ours?: Array<{ name: string; usPerCall: number }>;
  }>;
}

async function profileOne(setup: Setup, calls: number, session: Session) {
  for (let i = 0; i < 2000; i++) await setup.call();
  await session.post("Profiler.setSamplingInterval", { interval: 50 });
  await session.post("Profiler.start");
  for (let i = 0; i < calls; i++) await setup.call();
  const { profile } = await session.post("Profiler.stop");
  const file = join(tmpdir(), `fastmcp-bench-${setup.name.replace(/\W+/g, "-")}-${process.pid}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const summary = summariseProfile(file, 12);
  const perCall = (ms: number) => Math.round((ms * 1000 * 10) / calls) / 10;
  return {
    name: setup.name,
    usPerCall: perCall(summary.busyMs),
    buckets: summary.buckets
      .filter((b) => b.name !== "idle")
      .map((b) => ({ name: b.name, usPerCall: perCall(b.ms) })),
    top: summary.functions.map((f) => ({ name: f.name, usPerCall: perCall(f.ms) })),
    ...(setup.name.startsWith("fastmcp-ts") && {
      ours: inclusiveTimes(file, isOurs)
        .slice(0, 15)
        .map((f) => ({ name: f.name, usPerCall: perCall(f.ms) })),
    }),
    file,
  };
}

const STACKS: Record<string, () => Promise<Setup>> = {
  ours: () => oursSetup(),
  sdk: () => sdkV2Setup(),
  "ours-2026": () => oursSetup("2026"),
  "sdk-2026": () => sdkV2Setup("2026"),
};

/** Each stack is profiled in a fresh process of its own, like section 1 (one framework per process). */
function profileInChild(stack: string): Promise<ProfileResult["rows"][number]> {
  return runInChild(fileURLToPath(import.meta.url), ["--stack", stack]);
}

await section(import.meta.url, async (): Promise<ProfileResult | ProfileResult["rows"][number]> => {
  const calls = QUICK ? 2000 : 8000;
  const stackIndex = process.argv.indexOf("--stack");
  if (stackIndex !== -1) {
    const session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    const setup = await STACKS[process.argv[stackIndex + 1]!]!();
    const row = await profileOne(setup, calls, session);
    await setup.close();
    return row;
  }
  const rows = [];
  for (const stack of Object.keys(STACKS)) rows.push(await profileInChild(stack));
  return { calls, rows };
});
