// Context extras: logging to Client onLog, progress to callTool onProgress, request facts, cancellation.
import type { LoggingLevel } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Connected, cells, connect } from "../helpers/matrix.js";

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function untilAsync(check: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(cells({ transports: ["memory", "stdio"] }))("Context on $transport × $era", (cell) => {
  let conn: Connected;
  let logs: Array<{ level: LoggingLevel; data: unknown; logger?: string }> = [];
  beforeAll(async () => {
    conn = await connect(
      cell,
      "core-api",
      {},
      { onLog: (level, data, logger) => logs.push({ level, data, logger }) },
    );
  });
  afterAll(() => conn?.close());
  beforeEach(() => {
    logs = [];
  });

  it("ctx.log / debug / info / warning / error reach the client's onLog", async () => {
    expect((await conn.client.callTool("logs")).text).toBe("logged");
    await until(() => logs.length >= 5, "5 log messages");
    expect(logs).toEqual([
      { level: "debug", data: "debug message", logger: "core-api" },
      { level: "info", data: { message: "info message", data: { step: 1 } }, logger: "core-api" },
      { level: "warning", data: "warning message", logger: "core-api" },
      { level: "error", data: "error message", logger: "core-api" },
      { level: "notice", data: "notice message", logger: "core-api" },
    ]);
  });

  it("setLoggingLevel filters what the server sends", async () => {
    await conn.client.setLoggingLevel("warning");
    try {
      await conn.client.callTool("logs");
      await until(() => logs.length >= 2, "2 log messages");
      // A last call flushes anything that should not have been sent.
      await conn.client.callTool("request_info");
      expect(logs.map((log) => log.level)).toEqual(["warning", "error"]);
    } finally {
      await conn.client.setLoggingLevel("debug");
    }
  });

  it("ctx.reportProgress reaches callTool's onProgress", async () => {
    const progress: unknown[] = [];
    const result = await conn.client.callTool("progress", {}, { onProgress: (p) => progress.push(p) });
    expect(result.text).toBe("done");
    await until(() => progress.length >= 3, "3 progress notifications");
    expect(progress).toEqual([
      { progress: 1, total: 3, message: "step 1" },
      { progress: 2, total: 3, message: "step 2" },
      { progress: 3, total: 3, message: "step 3" },
    ]);
  });

  it("without onProgress, reportProgress is a no-op", async () => {
    expect((await conn.client.callTool("progress")).text).toBe("done");
  });

  it("ctx.requestId, ctx.clientCapabilities, ctx.signal and ctx.era", async () => {
    const first = (await conn.client.callTool("request_info")).structuredContent as Record<string, unknown>;
    const second = (await conn.client.callTool("request_info")).structuredContent as Record<string, unknown>;
    expect(["string", "number"]).toContain(typeof first.requestId);
    expect(first.requestId).not.toEqual(second.requestId);
    // This client has no sampling handler, so it declares no sampling capability.
    expect(first.clientCapabilities).not.toBeNull();
    expect((first.clientCapabilities as Record<string, unknown>).sampling).toBeUndefined();
    expect(first.signalIsAbortSignal).toBe(true);
    expect(first.aborted).toBe(false);
    expect(first.era).toBe(cell.era === "2025" ? "legacy" : "modern");
  });

  it("aborting callTool aborts ctx.signal on the server", async () => {
    const status = async () => (await conn.client.callTool("last_cancel")).text;
    const controller = new AbortController();
    const call = conn.client
      .callTool("wait_for_cancel", {}, { signal: controller.signal })
      .catch((e: unknown) => e);
    await untilAsync(async () => (await status()) === "waiting", "the tool to start");
    controller.abort(new Error("stop"));
    expect(await call).toBeInstanceOf(Error);
    await untilAsync(async () => (await status()) === "aborted", "the tool to see its signal abort");
  });
});
