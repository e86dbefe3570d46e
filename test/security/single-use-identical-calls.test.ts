// Single-use request states must not refuse a legitimate call: two identical 2026-07-28 calls made
// back to back reach the same round with the same answers, and their states must still differ.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, FastMCP, memoryReplayCache } from "../../src/index.js";

let server: FastMCP;
beforeAll(async () => {
  server = new FastMCP({ name: "single-use", requestStateReplayCache: memoryReplayCache() });
  server.tool({
    name: "two",
    execute: async (_args, ctx) => `${(await ctx.sample("1")).text}|${(await ctx.sample("2")).text}`,
  });
  await server.run({ transport: "http", port: 0 });
});
afterAll(() => server.close());

describe("identical calls under a replay cache", () => {
  it("both succeed: every minted state is unique", async () => {
    const client = new Client(server.url!, { protocol: "2026", samplingHandler: () => "same answer" });
    await client.connect();
    try {
      for (let i = 0; i < 3; i++)
        expect((await client.callTool("two", {})).text).toBe("same answer|same answer");
    } finally {
      await client.close();
    }
  });
});
