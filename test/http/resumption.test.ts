// A 2025 tools/call stream that drops while the tool's sample is pending: the client resumes with
// Last-Event-ID and still receives the sampling request, then (after answering) the result — on one
// process with memorySessionStore(), and on another instance than the one running the tool.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FastMCP, memorySessionStore } from "../../src/index.js";
import { startHttpServer } from "../../src/server/http-server.js";
import type { RunningHttpServer } from "../../src/server/http-types.js";
import { legacyInitialize } from "../helpers/raw-http.js";
import { dropAndResume, promptOf, resultText } from "../helpers/resume-flow.js";

function build(label: string): FastMCP {
  const server = new FastMCP({ name: "resume", sampleTimeoutMs: 15_000 });
  server.tool({
    name: "ask",
    execute: async (args: { token: string }, ctx) => `${label}|${(await ctx.sample(args.token)).text}`,
  });
  return server;
}

const textOf = resultText;

describe("Last-Event-ID resumption of a pending sample", () => {
  const http: RunningHttpServer[] = [];
  beforeAll(async () => {
    const shared = memorySessionStore();
    http.push(await startHttpServer(build("solo"), { port: 0, sessionStore: memorySessionStore() }));
    http.push(await startHttpServer(build("A"), { port: 0, sessionStore: shared }));
    http.push(await startHttpServer(build("B"), { port: 0, sessionStore: shared }));
  });
  afterAll(async () => {
    await Promise.all(http.map((h) => h.close()));
  });

  it("one process: the sampling request and then the result arrive on the resumed stream", async () => {
    const url = http[0]!.url;
    const outcome = await dropAndResume(
      [url, url],
      "ask",
      { token: "tok-1" },
      (request) => `answer:${promptOf(request)}`,
    );
    expect(textOf(outcome.result)).toBe("solo|answer:tok-1");
    // The instance running the tool keeps the resumed stream open: one resumption carried both.
    expect(outcome.resumptions).toBe(1);
  });

  it("resumed on the other instance: the tool's instance gets the answer, the result is replayed", async () => {
    const outcome = await dropAndResume(
      [http[1]!.url, http[2]!.url],
      "ask",
      { token: "tok-2" },
      (request) => `answer:${promptOf(request)}`,
    );
    // A ran the tool though every request after the call went to B.
    expect(textOf(outcome.result)).toBe("A|answer:tok-2");
    expect(outcome.samplingRequest.params?.messages).toEqual([
      { role: "user", content: { type: "text", text: "tok-2" } },
    ]);
  });

  it("without a store the stream is not resumable (no priming event), as before", async () => {
    const plain = await startHttpServer(build("plain"), { port: 0 });
    try {
      await expect(dropAndResume([plain.url, plain.url], "ask", { token: "x" }, () => "y")).rejects.toThrow(
        /not resumable/,
      );
    } finally {
      await plain.close();
    }
  });

  it("a Last-Event-ID of another session's stream replays nothing", async () => {
    const url = http[1]!.url;
    const base = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    const open = async () => {
      const init = await fetch(url, {
        method: "POST",
        headers: base,
        body: JSON.stringify(legacyInitialize()),
      });
      await init.text();
      return {
        ...base,
        "mcp-session-id": init.headers.get("mcp-session-id")!,
        "mcp-protocol-version": "2025-11-25",
      };
    };
    const victim = await open();
    const call = await fetch(url, {
      method: "POST",
      headers: victim,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "ask", arguments: { token: "secret" } },
      }),
    });
    const reader = call.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!seen.includes("secret")) seen += (await reader.read()).value ?? "";
    const eventId = /id: (\S+)/.exec(seen)![1]!;
    const attacker = await open();
    const replay = await fetch(url, {
      method: "GET",
      headers: { ...attacker, accept: "text/event-stream", "last-event-id": eventId },
    });
    const body = await replay.text();
    expect(replay.status).toBe(400);
    expect(body).not.toContain("secret");
    await reader.cancel();
  });
});
