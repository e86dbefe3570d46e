import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, type FastMCP } from "../../src/index.js";
import { startHttpServer } from "../../src/server/http-server.js";
import type { RunningHttpServer } from "../../src/server/http-types.js";
import build from "../fixtures/reliability-server.js";
import { lastText } from "../helpers/pending.js";

const CLIENTS = 20;
const CALLS = 1_000;

let server: FastMCP;
let http: RunningHttpServer;
beforeAll(async () => {
  server = build();
  http = await startHttpServer(server, { port: 0 });
});
afterAll(async () => {
  await http?.close();
  await server?.close();
});

describe.each(["2025", "2026"] as const)("load over HTTP (%s)", (protocol) => {
  it(`${CALLS} concurrent sampled calls across ${CLIENTS} clients each get their own answer`, {
    timeout: 120_000,
  }, async () => {
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, n) => {
        const client = new Client(http.url, {
          protocol,
          name: `load-${n}`,
          timeoutMs: 90_000,
          // Echoes the prompt (the caller's token) after a little jitter, so answers interleave.
          samplingHandler: async (messages) => {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
            return `answer:${lastText(messages)}`;
          },
        });
        await client.connect();
        return client;
      }),
    );
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: CALLS }, async (_, i) => {
        const token = `${i % CLIENTS}-${i}-${randomUUID()}`;
        const { text } = await clients[i % CLIENTS]!.callTool("token", { token });
        return { token, text };
      }),
    );
    const seconds = (performance.now() - started) / 1_000;
    const mismatched = results.filter(({ token, text }) => text !== `${token}|answer:${token}`);
    expect(mismatched).toEqual([]);
    expect(new Set(results.map((r) => r.text)).size).toBe(CALLS);
    expect(server.pending.samples).toBe(0);
    if (protocol === "2025") expect(http.sessionCount).toBe(CLIENTS);
    await Promise.all(clients.map((client) => client.close()));
    expect(http.sessionCount).toBe(0);
    console.info(
      `[load ${protocol}] ${CALLS} sampled calls / ${CLIENTS} clients over HTTP: ${seconds.toFixed(2)} s, ` +
        `${(CALLS / seconds).toFixed(0)} calls/s, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
    );
  });
});
