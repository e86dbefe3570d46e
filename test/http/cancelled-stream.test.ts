// A 2025 call the client cancels gets no response (the spec's rule), so nothing would ever end its
// POST's SSE stream: the stream — and the client's connection under it — stayed open until the
// session closed, and the session counted it in flight. The server now ends such a stream.
import { StreamableHTTPClientTransport, Client as V2Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { FastMCP } from "../../src/index.js";
import { startHttpServer } from "../../src/server/http-server.js";
import type { RunningHttpServer } from "../../src/server/http-types.js";
import { openLegacySession, readMessages } from "../helpers/raw-http.js";

describe("2025 session: a cancelled call's stream", () => {
  let http: RunningHttpServer;
  let began: () => void = () => {};
  const running = () => new Promise<void>((resolve) => (began = resolve));
  beforeAll(async () => {
    const server = new FastMCP({ name: "cancelling" });
    server.tool({ name: "quick", execute: () => "done" });
    server.tool({
      name: "never",
      execute: () => {
        began();
        return new Promise<string>(() => {});
      },
    });
    server.tool({
      name: "summarize",
      parameters: z.object({ text: z.string() }),
      execute: async ({ text }, ctx) => (await ctx.sample(text, { maxTokens: 10 })).text,
    });
    http = await startHttpServer(server, { port: 0, sessionIdleTimeoutMs: 200 });
  });
  afterAll(() => http.close());

  const post = (headers: Record<string, string>, body: unknown) =>
    fetch(http.url, { method: "POST", headers, body: JSON.stringify(body) });
  const toolCall = (id: number, name: string) => ({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name, arguments: {} },
  });
  const cancel = (requestId: number) => ({
    jsonrpc: "2.0",
    method: "notifications/cancelled",
    params: { requestId, reason: "the client gave up" },
  });

  it("ends once the client cancels the call, with no answer, and the session is no longer busy", async () => {
    const headers = await openLegacySession(http.url);
    const started = running();
    const pending = post(headers, toolCall(2, "never"));
    await started;
    expect((await post(headers, cancel(2))).status).toBe(202);
    // Before the fix this never resolved: the stream stayed open.
    const messages = await readMessages(await pending);
    expect(messages.filter((message) => message.id === 2)).toEqual([]);
    // Nothing is in flight any more, so the idle sweeper reaps the session.
    const deadline = Date.now() + 5_000;
    while (http.sessionCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(http.sessionCount).toBe(0);
  });

  it("in a batch, ends only after the other request's answer is delivered", async () => {
    const headers = await openLegacySession(http.url);
    const started = running();
    const pending = post(headers, [toolCall(3, "never"), toolCall(4, "quick")]);
    await started;
    await post(headers, cancel(3));
    const messages = await readMessages(await pending);
    expect(messages.find((message) => message.id === 4)?.result?.content).toEqual([
      { type: "text", text: "done" },
    ]);
    expect(messages.some((message) => message.id === 3)).toBe(false);
  });

  it("frees the SDK v2 client's POST stream when its call times out while sampling", async () => {
    // The SDK client cancels a timed-out call but does not abort that POST's fetch: only the server
    // ending the stream lets the connection go.
    const ended: Array<Promise<void>> = [];
    const watching = async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(input, init);
      const type = response.headers.get("content-type") ?? "";
      if (init?.method !== "POST" || response.body === null || !type.includes("text/event-stream"))
        return response;
      const [mine, theirs] = response.body.tee();
      ended.push(new Response(mine).text().then(() => undefined));
      return new Response(theirs, { status: response.status, headers: response.headers });
    };
    const client = new V2Client({ name: "gives-up", version: "1.0.0" }, { capabilities: { sampling: {} } });
    // The LLM never answers, so the call times out on the client.
    client.setRequestHandler("sampling/createMessage", () => new Promise(() => {}));
    await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { fetch: watching }));
    try {
      await expect(
        client.callTool({ name: "summarize", arguments: { text: "hi" } }, { timeout: 300 }),
      ).rejects.toThrow(/timed out/i);
      expect(ended.length).toBeGreaterThan(0);
      await Promise.all(ended);
    } finally {
      await client.close();
    }
  });
});
