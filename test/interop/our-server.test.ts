// Interop matrix, part 1: OUR server × {official SDK v1 client, SDK v2 client in the 2025 era and
// pinned to 2026-07-28, our Client in both eras} × {stdio, HTTP}. One body per cell: the client
// calls a tool that samples, its handler answers `echo:<prompt>`, and the tool's result must carry
// that answer back (`client|echo:<prompt>` — `client` says the client's LLM answered, not a fallback).
import { afterEach, describe, expect, it } from "vitest";
import { Client } from "../../src/index.js";
import buildSamplingBasics from "../fixtures/sampling-basics.js";
import {
  type Endpoint,
  echo,
  FIXTURES,
  type PeerClient,
  sdkV1Client,
  sdkV2Client,
  tsxScript,
} from "../helpers/sdk-peers.js";

type ClientName = "sdk-v1" | "sdk-v2 legacy" | "sdk-v2 2026-07-28" | "ours 2025" | "ours 2026";
type Transport = "stdio" | "http";
interface Cell {
  client: ClientName;
  transport: Transport;
  era: "legacy" | "modern";
}

const CLIENTS: Array<[ClientName, "legacy" | "modern"]> = [
  ["sdk-v1", "legacy"],
  ["sdk-v2 legacy", "legacy"],
  ["sdk-v2 2026-07-28", "modern"],
  ["ours 2025", "legacy"],
  ["ours 2026", "modern"],
];
const CELLS: Cell[] = CLIENTS.flatMap(([client, era]) =>
  (["stdio", "http"] as const).map((transport) => ({ client, transport, era })),
);

async function connectClient(name: ClientName, endpoint: Endpoint): Promise<PeerClient> {
  if (name === "sdk-v1") return sdkV1Client(endpoint);
  if (name === "sdk-v2 legacy") return sdkV2Client(endpoint, "legacy");
  if (name === "sdk-v2 2026-07-28") return sdkV2Client(endpoint, "2026-07-28");
  const target = endpoint.kind === "http" ? endpoint.url : { command: endpoint.command, args: endpoint.args };
  const client = new Client(target, {
    protocol: name === "ours 2025" ? "2025" : "2026",
    samplingHandler: echo,
    stderr: "pipe",
    timeoutMs: 20_000,
  });
  await client.connect();
  return {
    era: client.era ?? "legacy",
    callText: async (tool, args) => (await client.callTool(tool, args)).text,
    close: () => client.close(),
  };
}

describe.each(CELLS)("our server × $client × $transport", (cell) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  it("the client's sampling handler answers the tool's ctx.sample", async () => {
    let endpoint: Endpoint;
    if (cell.transport === "http") {
      const server = buildSamplingBasics();
      await server.run({ transport: "http", host: "127.0.0.1", port: 0 });
      cleanups.push(() => server.close());
      endpoint = { kind: "http", url: server.url! };
    } else {
      endpoint = tsxScript(`${FIXTURES}run-fixture.ts`, "sampling-basics", "{}");
    }
    const client = await connectClient(cell.client, endpoint);
    cleanups.push(() => client.close());
    expect(client.era).toBe(cell.era);

    const prompt = `matrix ${cell.client} over ${cell.transport}`;
    expect(await client.callText("one", { prompt })).toBe(`client|echo:${prompt}`);
  });
});
