// How a 2026-07-28 round ends (the run goes idle), what a closed round may no longer change, the
// MAC's binding to the call, and states minted by the previous format
// (version 1: SHA-256 digests in the payload, a MAC over prefix and body only).
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FastMCPError } from "../../src/index.js";
import { ReplayRun, type ReplayState } from "../../src/sampling/replay.js";
import { fingerprint, stableHash } from "../../src/sampling/stable-hash.js";
import { createStateCodec } from "../../src/sampling/state-codec.js";

const ask = (run: ReplayRun, text: string) =>
  run.request("sampling/createMessage", {
    messages: [{ role: "user", content: { type: "text", text } }],
    maxTokens: 10,
  });
const reply = (text: string) => ({ role: "assistant", content: { type: "text", text }, model: "m" });
const textOf = (answer: unknown) => (answer as { content: { text: string } }).content.text;

/** Resolves after `n` microtask turns. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await null;
}

describe("a round closes when the run goes idle", () => {
  it("samples started a few awaits apart, with ctx.once steps between, join one round", async () => {
    const run = new ReplayRun("tools/call:t", {}, undefined, undefined);
    const body = async () => {
      const late = (async () => {
        await turns(10);
        const id = await run.once(() => "ticket-1");
        await turns(10);
        return ask(run, `after ${id}`);
      })();
      return Promise.all([ask(run, "first"), late]);
    };
    const outcome = await run.drive(body());
    expect(outcome.kind).toBe("input_required");
    if (outcome.kind !== "input_required") return;
    expect(Object.keys(outcome.inputRequests)).toEqual(["sample-0", "sample-1"]);
    expect(outcome.state.steps).toEqual({ "step-0": "ticket-1" });
  });

  it("a sample started after a macrotask (I/O, a timer) waits for the next round", async () => {
    const run = new ReplayRun("tools/call:t", {}, undefined, undefined);
    const body = async () => {
      const later = new Promise((resolve) => setTimeout(resolve, 5)).then(() => ask(run, "later"));
      return Promise.all([ask(run, "now"), later]);
    };
    const outcome = await run.drive(body());
    expect(outcome.kind === "input_required" && Object.keys(outcome.inputRequests)).toEqual(["sample-0"]);
  });

  it("a run that keeps making progress is not cut off, however many turns it takes", async () => {
    const run = new ReplayRun("tools/call:t", {}, undefined, undefined);
    const body = async () => {
      const first = ask(run, "first");
      // 200 steps, each a few turns apart: far more turns than the idle bound, but never idle.
      for (let i = 0; i < 200; i++) await run.once(() => i);
      return Promise.all([first, ask(run, "last")]);
    };
    const outcome = await run.drive(body());
    expect(outcome.kind === "input_required" && Object.keys(outcome.inputRequests)).toEqual([
      "sample-0",
      "sample-1",
    ]);
  });
});

describe("a closed round", () => {
  it("is not changed by what the abandoned run does afterwards: the state minted is the state kept", async () => {
    const run = new ReplayRun("tools/call:t", { a: 1 }, undefined, undefined);
    let release = () => {};
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const body = async () => {
      const step = run.once(async () => {
        await slow;
        return "late";
      });
      const answer = await ask(run, "q");
      return [await step, answer];
    };
    const outcome = await run.drive(body());
    expect(outcome.kind).toBe("input_required");
    if (outcome.kind !== "input_required") return;
    const before = JSON.stringify(outcome.state);
    release();
    await turns(50);
    // The step finished after its round: it is not in the state (it runs again next round), and
    // neither is anything else the abandoned run asked for.
    void ask(run, "asked after the round"); // never answered here: the run is abandoned
    expect(JSON.stringify(outcome.state)).toBe(before);
    expect(outcome.state.steps).toEqual({});
  });
});

describe("a state minted in the previous format (version 1)", () => {
  const request = (text: string) => ({
    method: "sampling/createMessage",
    params: { messages: [{ role: "user", content: { type: "text", text } }], maxTokens: 10 },
  });
  const v1 = (args: unknown, text: string): ReplayState => ({
    v: 1,
    call: "tools/call:t",
    args: stableHash(args),
    answers: {},
    hashes: { "sample-0": stableHash(request(text)) },
    steps: {},
  });

  it("still replays: its SHA-256 request hashes are checked as SHA-256", async () => {
    const run = new ReplayRun("tools/call:t", { x: 1 }, v1({ x: 1 }, "q"), { "sample-0": reply("a") });
    const outcome = await run.drive(ask(run, "q"));
    expect(outcome.kind === "complete" && textOf(outcome.value)).toBe("a");
  });

  it("still catches a changed request", async () => {
    const run = new ReplayRun("tools/call:t", { x: 1 }, v1({ x: 1 }, "q"), { "sample-0": reply("a") });
    expect(() => ask(run, "a different question")).toThrow(FastMCPError);
  });

  it("is refused for other arguments", () => {
    expect(() => new ReplayRun("tools/call:t", { x: 2 }, v1({ x: 1 }, "q"), undefined)).toThrow(
      /different call/,
    );
  });

  it("new states are version 2 and carry fingerprints", async () => {
    const run = new ReplayRun("tools/call:t", { x: 1 }, undefined, undefined);
    const outcome = await run.drive(ask(run, "q"));
    if (outcome.kind !== "input_required") throw new Error("expected a round");
    expect(outcome.state.v).toBe(2);
    expect(outcome.state.hashes["sample-0"]).toBe(fingerprint(request("q")));
    expect(outcome.state.args).toBe(fingerprint({ x: 1 }));
  });
});

describe("the state's MAC binds the call and its arguments", () => {
  const KEY = "binding-test-key-of-at-least-32-bytes!";
  const options = { key: KEY, ttlSeconds: 600, maxBytes: 1 << 20 };
  const state: ReplayState = { v: 2, call: "tools/call:t", args: 1, answers: {}, hashes: {}, steps: {} };

  it("a state verifies with the binding it was minted with, here and on another instance, and with no other", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (bound, other) => {
        fc.pre(bound !== other);
        const minting = createStateCodec<ReplayState>(options);
        const elsewhere = createStateCodec<ReplayState>(options);
        const minted = minting.mint(state, undefined, bound);
        expect(minted.startsWith("v2.")).toBe(true);
        expect(() => elsewhere.verify(minted, undefined, other)).toThrow("mac");
        expect(elsewhere.verify(minted, undefined, bound)).toEqual(state);
        // The minting process compares the binding as text; once refused, the state is checked in full.
        expect(() => minting.verify(minted, undefined, other)).toThrow("mac");
        expect(minting.verify(minted, undefined, bound)).toEqual(state);
      }),
      { numRuns: 100 },
    );
  });

  it("the MAC is HMAC-SHA256 of prefix and body, then a newline and the binding", () => {
    const minted = createStateCodec<ReplayState>(options).mint(state, undefined, "tools/call:t\n{}");
    const dot = minted.lastIndexOf(".");
    const expected = createHmac("sha256", KEY).update(`${minted.slice(0, dot)}\ntools/call:t\n{}`);
    expect(minted.slice(dot + 1)).toBe(expected.digest("base64url"));
  });

  it("a version-1 state (MAC over prefix and body only) still verifies, whatever the binding", () => {
    const body = Buffer.from(JSON.stringify({ p: { ...state, v: 1 }, exp: 4_000_000_000, n: "x" })).toString(
      "base64url",
    );
    const v1 = `v1.${body}.${createHmac("sha256", KEY).update(`v1.${body}`).digest("base64url")}`;
    expect(createStateCodec<ReplayState>(options).verify(v1, undefined, "anything")).toEqual({
      ...state,
      v: 1,
    });
    // Its prefix cannot be swapped: a v2 reading of the same body needs the v2 MAC.
    expect(() => createStateCodec<ReplayState>(options).verify(`v2.${v1.slice(3)}`, undefined, "")).toThrow(
      "mac",
    );
  });

  it("peek reads a state's payload without trusting it, and gives up on garbage", () => {
    const codec = createStateCodec<ReplayState>(options);
    expect(codec.peek(codec.mint(state, undefined, "b"))).toEqual(state);
    expect(codec.peek("v2.%%%.x")).toBeUndefined();
    expect(codec.peek("nonsense")).toBeUndefined();
  });
});
