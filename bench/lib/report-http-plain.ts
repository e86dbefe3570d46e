// Renders section 3b (plain tools/call over HTTP against the fastest TypeScript servers) and its targets.
import type { LoadRow } from "./load-pass.js";

export type HttpPlainSection =
  | {
      clients: number;
      workers: number;
      warmupMs: number;
      measureMs: number;
      passes: number;
      loadProcesses: number;
      /** Why a server's rows are missing (its on-demand install failed). */
      skipped?: string;
      rows: LoadRow[];
    }
  | { failed: string }
  | undefined;

const f = (value: number | undefined, digits = 0) =>
  value === undefined || Number.isNaN(value) ? "–" : value.toFixed(digits);
const verdict = (ok: boolean | undefined) =>
  ok === undefined ? "not measured" : ok ? "**met**" : "**missed**";
const pick = (rows: LoadRow[], server: string, era: string) =>
  rows.find((r) => r.server === server && r.era === era);

/** Target rows: our plain-call throughput against the raw SDK v2 (a verdict) and against tmcp (reported). */
export function plainTargets(r: HttpPlainSection): string[][] {
  if (r === undefined || "failed" in r) return [];
  const rows: string[][] = [];
  for (const era of ["2025", "2026"] as const) {
    const ours = pick(r.rows, "fastmcp-ts", era);
    const sdk = pick(r.rows, "SDK v2 (raw)", era);
    const tmcp = pick(r.rows, "tmcp", era);
    const ok = ours && sdk ? ours.throughput >= sdk.throughput && ours.errors === 0 : undefined;
    rows.push([
      `3b. Plain tools/call over HTTP, ${era} era`,
      "≥ raw SDK v2",
      `${f(ours?.throughput)} vs ${f(sdk?.throughput)} ops/s (${f(ours && sdk ? ours.throughput / sdk.throughput : undefined, 2)} ×); ` +
        `server CPU per op ${f(ours?.serverCpuUsPerCall)} vs ${f(sdk?.serverCpuUsPerCall)} µs` +
        (tmcp
          ? `; tmcp ${f(tmcp.throughput)} ops/s, ${f(tmcp.serverCpuUsPerCall)} µs (ours ${f(ours ? ours.throughput / tmcp.throughput : undefined, 2)} × its ops/s; see §3b)`
          : ""),
      verdict(ok),
    ]);
  }
  return rows;
}

const table = (head: string[], rows: string[][]) => [
  `| ${head.join(" | ")} |`,
  `|${head.map(() => "---").join("|")}|`,
  ...rows.map((row) => `| ${row.join(" | ")} |`),
];

export function httpPlain(r: HttpPlainSection): string[] {
  const lines = ["## 3b. Plain tools/call over Streamable HTTP", ""];
  if (r === undefined) return [...lines, "Not measured in this run.", ""];
  if ("failed" in r) return [...lines, `Failed: ${r.failed}`, ""];
  lines.push(
    `No sampling: the work every MCP server does. ${r.clients} clients (virtual users) with one operation in flight each, ` +
      "9 `tools/call` of a tool `echo({ text })` that returns a short text for every `tools/list` (the mix of mcp-use's " +
      "published benchmark), " +
      `${r.warmupMs / 1000} s warm-up, then ${r.measureMs / 1000} s measured` +
      (r.passes > 1 ? `, ${r.passes} passes per row (the second in reverse row order)` : "") +
      `; clients spread over ${r.loadProcesses} load-generating processes, sharing the cores with the server and ` +
      "with the same pre-opened connection pool as in §3. The official SDK v2 client drives every server (each server in its own process, each framework as its " +
      'README shows it served on Node): fastmcp-ts `server.run({ transport: "http" })`; the raw SDK v2 as in §3; ' +
      "tmcp's `HttpTransport` on `@remix-run/node-fetch-server`; mcp-use 2's `MCPServer.listen()` (Hono, the SDK v2 " +
      "2.0.0 it pins; it declares Node ≥ 22.22.2 and runs here on Node 20); fastmcp (punkpeye)'s `httpStream` " +
      "(mcp-proxy on the SDK v1, 2025 sessions only). **ops/s** counts both operations; the other columns as in §3, " +
      "per operation.",
  );
  if (r.skipped !== undefined) lines.push("", `Not measured: ${r.skipped}.`);
  lines.push("");
  lines.push(
    ...table(
      [
        "Era",
        "Server",
        "ops/s",
        "p50 (ms)",
        "p99 (ms)",
        "peak RSS (MB)",
        "HTTP/op",
        "server CPU/op (µs)",
        "ops per server CPU-s",
        "refused connects",
        "errors",
      ],
      r.rows.map((x) => [
        x.era === "2025" ? "2025-11-25" : "2026-07-28",
        x.server,
        f(x.throughput),
        f(x.p50Ms, 1),
        f(x.p99Ms, 1),
        f(x.peakRssMb),
        f(x.httpPerCall, 2),
        f(x.serverCpuUsPerCall),
        f(1e6 / x.serverCpuUsPerCall),
        f(x.listenOverflows),
        x.errors === 0 ? "0" : `${x.errors} (${x.firstError ?? ""})`,
      ]),
    ),
  );
  lines.push(
    "",
    "Where tmcp's lead comes from — read from its code and from V8 CPU profiles of each server process under this mix " +
      "(`node --cpu-prof`, outside this run): fastmcp-ts serves through the official SDK v2, and most of a plain call's " +
      "server CPU is that SDK's machinery, not fastmcp-ts's own code (under a tenth). (1) The SDK checks every JSON-RPC " +
      "message with zod, both ways, and classifies an inbound message with type guards that let schemas fail (building " +
      "error objects on the way); tmcp validates the envelope and params once with valibot and runs zod only on the tool's " +
      "own input. (2) On 2026-07-28 the SDK's stateless entry (`createMcpHandler(factory)`, which fastmcp-ts and the raw SDK " +
      "server both use) builds, connects and closes a fresh `McpServer` and transport for every request; tmcp keeps one " +
      "server and dispatches each request to it, so its lead is larger on 2026. (3) More allocation per request (an " +
      "`AbortController` and request context per message, the Node request rebuilt as a web `Request` whose body is read " +
      "again as a stream), so more GC. What fastmcp-ts does that tmcp skips is therefore the SDK's full validation of " +
      "every message in and out and the per-request server of the stateless entry; on sampled calls (§3) also the signed, " +
      "call-bound `requestState` (tmcp's is plain JSON unless a codec is configured). mcp-use 2 runs on the same SDK v2 " +
      "(its pinned 2.0.0) with Hono routing and its own middleware in front.",
  );
  lines.push("");
  return lines;
}
