// The machine a run happened on, and how busy the rest of it was: CPU used by processes outside the
// benchmark's own process tree, sampled from /proc every second.
import { readdirSync, readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";

const TICK = 100; // USER_HZ on Linux

export function machine() {
  const list = cpus();
  return {
    cpuModel: list[0]?.model ?? "unknown",
    cores: list.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  };
}

interface ProcInfo {
  ppid: number;
  cpuTicks: number;
  command: string;
}

function readProcs(): Map<number, ProcInfo> {
  const procs = new Map<number, ProcInfo>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const command = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      procs.set(Number(entry), {
        ppid: Number(fields[1]),
        cpuTicks: Number(fields[11]) + Number(fields[12]),
        command,
      });
    } catch {
      // the process exited while we looked
    }
  }
  return procs;
}

/** Samples CPU used outside `rootPid`'s process tree until stopped. */
export function watchOtherLoad(rootPid = process.pid) {
  const seen = new Map<number, number>();
  let otherTicks = 0;
  const busiest = new Map<string, number>();
  const loads: number[] = [];
  const sample = (first: boolean) => {
    const procs = readProcs();
    const ours = new Set<number>([rootPid]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [pid, info] of procs) {
        if (!ours.has(pid) && ours.has(info.ppid)) {
          ours.add(pid);
          grew = true;
        }
      }
    }
    for (const [pid, info] of procs) {
      const previous = seen.get(pid);
      seen.set(pid, info.cpuTicks);
      if (first || ours.has(pid)) continue;
      const delta = info.cpuTicks - (previous ?? info.cpuTicks);
      if (delta > 0) {
        otherTicks += delta;
        busiest.set(info.command, (busiest.get(info.command) ?? 0) + delta);
      }
    }
    loads.push(loadavg()[0]!);
  };
  sample(true);
  const start = Date.now();
  const timer = setInterval(() => sample(false), 1_000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample(false);
      const seconds = (Date.now() - start) / 1000;
      const otherCpuSeconds = otherTicks / TICK;
      return {
        seconds,
        otherCpuSeconds,
        /** Share of the whole machine (all cores) other processes used while the benchmark ran. */
        otherShare: otherCpuSeconds / (seconds * cpus().length),
        maxLoad1: Math.max(...loads),
        busiest: [...busiest]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .map(([command, ticks]) => `${command} ${(ticks / TICK).toFixed(1)} s`),
      };
    },
  };
}
