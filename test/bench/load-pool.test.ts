// The benchmark load generator's connection pool (bench/lib/load-pool.ts), against a real node:http
// server on loopback: it opens every connection it may before any call, and never more than that, so
// no connection waits in the server's accept queue while a measured window runs.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { ANSWER_CONNECTIONS, installPool, poolSize, SHARED_CONNECTIONS } from "../../bench/lib/load-pool.js";

const previous = getGlobalDispatcher();
let server: Server | undefined;

afterEach(async () => {
  setGlobalDispatcher(previous);
  server?.closeAllConnections();
  await new Promise<void>((done) => (server === undefined ? done() : server.close(() => done())));
  server = undefined;
});

/** A server that answers every request after `delayMs` and counts the connections it accepts. */
async function countingServer(delayMs: number) {
  let accepted = 0;
  server = createServer((_req, res) => {
    setTimeout(() => res.end("ok"), delayMs);
  });
  server.on("connection", () => {
    accepted++;
  });
  await new Promise<void>((done) => server!.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/mcp`, accepted: () => accepted };
}

describe("load generator connection pool", () => {
  it("opens all its connections up front and never opens another under load", async () => {
    const target = await countingServer(5);
    const pool = installPool(target.url, 6);
    await pool.open();
    expect(target.accepted()).toBe(6);
    expect(pool.connected()).toBe(6);
    // Five times as many calls in flight as connections: they queue in the pool, not in the kernel.
    const answers = await Promise.all(
      Array.from({ length: 30 }, async () => (await fetch(target.url)).text()),
    );
    expect(answers.every((answer) => answer === "ok")).toBe(true);
    expect(target.accepted()).toBe(6);
    // Opening again tops up nothing when every connection is still open.
    await pool.open();
    expect(target.accepted()).toBe(6);
  });

  it("reopens connections the server closed", async () => {
    const target = await countingServer(0);
    const pool = installPool(target.url, 4);
    await pool.open();
    server!.closeAllConnections();
    await new Promise((done) => setTimeout(done, 50));
    await pool.open();
    expect(target.accepted()).toBe(8);
    expect(pool.connected()).toBe(4);
  });

  it("gives every stream a 2025 session holds open a connection of its own, plus the shared ones", () => {
    // 25 clients × 20 sampled calls: 500 POST streams and 25 GET streams held, answers on the rest.
    expect(poolSize({ era: "2025" }, 25, 20)).toBe(25 + 500 + ANSWER_CONNECTIONS);
    expect(poolSize({ era: "2025", call: "plain" }, 25, 1)).toBe(25 + 25);
    expect(poolSize({ era: "2026" }, 25, 20)).toBe(SHARED_CONNECTIONS);
    expect(poolSize({ era: "2026", call: "plain" }, 25, 1)).toBe(25);
  });
});
