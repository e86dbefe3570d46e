// The 2026-07-28 request state is capped (maxRequestStateBytes): a call that would outgrow it fails
// clearly, an over-long state from a client is refused unread, and the codec's other refusals hold.
import type { ServerContext } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Client, FastMCP, FastMCPError, ToolError } from "../../src/index.js";
import type { ReplayState } from "../../src/sampling/replay.js";
import { createStateCodec } from "../../src/sampling/state-codec.js";
import { modernMeta, postModern } from "../helpers/raw-http.js";

const CAP = 4096;
const LONG_ANSWER = "x".repeat(1000);

function build(): FastMCP {
  const server = new FastMCP({ name: "state-size", maxRequestStateBytes: CAP });
  server.tool({
    name: "chain",
    parameters: z.object({ n: z.number().int() }),
    execute: async ({ n }, ctx) => {
      let total = 0;
      for (let i = 0; i < n; i++) total += (await ctx.sample(`step ${i}`)).text.length;
      return String(total);
    },
  });
  return server;
}

const samplingHandler = () => LONG_ANSWER;

describe("maxRequestStateBytes", () => {
  let server: FastMCP;
  beforeAll(async () => {
    server = build();
    await server.run({ transport: "http", port: 0 });
  });
  afterAll(() => server.close());

  it("a call whose state stays under the cap completes on 2026-07-28", async () => {
    await using client = await new Client(server, { protocol: "2026", samplingHandler }).connect();
    expect((await client.callTool("chain", { n: 2 })).text).toBe("2000");
  });

  it("a call that would outgrow it fails with a tool error that names the option", async () => {
    await using client = await new Client(server, { protocol: "2026", samplingHandler }).connect();
    const error = await client.callTool("chain", { n: 8 }).catch((e: unknown) => e);
    expect(ToolError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /request state would be \d+ bytes, over maxRequestStateBytes \(4096\)/,
    );
  });

  it("the same call on a 2025 session carries no state and completes", async () => {
    await using client = await new Client(server, { protocol: "2025", samplingHandler }).connect();
    expect((await client.callTool("chain", { n: 8 })).text).toBe("8000");
  });

  it("a state longer than the cap sent over HTTP is refused with -32602", async () => {
    const { message } = await postModern(server.url!, {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: {
        name: "chain",
        arguments: { n: 1 },
        requestState: `v1.${"A".repeat(CAP)}.AAAA`,
        _meta: modernMeta({ sampling: {} }),
      },
    });
    expect(message.error).toMatchObject({ code: -32602, message: "Invalid or expired requestState" });
  });
});

describe("request-state codec", () => {
  const KEY = "a-codec-test-key-of-at-least-32-bytes";
  const state: ReplayState = { v: 1, call: "tools/call:x", args: "h", answers: {}, hashes: {}, steps: {} };
  const asCaller = (clientId: string) => ({ http: { authInfo: { clientId } } }) as unknown as ServerContext;
  const bound = createStateCodec<ReplayState>({
    key: KEY,
    ttlSeconds: 600,
    maxBytes: CAP,
    bind: (ctx) => ctx?.http?.authInfo?.clientId ?? "",
  });

  it("a state bound to one caller verifies for that caller only", async () => {
    const minted = bound.mint(state, asCaller("alice"));
    expect(bound.verify(minted, asCaller("alice"))).toEqual(state);
    expect(() => bound.verify(minted, asCaller("mallory"))).toThrow("bind");
    expect(() => bound.verify(minted, {} as ServerContext)).toThrow("bind");
  });

  it("an expired state is refused", async () => {
    const now = Date.now;
    const minted = bound.mint(state, asCaller("alice"));
    Date.now = () => now() + 601_000;
    try {
      expect(() => bound.verify(minted, asCaller("alice"))).toThrow("expired");
    } finally {
      Date.now = now;
    }
  });

  it("minting over the cap throws STATE_TOO_LARGE", async () => {
    const big = { ...state, answers: { "sample-0": "y".repeat(CAP) } };
    let error: unknown;
    try {
      bound.mint(big, asCaller("alice"));
    } catch (caught) {
      error = caught;
    }
    expect(FastMCPError.isInstance(error) && error.code).toBe("STATE_TOO_LARGE");
  });

  it("a key shorter than 32 bytes is a configuration error", () => {
    expect(() => new FastMCP({ name: "short-key", requestStateKey: "too-short" })).toThrow(
      /requestStateKey must be at least 32 bytes \(got 9\)/,
    );
  });
});
