// Preloaded (--import) into benchmarked server processes: counts HTTP requests and accepted connections
// through Node's own diagnostics channels and answers the parent's IPC questions (CPU, memory, gc). The servers stay untouched.
import { subscribe } from "node:diagnostics_channel";

let requests = 0;
// Each request's time inside the server (headers parsed to response finished), for the requests that
// finished since the last stats question: the load sections compare it with the latency clients see.
const startedAt = new WeakMap<object, number>();
let finished: number[] = [];
subscribe("http.server.request.start", (message) => {
  requests++;
  startedAt.set((message as { request: object }).request, performance.now());
});
subscribe("http.server.response.finish", (message) => {
  const start = startedAt.get((message as { request: object }).request);
  if (start !== undefined) finished.push(performance.now() - start);
});
// Connections accepted: the load sections check that none is opened inside a measured window.
let connections = 0;
subscribe("net.server.socket", () => {
  connections++;
});

interface Stats {
  requests: number;
  connections: number;
  cpuUs: number;
  rss: number;
  heapUsed: number;
  /** Percentiles of the time inside the server of the requests finished since the last question. */
  requestP50Ms: number;
  requestP99Ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function stats(): Stats {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const times = finished.sort((a, b) => a - b);
  finished = [];
  return {
    requests,
    connections,
    cpuUs: cpu.user + cpu.system,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    requestP50Ms: percentile(times, 50),
    requestP99Ms: percentile(times, 99),
  };
}

process.on("message", (message: { id: number; cmd: "stats" | "gc" }) => {
  if (message.cmd === "gc") {
    const gc = (globalThis as { gc?: () => void }).gc;
    for (let i = 0; i < 3; i++) gc?.();
  }
  process.send?.({ id: message.id, ...stats() });
});
// The IPC channel must not keep an idle server alive on its own, nor let it outlive the parent.
process.channel?.unref();
process.on("disconnect", () => process.exit(0));
