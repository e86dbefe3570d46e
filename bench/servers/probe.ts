// Preloaded (--import) into benchmarked server processes: counts HTTP requests and accepted connections
// through Node's own diagnostics channels and answers the parent's IPC questions (CPU, memory, gc). The servers stay untouched.
import { subscribe } from "node:diagnostics_channel";

let requests = 0;
subscribe("http.server.request.start", () => {
  requests++;
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
}

function stats(): Stats {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return { requests, connections, cpuUs: cpu.user + cpu.system, rss: memory.rss, heapUsed: memory.heapUsed };
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
