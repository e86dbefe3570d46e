// CPU time of another process, for figures that stay readable when other work shares the machine.
import { readdirSync, readFileSync } from "node:fs";

/**
 * Milliseconds of CPU a live process has used so far, all its threads together (Linux
 * /proc/<pid>/task/<tid>/schedstat, nanosecond resolution); undefined where /proc is not there.
 * Unlike wall time it does not grow while the process waits for a core another process holds.
 */
export function processCpuMs(pid: number | null | undefined): number | undefined {
  if (pid === null || pid === undefined) return undefined;
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  let ns = 0;
  for (const task of tasks) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // The thread ended between the listing and the read: its time is gone with it.
    }
  }
  return ns / 1e6;
}
