// Section 4: 2026-07-28 replay cost — round trips and requestState size for n sequential samples and n
// parallel samples, and the server's CPU per round (process.cpuUsage in the server process, via the probe).
import { StreamableHTTPClientTransport, Client as V2Client } from "@modelcontextprotocol/client";
import { startChildServer } from "./lib/child-server.js";
import { QUICK, section } from "./lib/section.js";
import { median, round } from "./lib/stats.js";
import { lastText, samplingAnswer } from "./servers/common.js";

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** The official SDK v2 client pinned to 2026-07-28, answering every sample alike, through `fetch`. */
async function connectClient(url: string, fetch: Fetch): Promise<V2Client> {
  const client = new V2Client(
    { name: "bench", version: "1.0.0" },
    {
      capabilities: { sampling: {} },
      versionNegotiation: { mode: { pin: "2026-07-28" } },
      // Enough rounds for the largest sequential case (8 samples → 9 rounds).
      inputRequired: { maxRounds: 16 },
    },
  );
  client.setRequestHandler("sampling/createMessage", (request) => samplingAnswer(lastText(request.params)));
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch }));
  return client;
}

export interface ReplayRow {
  tool: "sequential" | "parallel";
  n: number;
  /** tools/call requests per call (1 + the number of input_required rounds). */
  rounds: number;
  /** The bound rounds should meet: 1 + sequential batches (n + 1 sequential, 2 parallel). */
  expectedRounds: number;
  /** requestState bytes carried by each retry (round 2, 3, …). */
  stateBytes: number[];
  /** Largest tools/call request body, bytes (state + all inputResponses of that round). */
  maxBodyBytes: number;
  serverCpuUsPerRound: number;
  serverCpuUsPerCall: number;
}

await section(import.meta.url, async () => {
  const reps = QUICK ? 5 : 20;
  const server = await startChildServer("ours.ts");
  const bodies: string[] = [];
  const recordingFetch = async (input: string | URL | Request, init?: RequestInit) => {
    if (init?.method === "POST" && typeof init.body === "string" && init.body.includes('"tools/call"'))
      bodies.push(init.body);
    return fetch(input, init);
  };
  const client = await connectClient(server.url, recordingFetch);
  const cases: Array<["sequential" | "parallel", number]> = [];
  for (let n = 1; n <= 8; n++) cases.push(["sequential", n]);
  for (const n of [1, 2, 4, 8, 16, 32]) cases.push(["parallel", n]);
  const rows: ReplayRow[] = [];
  try {
    for (let i = 0; i < 20; i++) await client.callTool({ name: "parallel", arguments: { n: 2 } }); // warm up
    for (const [tool, n] of cases) {
      bodies.length = 0;
      await client.callTool({ name: tool, arguments: { n } });
      const one = [...bodies];
      const before = await server.stats();
      for (let r = 0; r < reps; r++) await client.callTool({ name: tool, arguments: { n } });
      const after = await server.stats();
      const rounds = one.length;
      const cpuPerCall = (after.cpuUs - before.cpuUs) / reps;
      const stateBytes = one.slice(1).map((body) => {
        const state = (JSON.parse(body) as { params: { requestState?: string } }).params.requestState;
        return state === undefined ? 0 : Buffer.byteLength(state);
      });
      rows.push({
        tool,
        n,
        rounds,
        expectedRounds: tool === "sequential" ? n + 1 : 2,
        stateBytes,
        maxBodyBytes: Math.max(...one.map((body) => Buffer.byteLength(body))),
        serverCpuUsPerRound: round(cpuPerCall / rounds, 0),
        serverCpuUsPerCall: round(cpuPerCall, 0),
      });
    }
  } finally {
    await client.close();
    await server.stop();
  }
  // Growth of the state per extra sequential answer (bytes), from the last round of each sequential case.
  const finals = rows.filter((r) => r.tool === "sequential").map((r) => r.stateBytes.at(-1) ?? 0);
  const steps = finals.slice(1).map((v, i) => v - finals[i]!);
  return { reps, rows, stateBytesPerSequentialAnswer: round(median(steps), 0), cap: await capProbe() };
});

export interface CapProbe {
  capBytes: number;
  n: number;
  /** requestState bytes of each retry the call made before it stopped. */
  stateBytes: number[];
  /** What the client got: the tool error's text. */
  outcome: string;
}

/** The cap at work: a server with a small `maxRequestStateBytes`, a call that would outgrow it. */
async function capProbe(): Promise<CapProbe> {
  const capBytes = 1200;
  const n = 8;
  const server = await startChildServer("ours.ts", { BENCH_MAX_REQUEST_STATE_BYTES: String(capBytes) });
  const states: number[] = [];
  const stateFetch = async (input: string | URL | Request, init?: RequestInit) => {
    if (typeof init?.body === "string" && init.body.includes('"requestState"')) {
      const state = (JSON.parse(init.body) as { params: { requestState?: string } }).params.requestState;
      if (state !== undefined) states.push(Buffer.byteLength(state));
    }
    return fetch(input, init);
  };
  const client = await connectClient(server.url, stateFetch);
  try {
    const result = (await client.callTool({ name: "sequential", arguments: { n } })) as {
      isError?: boolean;
      content: Array<{ text?: string }>;
    };
    const text = result.content[0]?.text ?? "";
    return {
      capBytes,
      n,
      stateBytes: states,
      outcome: result.isError === true ? `tool error: ${text}` : `completed: ${text}`,
    };
  } finally {
    await client.close();
    await server.stop();
  }
}
