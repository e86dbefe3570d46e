// Section 3b: a plain tools/call over Streamable HTTP, no sampling — the fastest TypeScript MCP servers
// against the raw SDK v2 on the work every server does. The mix of mcp-use's published benchmark: 50
// virtual users (clients, one operation in flight each), 9 `tools/call` of a tool returning a short
// text for every `tools/list`. The same SDK v2 client drives every server, in both eras where the
// server speaks them.
import type { Config, ServerName } from "./lib/load-clients.js";
import { LOAD_PROCESSES, measureConfigs, onlyConfigs } from "./lib/load-pass.js";
import { ensurePeers } from "./lib/peers.js";
import { QUICK, section } from "./lib/section.js";

export type { LoadRow } from "./lib/load-pass.js";

/** Every server here speaks 2025 sessions; fastmcp (punkpeye) is on the SDK v1, 2025 only. */
const SERVERS: Array<{ server: ServerName; eras: Array<"2025" | "2026"> }> = [
  { server: "fastmcp-ts", eras: ["2025", "2026"] },
  { server: "SDK v2 (raw)", eras: ["2025", "2026"] },
  { server: "tmcp", eras: ["2025", "2026"] },
  { server: "mcp-use", eras: ["2025", "2026"] },
  { server: "fastmcp (punkpeye)", eras: ["2025"] },
];

await section(import.meta.url, async () => {
  const shape = QUICK
    ? { clients: 10, workers: 1, warmupMs: 500, measureMs: 2_000 }
    : { clients: 50, workers: 1, warmupMs: 2_000, measureMs: 8_000 };
  const peersMissing = ensurePeers();
  const configs: Config[] = [];
  for (const era of ["2025", "2026"] as const) {
    for (const { server, eras } of SERVERS) {
      if (!eras.includes(era) || (server === "mcp-use" && peersMissing !== undefined)) continue;
      configs.push({ server, client: "SDK v2 client", era, call: "plain" });
    }
  }
  const passes = QUICK ? 1 : 2;
  return {
    ...shape,
    passes,
    loadProcesses: LOAD_PROCESSES,
    ...(peersMissing !== undefined && { skipped: `mcp-use: ${peersMissing}` }),
    rows: await measureConfigs(onlyConfigs(configs), shape, passes),
  };
});
