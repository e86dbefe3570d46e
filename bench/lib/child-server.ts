// Runs a benchmarked HTTP server in its own process (with the probe preloaded) and reads its stats.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = import.meta.resolve("tsx");
const PROBE = resolve(ROOT, "bench/servers/probe.ts");

export interface ServerStats {
  requests: number;
  /** Connections the server has accepted. */
  connections: number;
  /** Time inside the server of the requests finished since the previous stats question, ms. */
  requestP50Ms: number;
  requestP99Ms: number;
  cpuUs: number;
  rss: number;
  heapUsed: number;
}

export interface ChildServer {
  url: string;
  pid: number;
  stats(): Promise<ServerStats>;
  /** Full GC (three passes), then stats. */
  gcStats(): Promise<ServerStats>;
  /** Resident set size now, from /proc (no IPC round trip, so it can be sampled under load). */
  rssNow(): number;
  /** Peak resident set size of the process so far (VmHWM). */
  peakRss(): number;
  stop(): Promise<void>;
}

function procStatus(pid: number, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Starts `bench/servers/<file>` with `http`, waits for the URL it prints. */
export async function startChildServer(file: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--expose-gc", "--import", TSX, "--import", PROBE, resolve(ROOT, "bench/servers", file), "http"],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit", "ipc"], env: { ...process.env, ...env } },
  );
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.once("exit", (code) => reject(new Error(`${file} exited with ${code} before listening`)));
    lines.once("line", (line) => resolveUrl(line.trim()));
  });
  let nextId = 0;
  const waiting = new Map<number, (stats: ServerStats) => void>();
  child.on("message", (message: ServerStats & { id: number }) => {
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
  const ask = (cmd: "stats" | "gc") =>
    new Promise<ServerStats>((resolveStats) => {
      const id = nextId++;
      waiting.set(id, resolveStats);
      child.send({ id, cmd });
    });
  return {
    url,
    pid: child.pid!,
    stats: () => ask("stats"),
    gcStats: () => ask("gc"),
    rssNow: () => procStatus(child.pid!, "VmRSS"),
    peakRss: () => procStatus(child.pid!, "VmHWM"),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
