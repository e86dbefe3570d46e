import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, type FastMCP } from "../../src/index.js";
import { startHttpServer } from "../../src/server/http-server.js";
import type { RunningHttpServer } from "../../src/server/http-types.js";
import build from "../fixtures/reliability-server.js";
import { type Cell, cells, connect } from "../helpers/matrix.js";
import { hangingHandler, lastText, rejectionOf, stats, waitFor } from "../helpers/pending.js";
import {
  legacyInitialize,
  modernMeta,
  openLegacySession,
  type RawMessage,
  streamSse,
} from "../helpers/raw-http.js";
import { RawStdio } from "../helpers/raw-stdio.js";

describe.each(cells({ transports: ["stdio"] }))(
  "a stdio server that exits mid-sample ($era)",
  (cell: Cell) => {
    it("fails the client's call promptly and aborts the handler that was answering", async () => {
      const { handler, state } = hangingHandler();
      const { client, close } = await connect(cell, "reliability-server", {}, { samplingHandler: handler });
      try {
        const error = await rejectionOf(client.callTool("exit-mid-sample"), 10_000);
        expect(error.message).toMatch(/Connection closed|connection to the server closed/i);
        expect(state.started).toBe(1);
        await waitFor(() => state.aborted === 1, 5_000, "the handler's signal to abort");
      } finally {
        await close();
      }
    });
  },
);

describe("a stdio client that dies mid-sample", () => {
  const dir = mkdtempSync(join(tmpdir(), "fastmcp-reliability-"));
  const events = (log: string) =>
    (existsSync(log) ? readFileSync(log, "utf8") : "")
      .trim()
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => (JSON.parse(line) as { event: string }).event);

  it.each([
    ["2025", "client"],
    ["2025", "server"],
    ["2026", "client"],
    ["2026", "server"],
  ] as const)(
    "era %s, answered by the %s: the server drops the sample and exits cleanly",
    async (era, answerer) => {
      const log = join(dir, `${era}-${answerer}.log`);
      const raw = new RawStdio("reliability-server", { logFile: log, serverHandler: "hang" });
      try {
        const capabilities = answerer === "client" ? { sampling: {} } : {};
        const call = { name: "sample", arguments: { prompt: "bye" } };
        if (era === "2025") {
          raw.send(legacyInitialize(capabilities));
          await raw.next((m) => m.id === 1);
          raw.send({ jsonrpc: "2.0", method: "notifications/initialized" });
          raw.send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: call });
        } else {
          raw.send({
            jsonrpc: "2.0",
            id: 2,
            method: "tools/call",
            params: { ...call, _meta: modernMeta(capabilities) },
          });
        }
        if (answerer === "client" && era === "2025")
          await raw.next((m) => m.method === "sampling/createMessage");
        if (answerer === "client" && era === "2026") {
          expect((await raw.next((m) => m.id === 2)).result?.resultType).toBe("input_required");
        }
        if (answerer === "server") {
          await waitFor(
            () => events(log).includes("server-handler-started"),
            10_000,
            "the server's handler to start",
          );
        }
        raw.hangUp();
        const exit = await Promise.race([
          raw.exited,
          new Promise((resolve) => setTimeout(() => resolve("alive"), 10_000)),
        ]);
        // Exit code 0 on its own: nothing left pending (no live timer or request) held the process.
        expect(exit).toEqual({ code: 0, signal: null });
        const seen = events(log);
        if (answerer === "server") expect(seen).toContain("server-handler-aborted");
        if (era === "2025") expect(seen.some((event) => event.startsWith("sample-rejected:bye:"))).toBe(true);
        expect(seen).not.toContain("sample-answered:bye");
      } finally {
        raw.kill();
      }
    },
  );
});

describe("HTTP clients that go away mid-sample", () => {
  let server: FastMCP;
  // What server.run({ transport: "http" }) starts, held directly so the test can read sessionCount.
  let http: RunningHttpServer;
  let url: string;
  let observer: Client;
  beforeAll(async () => {
    server = build({ serverHandler: "hang" });
    http = await startHttpServer(server, { port: 0, sessionIdleTimeoutMs: 400 });
    url = http.url;
    // A 2026-07-28 client holds no session, so sessionCount counts only the clients under test.
    observer = new Client(url, { protocol: "2026" });
    await observer.connect();
  });
  afterAll(async () => {
    await observer?.close();
    await http?.close();
    await server?.close();
  });
  const openSessions = () => http.sessionCount;

  it("2025: a client that closes mid-sample ends its session (DELETE) and the sample at once", async () => {
    const { handler, state } = hangingHandler();
    const client = new Client(url, { protocol: "2025", samplingHandler: handler });
    await client.connect();
    expect(openSessions()).toBe(1);
    const call = client.callTool("sample", { prompt: "closing" });
    await waitFor(() => state.started === 1, 10_000, "the client handler to start");
    expect(server.pending.samples).toBe(1);
    await client.close();
    await rejectionOf(call, 5_000);
    await waitFor(() => server.pending.samples === 0, 5_000, "the server's sample to be dropped");
    await waitFor(() => openSessions() === 0, 5_000, "the session to close");
    expect(state.aborted).toBe(1);
    expect((await stats(observer)).events).toContain("sample-rejected:closing:Connection closed");
  });

  it("2025: a client that vanishes mid-sample (no DELETE) has its call cancelled and its session reaped", async () => {
    const sessionHeaders = await openLegacySession(url);
    // The optional GET stream too, as the SDK's client opens it.
    const getController = new AbortController();
    const get = await fetch(url, {
      method: "GET",
      headers: { ...sessionHeaders, accept: "text/event-stream" },
      signal: getController.signal,
    });
    expect(get.status).toBe(200);
    const callController = new AbortController();
    const call = await fetch(url, {
      method: "POST",
      headers: sessionHeaders,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "sample", arguments: { prompt: "vanish" } },
      }),
      signal: callController.signal,
    });
    let request: RawMessage | undefined;
    for await (const message of streamSse(call)) {
      if (message.method === "sampling/createMessage") {
        request = message;
        break;
      }
    }
    expect(lastText(request?.params?.messages as never)).toBe("vanish");
    expect(server.pending.samples).toBe(1);
    // The tools/call stream drops: with no event store its result could never be delivered, so the
    // call is cancelled (the GET stream still open keeps the session itself alive meanwhile).
    callController.abort();
    await waitFor(() => server.pending.samples === 0, 5_000, "the vanished client's sample to be dropped");
    expect((await stats(observer)).events).toContain("tool-aborted:vanish");
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(openSessions()).toBe(1);
    // Then the GET stream goes too, and the idle session is reaped.
    getController.abort();
    await waitFor(() => openSessions() === 0, 5_000, "the idle session to be reaped");
  });

  it("2026-07-28: a client that vanishes while the server's handler answers aborts that handler", async () => {
    const controller = new AbortController();
    const response = fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": "tools/call",
        "mcp-name": "sample",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "sample", arguments: { prompt: "modern-vanish" }, _meta: modernMeta({}) },
      }),
      signal: controller.signal,
    }).catch((error: unknown) => error);
    await waitFor(() => server.pending.samples === 1, 10_000, "the server's handler to start");
    controller.abort();
    await response;
    await waitFor(() => server.pending.samples === 0, 5_000, "the server's handler to be dropped");
    expect((await stats(observer)).events).toContain("server-handler-aborted");
  });

  it("2026-07-28: a client closing mid-sample aborts its own handler; the server holds nothing", async () => {
    const { handler, state } = hangingHandler();
    const client = new Client(url, { protocol: "2026", samplingHandler: handler });
    await client.connect();
    const call = client.callTool("sample", { prompt: "modern-close" });
    await waitFor(() => state.started === 1, 10_000, "the client handler to start");
    expect(server.pending.samples).toBe(0); // the server is not waiting on 2026-07-28
    await client.close();
    await rejectionOf(call, 5_000);
    await waitFor(() => state.aborted === 1, 5_000, "the handler's signal to abort");
  });

  it("keeps serving everyone else", async () => {
    const client = new Client(url, {
      protocol: "2025",
      samplingHandler: (messages) => `still here: ${lastText(messages)}`,
    });
    await client.connect();
    try {
      expect((await client.callTool("sample", { prompt: "after" })).text).toBe("client|still here: after");
      expect((await observer.callTool("ping-tool")).text).toBe("pong");
    } finally {
      await client.close();
    }
    expect(openSessions()).toBe(0);
    expect(server.pending.samples).toBe(0);
  });
});
