import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FastMCPError, type SamplingHandlerFunction, ToolError } from "../../src/index.js";
import { type Connected, cells, connect } from "../helpers/matrix.js";
import { hangingHandler, rejectionOf, settledStats, waitFor } from "../helpers/pending.js";

// One body per transport × era. A shared connection per cell (its handler swapped per test) keeps
// the stdio cells from spawning a server for every test.
describe.each(cells())("cancellation on $transport × $era", (cell) => {
  let current: SamplingHandlerFunction = () => "unused";
  let shared: Connected;
  /** A client without sampling: the server's own (hanging) handler answers its samples. */
  let serverOnly: Connected;
  beforeAll(async () => {
    [shared, serverOnly] = await Promise.all([
      connect(
        cell,
        "reliability-server",
        { serverHandler: "hang" },
        { samplingHandler: (messages, params, context) => current(messages, params, context) },
      ),
      connect(cell, "reliability-server", { serverHandler: "hang" }),
    ]);
  });
  afterAll(() => Promise.all([shared?.close(), serverOnly?.close()]));

  it("aborting callTool cancels the tool, its sample, and the handler answering it", async () => {
    const { handler, state } = hangingHandler();
    current = handler;
    const { client } = shared;
    const controller = new AbortController();
    const call = client.callTool("sample", { prompt: "cancel me" }, { signal: controller.signal });
    await waitFor(() => state.started === 1, 10_000, "the client handler to start");
    controller.abort(new Error("user pressed stop"));
    const error = await rejectionOf(call, 5_000);
    expect(error.message).toBe("user pressed stop");
    await waitFor(() => state.aborted === 1, 5_000, "the client handler's signal to abort");
    const after = await settledStats(client);
    if (cell.era === "2025") {
      // The tool itself was running, waiting on the sample: its signal aborted and its sample rejected.
      expect(after.events).toContain("tool-aborted:cancel me");
      expect(after.events.some((event) => event.startsWith("sample-rejected:cancel me:"))).toBe(true);
    }
    // The connection carries on.
    expect((await client.callTool("ping-tool")).text).toBe("pong");
  });

  it("a call aborted the moment its sample arrives still cancels that sample", async () => {
    // No time passes between the sample reaching the client and the abort: on 2025 the server is
    // told while its pending sample's cancellation is still deferred (no listener on the request's
    // signal yet), and must cancel it all the same.
    const { handler, state } = hangingHandler();
    const controller = new AbortController();
    current = (messages, params, context) => {
      const answer = handler(messages, params, context);
      controller.abort(new Error("stopped at once"));
      return answer;
    };
    const call = shared.client.callTool("sample", { prompt: "abort at once" }, { signal: controller.signal });
    expect((await rejectionOf(call, 5_000)).message).toBe("stopped at once");
    await waitFor(() => state.aborted === 1, 5_000, "the client handler's signal to abort");
    const after = await settledStats(shared.client);
    if (cell.era === "2025") {
      expect(after.events).toContain("tool-aborted:abort at once");
      expect(after.events.some((event) => event.startsWith("sample-rejected:abort at once:"))).toBe(true);
    }
    expect((await shared.client.callTool("ping-tool")).text).toBe("pong");
  });

  it("a handler that ignores its signal does not hold an aborted call", async () => {
    let started = 0;
    current = () => {
      started++;
      return new Promise<string>(() => {});
    };
    const controller = new AbortController();
    const call = shared.client.callTool("sample", { prompt: "stubborn" }, { signal: controller.signal });
    await waitFor(() => started === 1, 10_000, "the client handler to start");
    controller.abort(new Error("stop"));
    expect((await rejectionOf(call, 5_000)).message).toBe("stop");
    await settledStats(shared.client);
  });

  it("ctx.sample({ timeoutMs }) fails near its bound (not the SDK's 60 s) and cancels the request", async () => {
    const { handler, state } = hangingHandler();
    current = handler;
    const error = await rejectionOf(
      shared.client.callTool("sample", { prompt: "slow", timeoutMs: 600 }),
      10_000,
    );
    // 2025: the tool's sample rejects and the tool fails with it. 2026-07-28: the server is not
    // waiting while the client answers, so the client bounds its handler by the sample's timeoutMs.
    // Either way the caller sees the same ToolError TIMEOUT.
    expect(error.message).toBe("Sampling timed out after 600 ms");
    expect(ToolError.isInstance(error)).toBe(true);
    expect((error as ToolError).code).toBe("TIMEOUT");
    await waitFor(() => state.aborted === 1, 5_000, "the client handler's signal to abort");
    await settledStats(shared.client);
  });

  it("per-call timeoutMs bounds the call and cancels the handler", async () => {
    const { handler, state } = hangingHandler();
    current = handler;
    const error = await rejectionOf(
      shared.client.callTool("sample", { prompt: "a" }, { timeoutMs: 900 }),
      10_000,
    );
    expect(FastMCPError.isInstance(error) && error.code).toBe("TIMEOUT");
    expect(error.message).toBe("Tool call 'sample' timed out after 900 ms");
    expect(state.started).toBe(1);
    await waitFor(() => state.aborted === 1, 5_000, "the handler's signal to abort");
    await settledStats(shared.client);
  });

  // The option feeds the same deadline as the per-call one on every transport; skipping stdio spares a
  // slow spawn (the option also bounds connecting, and a stdio server starts slowly under load).
  it.skipIf(cell.transport === "stdio")(
    "the Client's timeoutMs option bounds the call and cancels the handler",
    async () => {
      const bound = 1_000;
      const { handler, state } = hangingHandler();
      const { client, close } = await connect(
        cell,
        "reliability-server",
        {},
        { samplingHandler: handler, timeoutMs: bound },
      );
      try {
        await client.callTool("ping-tool"); // warm up, so the bound falls while the handler runs
        const error = await rejectionOf(client.callTool("sample", { prompt: "b" }), bound + 10_000);
        expect(FastMCPError.isInstance(error) && error.code).toBe("TIMEOUT");
        expect(error.message).toBe(`Tool call 'sample' timed out after ${bound} ms`);
        await waitFor(() => state.aborted === 1, 5_000, "the handler's signal to abort");
        await settledStats(client);
      } finally {
        await close();
      }
    },
  );

  it("a hanging server-side handler is bounded by timeoutMs and sees its signal abort", async () => {
    const { client } = serverOnly;
    const error = await rejectionOf(client.callTool("sample", { prompt: "srv", timeoutMs: 600 }), 10_000);
    expect(ToolError.isInstance(error)).toBe(true);
    expect(error.message).toBe("Sampling timed out after 600 ms");
    const after = await settledStats(client);
    expect(after.events).toContain("server-handler-aborted");
  });

  it("aborting a call answered by the server's handler aborts that handler", async () => {
    const { client } = serverOnly;
    const count = async (event: string) => (await eventsOf(client)).filter((e) => e === event).length;
    const before = await count("server-handler-aborted");
    const controller = new AbortController();
    const call = client.callTool("sample", { prompt: "srv2" }, { signal: controller.signal });
    await waitFor(
      async () => (await eventsOf(client)).includes("sample-started:srv2"),
      10_000,
      "the server handler to start",
    );
    controller.abort(new Error("never mind"));
    expect((await rejectionOf(call, 5_000)).message).toBe("never mind");
    await waitFor(
      async () => (await count("server-handler-aborted")) === before + 1,
      5_000,
      "the server handler's signal to abort",
    );
    await settledStats(client);
  });
});

async function eventsOf(client: Connected["client"]): Promise<string[]> {
  const result = await client.callTool("stats");
  return (JSON.parse(result.text) as { events: string[] }).events;
}
