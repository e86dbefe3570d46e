import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, type FastMCP } from "../../src/index.js";
import build from "../fixtures/reliability-server.js";
import { MODERN, modernMeta, type RawMessage } from "../helpers/raw-http.js";

const LIMIT = 2_048;
let server: FastMCP;
let url: string;

beforeAll(async () => {
  server = build();
  await server.run({ transport: "http", port: 0, maxRequestBodySize: LIMIT });
  url = server.url!;
});
afterAll(() => server.close());

const JSON_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };
const MODERN_HEADERS = { ...JSON_HEADERS, "mcp-protocol-version": MODERN, "mcp-method": "tools/call" };

async function post(body: string, headers: Record<string, string> = JSON_HEADERS) {
  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  let message: RawMessage | undefined;
  try {
    message = JSON.parse(text) as RawMessage;
  } catch {
    message = undefined;
  }
  return { status: response.status, message, text };
}

/** A body sent chunked, with no Content-Length to check up front. */
function postChunked(
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: "POST", headers: { ...headers, "transfer-encoding": "chunked" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    for (let i = 0; i < body.length; i += 512) req.write(body.slice(i, i + 512));
    req.end();
  });
}

async function legacySession(): Promise<Record<string, string>> {
  const init = await fetch(url, {
    method: "POST",
    headers: JSON_HEADERS,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    }),
  });
  await init.text();
  return {
    ...JSON_HEADERS,
    "mcp-session-id": init.headers.get("mcp-session-id")!,
    "mcp-protocol-version": "2025-11-25",
  };
}

async function stillServes(): Promise<void> {
  for (const protocol of ["2025", "2026"] as const) {
    const client = new Client(url, { protocol });
    await client.connect();
    expect((await client.callTool("ping-tool")).text).toBe("pong");
    await client.close();
  }
}

const oversize = (modern: boolean) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id: 9,
    method: "tools/call",
    params: {
      name: "ping-tool",
      arguments: { pad: "x".repeat(LIMIT) },
      ...(modern && { _meta: modernMeta({}) }),
    },
  });

describe("malformed HTTP input gets a 4xx with a JSON-RPC error, and the server stays up", () => {
  it.each([
    ["invalid JSON", "{not json", JSON_HEADERS, 400, -32700],
    ["invalid JSON on a 2026-07-28 request", "{not json", MODERN_HEADERS, 400, -32700],
    ["an empty body", "", JSON_HEADERS, 400, -32700],
    ["a JSON string", '"hello"', JSON_HEADERS, 400, undefined],
    ["an object that is not JSON-RPC", '{"hello":"world"}', JSON_HEADERS, 400, undefined],
    [
      "a non-initialize request without a session",
      '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
      JSON_HEADERS,
      400,
      undefined,
    ],
    ["an array of numbers", "[1,2,3]", JSON_HEADERS, 400, undefined],
    [
      "a 2026-07-28 request whose envelope is broken",
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/list",
        params: { _meta: { "io.modelcontextprotocol/protocolVersion": MODERN } },
      }),
      MODERN_HEADERS,
      400,
      undefined,
    ],
  ])("%s", async (_label, body, headers, status, code) => {
    const { status: got, message, text } = await post(body, headers);
    expect(got, text).toBe(status);
    expect(message?.jsonrpc, text).toBe("2.0");
    expect(typeof message?.error?.code).toBe("number");
    if (code !== undefined) expect(message?.error?.code).toBe(code);
    expect(message?.error?.message.length).toBeGreaterThan(0);
  });

  it("inside a 2025 session: bad JSON and bad shapes are refused, the session carries on", async () => {
    const headers = await legacySession();
    const bad = await post("{oops", headers);
    expect(bad.status).toBe(400);
    expect(bad.message?.error?.code).toBe(-32700);
    const shape = await post('{"jsonrpc":"2.0","id":"x"}', headers);
    expect(shape.status).toBe(400);
    expect(shape.message?.error).toBeDefined();
    const wrongType = await fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "text/plain" },
      body: "{}",
    });
    expect(wrongType.status).toBe(415);
    const good = await post('{"jsonrpc":"2.0","method":"notifications/initialized"}', headers);
    expect(good.status).toBe(202);
  });

  it("an unknown session is 404, an unsupported method 405", async () => {
    const unknown = await post('{"jsonrpc":"2.0","id":1,"method":"tools/list"}', {
      ...JSON_HEADERS,
      "mcp-session-id": "nope",
    });
    expect(unknown.status).toBe(404);
    expect(unknown.message?.error?.code).toBe(-32001);
    const put = await fetch(url, { method: "PUT", headers: JSON_HEADERS, body: "{}" });
    expect(put.status).toBe(405);
    expect(((await put.json()) as RawMessage).error).toBeDefined();
  });

  it.each([
    ["2025", false],
    ["2026-07-28", true],
  ])("a %s body over maxRequestBodySize is 413, with or without Content-Length", async (_label, modern) => {
    const body = oversize(modern);
    const headers = modern ? MODERN_HEADERS : JSON_HEADERS;
    const declared = await post(body, headers);
    expect(declared.status).toBe(413);
    expect(declared.message?.error?.message).toContain(String(LIMIT));
    const chunked = await postChunked(body, headers);
    expect(chunked.status).toBe(413);
    expect((JSON.parse(chunked.text) as RawMessage).error).toBeDefined();
  });

  it("a body over the limit is refused by the web-standard handler too (no Node adapter in front)", async () => {
    const handler = server.httpHandler({ maxRequestBodySize: LIMIT });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(oversize(true)));
        controller.close();
      },
    });
    const response = await handler.fetch(
      new Request("http://localhost/mcp", {
        method: "POST",
        headers: MODERN_HEADERS,
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    await handler.close();
  });

  it("still serves both eras afterwards", stillServes);
});
