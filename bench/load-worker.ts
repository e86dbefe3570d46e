// One load-generating process of section 3 (spawned by http-load.ts with IPC): connects its share of
// the clients, then follows the parent — "open" (open every connection of its pool), "warm" (start
// calling), "settle" (drain the warm-up), "measure" (call until "stop"), and reports what it measured. Several of these run at once, so the
// load generator is not one single-threaded process that saturates before the server does.
import { type Config, connectClient, drive } from "./lib/load-clients.js";
import { installPool, poolPlan } from "./lib/load-pool.js";

export interface WorkerReport {
  /** Calls completed inside this process's measured window. */
  callsInWindow: number;
  windowMs: number;
  latencies: number[];
  /** Calls completed in the window and the drain after it. */
  calls: number;
  errors: number;
  firstError?: string;
  cpuUs: number;
  /** Connections in this process's pool. */
  poolConnections: number;
}

type Command = { type: "open" | "warm" | "settle" | "measure" | "stop" };

const { config, url, clients, workers } = JSON.parse(process.argv[2]!) as {
  config: Config;
  url: string;
  clients: number;
  workers: number;
};
const send = (message: object) => process.send?.(message);

// Every client of this process shares one bounded pool, all of it open before the warm-up begins.
const pool = installPool(url, poolPlan(config, clients, workers));
const connected: Array<Awaited<ReturnType<typeof connectClient>>> = [];
for (let i = 0; i < clients; i++) connected.push(await connectClient(config, url, pool.fetch));
send({ type: "ready" });

let load: ReturnType<typeof drive> | undefined;
let cpuStart = process.cpuUsage();
let started = 0;
process.on("message", async (command: Command) => {
  if (command.type === "open") {
    // Only once every process is idle (before the warm-up, and after every drain), so that none of
    // these connections idles long enough for the server to close it before the load begins.
    await pool.open();
    send({ type: "opened" });
  } else if (command.type === "warm") load = drive(connected, workers);
  else if (command.type === "settle") {
    await load?.stop();
    send({ type: "settled" });
  } else if (command.type === "measure") {
    cpuStart = process.cpuUsage();
    started = performance.now();
    load = drive(connected, workers);
  } else if (command.type === "stop") {
    const windowEnd = performance.now();
    const { samples, errors, firstError } = await load!.stop();
    const cpu = process.cpuUsage(cpuStart);
    await Promise.all(connected.map((client) => client.close().catch(() => {})));
    const report: WorkerReport = {
      callsInWindow: samples.filter((sample) => sample.end <= windowEnd).length,
      windowMs: windowEnd - started,
      latencies: samples.map((sample) => sample.ms),
      calls: samples.length,
      errors,
      ...(firstError !== undefined && { firstError }),
      cpuUs: cpu.user + cpu.system,
      poolConnections: pool.connections,
    };
    send({ type: "report", report });
    process.disconnect();
  }
});
