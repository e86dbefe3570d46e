// A 2025 session counts a POST as in flight until its requests are answered: the idle sweeper never
// reaps a session mid-call, and reaps it once the calls are done and nothing else is open.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FastMCP } from "../../src/index.js";
import { startHttpServer } from "../../src/server/http-server.js";
import type { RunningHttpServer } from "../../src/server/http-types.js";
import { openLegacySession, readMessages } from "../helpers/raw-http.js";

describe("2025 session in-flight tracking", () => {
  let http: RunningHttpServer;
  let release: () => void = () => {};
  beforeAll(async () => {
    const server = new FastMCP({ name: "tracking" });
    server.tool({ name: "quick", execute: () => "done" });
    server.tool({
      name: "slow",
      execute: () =>
        new Promise<string>((resolve) => {
          release = () => resolve("released");
        }),
    });
    http = await startHttpServer(server, { port: 0, sessionIdleTimeoutMs: 200 });
  });
  afterAll(() => http.close());

  const openSession = () => openLegacySession(http.url);

  const call = (headers: Record<string, string>, id: number, name: string) =>
    fetch(http.url, {
      method: "POST",
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: {} } }),
    });

  it("a session with a call in flight outlives its idle timeout, then is reaped once the call is answered", async () => {
    const headers = await openSession();
    expect(http.sessionCount).toBe(1);
    const pending = call(headers, 2, "slow");
    await new Promise((resolve) => setTimeout(resolve, 700)); // several idle timeouts
    expect(http.sessionCount).toBe(1);
    release();
    const messages = await readMessages(await pending);
    expect(messages.at(-1)?.result?.content).toEqual([{ type: "text", text: "released" }]);
    const deadline = Date.now() + 5_000;
    while (http.sessionCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(http.sessionCount).toBe(0);
  });

  it("many answered calls leave nothing counted in flight", async () => {
    const headers = await openSession();
    for (let id = 10; id < 30; id++) {
      const messages = await readMessages(await call(headers, id, "quick"));
      expect(messages.at(-1)?.result?.content).toEqual([{ type: "text", text: "done" }]);
    }
    const deadline = Date.now() + 5_000;
    while (http.sessionCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(http.sessionCount).toBe(0);
  });
});
