// The benchmark load generator's connection pools (bench/lib/load-pool.ts), against a real node:http
// server on loopback: they open every connection they may before any call, never more than that (so no
// connection waits in the server's accept queue while a measured window runs), and a 2025 sampling
// answer never waits behind the calls whose streams wait for it.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { ANSWER_CONNECTIONS, installPool, poolPlan, SHARED_CONNECTIONS } from "../../bench/lib/load-pool.js";

const previous = getGlobalDispatcher();
let server: Server | undefined;

afterEach(async () => {
  setGlobalDispatcher(previous);
  server?.closeAllConnections();
  await new Promise<void>((done) => (server === undefined ? done() : server.close(() => done())));
  server = undefined;
});

async function bodyOf(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += String(chunk);
  return text;
}

/** Counts accepted connections; `handle` answers each request. */
async function countingServer(handle: (body: string, answer: (text: string) => void) => void) {
  let accepted = 0;
  server = createServer(async (req, res) => handle(await bodyOf(req), (text) => res.end(text)));
  server.on("connection", () => {
    accepted++;
  });
  await new Promise<void>((done) => server!.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/mcp`, accepted: () => accepted };
}

const later = (answer: (text: string) => void) => setTimeout(() => answer("ok"), 5);

describe("load generator connection pools", () => {
  it("open all their connections up front and never open another under load", async () => {
    const target = await countingServer((_body, answer) => later(answer));
    const pool = installPool(target.url, { calls: 6, answers: 2 });
    await pool.open();
    expect(target.accepted()).toBe(8);
    expect(pool.connected()).toBe(8);
    // Five times as many calls in flight as connections: they queue in the pool, not in the kernel.
    const answers = await Promise.all(
      Array.from({ length: 30 }, async () => (await pool.fetch(target.url)).text()),
    );
    expect(answers.every((answer) => answer === "ok")).toBe(true);
    expect(target.accepted()).toBe(8);
    // Opening again tops up nothing when every connection is still open.
    await pool.open();
    expect(target.accepted()).toBe(8);
  });

  it("reopen connections the server closed", async () => {
    const target = await countingServer((_body, answer) => answer("ok"));
    const pool = installPool(target.url, { calls: 4, answers: 0 });
    await pool.open();
    server!.closeAllConnections();
    await new Promise((done) => setTimeout(done, 50));
    await pool.open();
    expect(target.accepted()).toBe(8);
    expect(pool.connected()).toBe(4);
  });

  it("send an answer on its own connections while every call's connection waits for it", async () => {
    // Each request is held until an answer (a body with no request in it) arrives: with one pool of
    // two connections, both would be held by requests and the answer could never be sent.
    const held: Array<() => void> = [];
    const target = await countingServer((body, answer) => {
      if (body === "") return answer("opened"); // the pools' own opening requests
      const message = JSON.parse(body) as { method?: string };
      if (message.method === undefined) {
        answer("answered");
        for (const release of held.splice(0)) release();
      } else held.push(() => answer("released"));
    });
    const pool = installPool(target.url, { calls: 2, answers: 1 });
    await pool.open();
    const post = (body: object) =>
      pool.fetch(target.url, { method: "POST", body: JSON.stringify(body) }).then((r) => r.text());
    const calls = [1, 2].map((id) => post({ jsonrpc: "2.0", id, method: "tools/call" }));
    while (held.length < 2) await new Promise((done) => setTimeout(done, 5));
    expect(await post({ jsonrpc: "2.0", id: 100, result: {} })).toBe("answered");
    expect(await Promise.all(calls)).toEqual(["released", "released"]);
  });

  it("plan, per era: each 2025 GET stream its own connection, the answers their own pool", () => {
    expect(poolPlan({ era: "2025" }, 25, 20)).toEqual({
      calls: 25 + SHARED_CONNECTIONS,
      answers: ANSWER_CONNECTIONS,
    });
    expect(poolPlan({ era: "2025", call: "plain" }, 25, 1)).toEqual({ calls: 25 + 25, answers: 0 });
    expect(poolPlan({ era: "2026" }, 25, 20)).toEqual({ calls: SHARED_CONNECTIONS, answers: 0 });
    expect(poolPlan({ era: "2026", call: "plain" }, 25, 1)).toEqual({ calls: 25, answers: 0 });
  });
});
