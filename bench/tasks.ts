// Section 6: replay vs task on 2026-07-28 — HTTP requests and bytes on the wire for n sequential
// samples (n = 1…32), called by fastmcp-ts's own Client over HTTP. The same loop runs as an ordinary
// tool (replay: one tools/call round per sample, the body re-run each time, every earlier answer in
// the signed state) and as a `task: true` tool (one tools/call, then tasks/get and tasks/update).
// Bytes are counted, not timed, so the figures do not depend on the machine.
import { Client } from "../src/index.js";
import { startChildServer } from "./lib/child-server.js";
import { QUICK, section } from "./lib/section.js";
import { lastText, samplingAnswer } from "./servers/common.js";

export interface TaskBenchRow {
  n: number;
  replay: WireCount;
  task: WireCount;
}

export interface WireCount {
  /** HTTP POSTs of one call (replay: tools/call rounds; task: tools/call + tasks/get + tasks/update). */
  requests: number;
  /** Request bodies, bytes. */
  up: number;
  /** Response bodies, bytes. */
  down: number;
}

/** A fetch that counts the POSTs and the body bytes each way. */
function countingFetch(count: WireCount) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await fetch(input, init);
    if (init?.method !== "POST") return response;
    count.requests++;
    count.up += typeof init.body === "string" ? Buffer.byteLength(init.body) : 0;
    const body = Buffer.from(await response.arrayBuffer());
    count.down += body.byteLength;
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

async function measure(url: string, tool: string, n: number, tasks: boolean): Promise<WireCount> {
  const count: WireCount = { requests: 0, up: 0, down: 0 };
  const client = new Client(url, {
    protocol: "2026",
    tasks,
    maxInputRounds: 64,
    samplingHandler: (_messages, params) => samplingAnswer(lastText(params)),
    fetch: countingFetch(count),
  });
  await client.connect();
  try {
    const reset = { ...count };
    const result = await client.callTool(tool, { n });
    if (result.text.length === 0) throw new Error(`${tool}(${n}) answered nothing`);
    return {
      requests: count.requests - reset.requests,
      up: count.up - reset.up,
      down: count.down - reset.down,
    };
  } finally {
    await client.close();
  }
}

await section(import.meta.url, async () => {
  const server = await startChildServer("ours.ts");
  const ns = QUICK ? [1, 8, 32] : [1, 2, 3, 4, 6, 8, 10, 11, 12, 16, 24, 32];
  const rows: TaskBenchRow[] = [];
  try {
    for (const n of ns) {
      rows.push({
        n,
        replay: await measure(server.url, "sequential", n, false),
        task: await measure(server.url, "sequential_task", n, true),
      });
    }
  } finally {
    await server.stop();
  }
  return { rows };
});
