// Interop matrix, part 2: OUR Client × {raw official SDK v1 server, raw SDK v2 server in the 2025
// era and in 2026-07-28, @modelcontextprotocol/server-everything, punkpeye's fastmcp} × {stdio, HTTP}.
// One body per cell: the Client calls the server's sampling tool, its samplingHandler answers
// `echo:<prompt>`, and the tool's result must carry that answer back.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Client, type ClientOptions } from "../../src/index.js";
import { startPunkpeyeHttp } from "../fixtures/interop-punkpeye-server.js";
import { startSdkV1Http } from "../fixtures/interop-sdk-v1-server.js";
import { startSdkV2Http } from "../fixtures/interop-sdk-v2-server.js";
import { type Endpoint, echo, FIXTURES, freePort, spawnHttpServer, tsxScript } from "../helpers/sdk-peers.js";

// The package has no main export: run its bin, dist/index.js.
const EVERYTHING = join(
  dirname(createRequire(import.meta.url).resolve("@modelcontextprotocol/server-everything/package.json")),
  "dist/index.js",
);

type ServerName = "sdk-v1" | "sdk-v2 legacy" | "sdk-v2 2026-07-28" | "server-everything" | "punkpeye fastmcp";
type Transport = "stdio" | "http";
interface Cell {
  server: ServerName;
  transport: Transport;
  /** What our Client asks for; "auto" (the URL default) must fall back to 2025 on 2025-only servers. */
  protocol: NonNullable<ClientOptions["protocol"]>;
  era: "legacy" | "modern";
}

const CELLS: Cell[] = [
  { server: "sdk-v1", transport: "stdio", protocol: "2025", era: "legacy" },
  { server: "sdk-v1", transport: "http", protocol: "auto", era: "legacy" },
  { server: "sdk-v2 legacy", transport: "stdio", protocol: "2025", era: "legacy" },
  { server: "sdk-v2 legacy", transport: "http", protocol: "2025", era: "legacy" },
  { server: "sdk-v2 2026-07-28", transport: "stdio", protocol: "2026", era: "modern" },
  { server: "sdk-v2 2026-07-28", transport: "http", protocol: "auto", era: "modern" },
  { server: "server-everything", transport: "stdio", protocol: "2025", era: "legacy" },
  { server: "server-everything", transport: "http", protocol: "auto", era: "legacy" },
  { server: "punkpeye fastmcp", transport: "stdio", protocol: "2025", era: "legacy" },
  { server: "punkpeye fastmcp", transport: "http", protocol: "auto", era: "legacy" },
];

/** Starts (HTTP) or describes (stdio) the server of a cell; returns how to reach it and its sampling tool. */
async function startServer(cell: Cell, cleanups: Array<() => Promise<void>>): Promise<Endpoint> {
  const http = async (started: { url: string; close(): Promise<void> }): Promise<Endpoint> => {
    cleanups.push(() => started.close());
    return { kind: "http", url: started.url };
  };
  switch (cell.server) {
    case "sdk-v1":
      return cell.transport === "http"
        ? http(await startSdkV1Http())
        : tsxScript(`${FIXTURES}interop-sdk-v1-server.ts`);
    case "sdk-v2 legacy":
    case "sdk-v2 2026-07-28":
      return cell.transport === "http"
        ? http(await startSdkV2Http())
        : tsxScript(`${FIXTURES}interop-sdk-v2-server.ts`);
    case "punkpeye fastmcp":
      return cell.transport === "http"
        ? http(await startPunkpeyeHttp(await freePort()))
        : tsxScript(`${FIXTURES}interop-punkpeye-server.ts`);
    case "server-everything": {
      if (cell.transport === "stdio")
        return { kind: "stdio", command: process.execPath, args: [EVERYTHING, "stdio"] };
      // It listens on every interface (app.listen(PORT)); we only ever reach it on loopback.
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/mcp`;
      return http(
        await spawnHttpServer(process.execPath, [EVERYTHING, "streamableHttp"], url, { PORT: String(port) }),
      );
    }
  }
}

describe.each(CELLS)("our Client × $server × $transport", (cell) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  it("our samplingHandler answers the server's sampling request", async () => {
    const endpoint = await startServer(cell, cleanups);
    const target =
      endpoint.kind === "http" ? endpoint.url : { command: endpoint.command, args: endpoint.args };
    const client = new Client(target, {
      protocol: cell.protocol,
      samplingHandler: echo,
      stderr: "pipe",
      timeoutMs: 20_000,
    });
    await client.connect();
    cleanups.push(() => client.close());
    expect(client.era).toBe(cell.era);

    const prompt = `matrix ${cell.server} over ${cell.transport}`;
    if (cell.server === "server-everything") {
      // trigger-sampling-request wraps the prompt and returns the whole CreateMessageResult as JSON.
      const result = await client.callTool("trigger-sampling-request", { prompt, maxTokens: 50 });
      const json = JSON.parse(result.text.slice(result.text.indexOf("{"))) as { content: { text: string } };
      expect(json.content.text).toBe(`echo:Resource trigger-sampling-request context: ${prompt}`);
      return;
    }
    const expected = {
      "sdk-v1": `sdk-v1 got: echo:${prompt}`,
      "sdk-v2 legacy": `sdk-v2 (legacy) got: echo:${prompt}`,
      "sdk-v2 2026-07-28": `sdk-v2 (modern) got: echo:${prompt}`,
      "punkpeye fastmcp": `punkpeye got: echo:${prompt}`,
    }[cell.server];
    expect((await client.callTool("ask", { prompt })).text).toBe(expected);
  });
});
