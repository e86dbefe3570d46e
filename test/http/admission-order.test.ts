// A POST that starts new work waits out the event-loop turn it arrived in, while a POST that answers
// the server (a 2025 sampling result, a 2026-07-28 round bringing inputResponses) is handled at once:
// in-flight calls finish before new ones start, so under load connections and memory are freed soonest. The order is deterministic,
// so it is tested as an order, not as a time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { FastMCP } from "../../src/index.js";
import type { McpFetchHandler } from "../../src/server/http-handler.js";
import {
  legacyInitialize,
  MODERN,
  modernMeta,
  type RawMessage,
  readMessages,
  streamSse,
} from "../helpers/raw-http.js";

const URL = "http://127.0.0.1/mcp";
const BASE = { "content-type": "application/json", accept: "application/json, text/event-stream" };

describe("answers are handled before new requests of the same turn", () => {
  const log: string[] = [];
  let handler: McpFetchHandler;
  let headers: Record<string, string>;
  beforeAll(async () => {
    const server = new FastMCP({ name: "ordering" });
    server.tool({
      name: "summarize",
      parameters: z.object({ text: z.string() }),
      execute: async ({ text }, ctx) => {
        const { text: answer } = await ctx.sample(text, { maxTokens: 10 });
        log.push("summarize finished");
        return answer;
      },
    });
    server.tool({
      name: "record",
      execute: () => {
        log.push("record started");
        return "recorded";
      },
    });
    handler = server.httpHandler();
    const init = await post(BASE, legacyInitialize());
    await init.text();
    headers = {
      ...BASE,
      "mcp-session-id": init.headers.get("mcp-session-id") ?? "",
      "mcp-protocol-version": "2025-11-25",
    };
    await (await post(headers, { jsonrpc: "2.0", method: "notifications/initialized" })).text();
  });
  afterAll(() => handler.close());

  const post = (with_: Record<string, string>, body: unknown) =>
    handler.fetch(new Request(URL, { method: "POST", headers: with_, body: JSON.stringify(body) }));
  const call = (id: number, name: string, args: object = {}) => ({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name, arguments: args },
  });

  it("2025: finishes the sampled call whose answer came second before starting the call that came first", async () => {
    const sampled = await post(headers, call(2, "summarize", { text: "hello" }));
    const events = streamSse(sampled);
    const request = (await events.next()).value as RawMessage;
    expect(request.method).toBe("sampling/createMessage");
    // Sent in one turn, the new call first: it still starts after the answered call has finished.
    const fresh = post(headers, call(3, "record"));
    const answered = post(headers, {
      jsonrpc: "2.0",
      id: request.id,
      result: { role: "assistant", content: { type: "text", text: "short" }, model: "m" },
    });
    expect((await answered).status).toBe(202);
    const [result] = await readMessages(await fresh);
    expect(result?.result?.content).toEqual([{ type: "text", text: "recorded" }]);
    const rest: RawMessage[] = [];
    for await (const message of events) rest.push(message);
    expect(rest.at(-1)?.result?.content).toEqual([{ type: "text", text: "short" }]);
    expect(log).toEqual(["summarize finished", "record started"]);
  });

  it("2026-07-28: finishes the call whose answering round came second before starting the call that came first", async () => {
    log.length = 0;
    const modern = (id: number, name: string, extra: object = {}) =>
      post(
        { ...BASE, "mcp-protocol-version": MODERN, "mcp-method": "tools/call", "mcp-name": name },
        {
          jsonrpc: "2.0",
          id,
          method: "tools/call",
          params: {
            name,
            arguments: name === "summarize" ? { text: "hello" } : {},
            ...extra,
            _meta: modernMeta({ sampling: {} }),
          },
        },
      );
    const [first] = await readMessages(await modern(10, "summarize"));
    expect(first?.result?.resultType).toBe("input_required");
    const [key] = Object.keys(first?.result?.inputRequests as object);
    // Sent in one turn, the new call first.
    const fresh = modern(11, "record");
    const answering = modern(12, "summarize", {
      requestState: first?.result?.requestState,
      inputResponses: { [key!]: { role: "assistant", content: { type: "text", text: "short" }, model: "m" } },
    });
    expect((await readMessages(await answering))[0]?.result?.content).toEqual([
      { type: "text", text: "short" },
    ]);
    expect((await readMessages(await fresh))[0]?.result?.content).toEqual([
      { type: "text", text: "recorded" },
    ]);
    expect(log).toEqual(["summarize finished", "record started"]);
  });

  it("never starts new work whose client went away during the wait, on either era", async () => {
    log.length = 0;
    const leaving = (with_: Record<string, string>, body: unknown) => {
      const controller = new AbortController();
      const pending = handler.fetch(
        new Request(URL, {
          method: "POST",
          headers: with_,
          body: JSON.stringify(body),
          signal: controller.signal,
        }),
      );
      controller.abort();
      return pending;
    };
    const legacy = await leaving(headers, call(20, "record"));
    const modern = await leaving(
      { ...BASE, "mcp-protocol-version": MODERN, "mcp-method": "tools/call", "mcp-name": "record" },
      {
        jsonrpc: "2.0",
        id: 21,
        method: "tools/call",
        params: { name: "record", arguments: {}, _meta: modernMeta({ sampling: {} }) },
      },
    );
    expect([legacy.status, modern.status]).toEqual([499, 499]);
    // The session is not left busy: a later call on it is served.
    const [after] = await readMessages(await post(headers, call(22, "record")));
    expect(after?.result?.content).toEqual([{ type: "text", text: "recorded" }]);
    expect(log).toEqual(["record started"]);
  });

  it("answers a request whose session is deleted in the turn it waits out with 404, not a hang", async () => {
    const init = await post(BASE, legacyInitialize());
    await init.text();
    const doomed = { ...headers, "mcp-session-id": init.headers.get("mcp-session-id") ?? "" };
    await (await post(doomed, { jsonrpc: "2.0", method: "notifications/initialized" })).text();
    const pending = post(doomed, call(7, "record"));
    const deleted = handler.fetch(new Request(URL, { method: "DELETE", headers: doomed }));
    expect((await deleted).status).toBe(200);
    const response = await pending;
    expect(response.status).toBe(404);
    expect((await readMessages(response))[0]?.error?.message).toMatch(/Session not found/);
  });

  it("still answers a lone request, and a batch of requests, with nothing else in the turn", async () => {
    const [alone] = await readMessages(await post(headers, call(4, "record")));
    expect(alone?.result?.content).toEqual([{ type: "text", text: "recorded" }]);
    const batch = await readMessages(await post(headers, [call(5, "record"), call(6, "record")]));
    expect(batch.map((message) => message.id).sort()).toEqual([5, 6]);
  });
});
