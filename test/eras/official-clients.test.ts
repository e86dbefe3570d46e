import { Client as V2Client, StreamableHTTPClientTransport as V2Http } from "@modelcontextprotocol/client";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as V1Http } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastMCP } from "../../src/index.js";
import build from "../fixtures/sampling-basics.js";

let server: FastMCP;
let url: string;

beforeAll(async () => {
  server = build();
  await server.run({ transport: "http", port: 0 });
  url = server.url!;
});
afterAll(() => server.close());

const answer = (text: string) => ({
  role: "assistant" as const,
  content: { type: "text" as const, text },
  model: "raw-client",
  stopReason: "endTurn",
});

/** A fetch that counts the tools/call POSTs it carries. */
function countingFetch() {
  const counter = { toolCalls: 0 };
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit) => {
    if (init?.method === "POST" && typeof init.body === "string" && init.body.includes('"tools/call"'))
      counter.toolCalls++;
    return fetch(input, init);
  };
  return { counter, fetchImpl };
}

describe("official SDK v2 client pinned to 2026-07-28", () => {
  it.each([
    ["one", { prompt: "x" }, 2],
    ["sequential", {}, 3],
    ["parallel", {}, 2],
  ] as const)("tool %s costs the expected number of tools/call requests", async (tool, args, expected) => {
    const { counter, fetchImpl } = countingFetch();
    const client = new V2Client(
      { name: "v2", version: "1" },
      { capabilities: { sampling: {} }, versionNegotiation: { mode: { pin: "2026-07-28" } } },
    );
    client.setRequestHandler("sampling/createMessage", async (request) => {
      const content = request.params.messages.at(-1)?.content as { text: string };
      return answer(`v2 says ${content.text}`);
    });
    await client.connect(new V2Http(new URL(url), { fetch: fetchImpl }));
    try {
      expect(client.getProtocolEra()).toBe("modern");
      const result = await client.callTool({ name: tool, arguments: args });
      expect(JSON.stringify(result.content)).toContain("v2 says");
      expect(counter.toolCalls).toBe(expected);
    } finally {
      await client.close();
    }
  });
});

describe("official SDK v1 client (2025 era) over HTTP", () => {
  it("answers our server's sampling request", async () => {
    const client = new V1Client({ name: "v1", version: "1" }, { capabilities: { sampling: {} } });
    const seen: unknown[] = [];
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      seen.push(request.params);
      return answer("from v1");
    });
    await client.connect(new V1Http(new URL(url)));
    try {
      const result = await client.callTool({ name: "one", arguments: { prompt: "hello" } });
      expect(result.content).toEqual([{ type: "text", text: "client|from v1" }]);
      expect(seen).toEqual([
        { messages: [{ role: "user", content: { type: "text", text: "hello" } }], maxTokens: 100 },
      ]);
    } finally {
      await client.close();
    }
  });
});
