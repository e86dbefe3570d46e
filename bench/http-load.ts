// Section 3: Streamable HTTP under load — N clients × M concurrent sampled calls, both eras, against
// the raw SDK v2 and tmcp (the fastest TypeScript server that samples; see http-plain.ts for the rest).
// Each server runs in its own process (probe preloaded: request count, CPU); its RSS is sampled from /proc.
// The load generator is the official SDK v2 client for every server, so the servers are compared on
// the same requests; extra rows drive our server with our own Client. It runs in as many processes
// as there are cores: one single-threaded generator saturated before the servers did. Each process
// sends through one bounded pool of keep-alive connections opened before the clock starts
// (lib/load-pool.ts), so the figures measure serving, not the server's accept queue.
import type { Config } from "./lib/load-clients.js";
import { LOAD_PROCESSES, measureConfigs, onlyConfigs } from "./lib/load-pass.js";
import { QUICK, section } from "./lib/section.js";

export type { LoadRow } from "./lib/load-pass.js";

await section(import.meta.url, async () => {
  const shape = QUICK
    ? { clients: 10, workers: 5, warmupMs: 1_000, measureMs: 3_000 }
    : { clients: 50, workers: 20, warmupMs: 2_000, measureMs: 8_000 };
  const configs: Config[] = [];
  for (const era of ["2025", "2026"] as const) {
    configs.push({ server: "fastmcp-ts", client: "SDK v2 client", era });
    configs.push({ server: "SDK v2 (raw)", client: "SDK v2 client", era });
    configs.push({ server: "fastmcp-ts", client: "fastmcp-ts Client", era });
    configs.push({ server: "tmcp", client: "SDK v2 client", era });
  }
  const chosen = onlyConfigs(configs);
  const passes = QUICK ? 1 : 2;
  return {
    ...shape,
    passes,
    loadProcesses: LOAD_PROCESSES,
    rows: await measureConfigs(chosen, shape, passes),
  };
});
