import { createHmac } from "node:crypto";
import type { ServerContext } from "@modelcontextprotocol/server";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FastMCPError } from "../../src/index.js";
import { ReplayRun, type ReplayState } from "../../src/sampling/replay.js";
import { createStateCodec } from "../../src/sampling/state-codec.js";

const ctx = {} as ServerContext; // the codec ignores it without a `bind`
const KEY = "property-test-key-of-at-least-32-bytes";
// What FastMCP uses (with a bind to the caller's clientId, tested over HTTP in test/reliability).
const codec = createStateCodec<ReplayState>({ key: KEY, ttlSeconds: 600, maxBytes: 1 << 20 });

/**
 * A tool as a program: each step asks for a batch of samples at once (1 = sequential, more =
 * parallel), and every prompt depends on the answers before it (so replays must be exact).
 */
async function tool(run: ReplayRun, program: number[]): Promise<string[]> {
  const seen: string[] = [];
  for (const [step, batch] of program.entries()) {
    const prompts = Array.from(
      { length: batch },
      (_, j) => `step ${step}.${j} after ${seen.at(-1) ?? "start"}`,
    );
    const answers = await Promise.all(
      prompts.map((text) =>
        run.request("sampling/createMessage", {
          messages: [{ role: "user", content: { type: "text", text } }],
          maxTokens: 10,
        }),
      ),
    );
    seen.push(...answers.map((answer) => (answer as { content: { text: string } }).content.text));
  }
  return seen;
}

const reply = (text: string) => ({ role: "assistant", content: { type: "text", text }, model: "m" });

interface Drive {
  value: string[];
  rounds: Array<string[]>;
  given: Record<string, string>;
}

/** Plays client: answers every round (except keys `skip` says to leave out), through the real codec. */
async function drive(
  program: number[],
  answer: (key: string) => string,
  skip: (key: string, round: number) => boolean = () => false,
): Promise<Drive> {
  let state: string | undefined;
  let responses: Record<string, unknown> | undefined;
  const rounds: Array<string[]> = [];
  const given: Record<string, string> = {};
  for (let guard = 0; guard < 100; guard++) {
    const previous = state === undefined ? undefined : await codec.verify(state, ctx);
    const run = new ReplayRun("tools/call:program", { program }, previous, responses);
    const outcome = await run.drive(tool(run, program));
    if (outcome.kind === "complete") return { value: outcome.value, rounds, given };
    const keys = Object.keys(outcome.inputRequests);
    rounds.push(keys);
    state = await codec.mint(outcome.state, ctx);
    responses = {};
    for (const key of keys) {
      if (skip(key, rounds.length)) continue;
      given[key] ??= answer(key);
      responses[key] = reply(given[key]!);
    }
  }
  throw new Error("did not complete in 100 rounds");
}

const program = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 6 });

describe("replay engine with the signed request state", () => {
  it("any sequence of answers round-trips: one round per step, every answer to the sample that asked", async () => {
    await fc.assert(
      fc.asyncProperty(program, fc.func(fc.string()), async (steps, answerOf) => {
        const { value, rounds, given } = await drive(steps, (key) => `${answerOf(key)}#${key}`);
        expect(rounds).toHaveLength(steps.length);
        const total = steps.reduce((sum, n) => sum + n, 0);
        expect(value).toEqual(Array.from({ length: total }, (_, k) => given[`sample-${k}`]));
        // Each round asks exactly for the batch of its step.
        expect(rounds.map((keys) => keys.length)).toEqual(steps);
      }),
      { numRuns: 60 },
    );
  });

  it("a round answered only in part asks again for exactly what is missing", async () => {
    await fc.assert(
      fc.asyncProperty(program, fc.func(fc.boolean()), async (steps, drop) => {
        // Leave keys out at random, but never forever (each at most on its first two asks).
        const asked = new Map<string, number>();
        const { value, rounds, given } = await drive(
          steps,
          (key) => `answer of ${key}`,
          (key) => {
            const n = (asked.get(key) ?? 0) + 1;
            asked.set(key, n);
            return n <= 2 && drop(key, n);
          },
        );
        expect(value).toEqual(
          Object.keys(given)
            .sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)))
            .map((k) => given[k]),
        );
        // A key is asked again only while unanswered, and never after its answer arrived.
        for (const [i, keys] of rounds.entries()) {
          for (const key of keys) {
            const answeredBefore = rounds.slice(0, i).filter((earlier) => earlier.includes(key)).length;
            expect(answeredBefore).toBeLessThanOrEqual(2);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("responses for keys never asked for are ignored", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.string().filter((k) => !k.startsWith("sample-")),
          fc.jsonValue(),
        ),
        async (extra) => {
          const run = new ReplayRun("tools/call:program", { program: [1] }, undefined, extra);
          const outcome = await run.drive(tool(run, [1]));
          expect(outcome.kind).toBe("input_required");
          expect(Object.keys(outcome.kind === "input_required" ? outcome.state.answers : {})).toEqual([]);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("state from another call or other arguments is refused (REPLAY_MISMATCH)", async () => {
    await fc.assert(
      fc.asyncProperty(
        program.filter((p) => p.length > 0),
        fc.string(),
        async (steps, other) => {
          const run = new ReplayRun("tools/call:program", { program: steps }, undefined, undefined);
          const outcome = await run.drive(tool(run, steps));
          const state = outcome.kind === "input_required" ? outcome.state : undefined;
          const code = (fn: () => unknown) => {
            try {
              fn();
              return "accepted";
            } catch (error) {
              return FastMCPError.isInstance(error) ? error.code : String(error);
            }
          };
          expect(
            code(() => new ReplayRun(`tools/call:${other}x`, { program: steps }, state, undefined)),
          ).toBe("REPLAY_MISMATCH");
          expect(
            code(() => new ReplayRun("tools/call:program", { program: [...steps, 1] }, state, undefined)),
          ).toBe("REPLAY_MISMATCH");
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe("request-state codec", () => {
  const payload = fc.record({
    v: fc.constant(1 as const),
    call: fc.string(),
    args: fc.string(),
    answers: fc.dictionary(fc.string(), fc.jsonValue()),
    hashes: fc.dictionary(fc.string(), fc.string()),
    steps: fc.dictionary(fc.string(), fc.jsonValue()),
  });

  it("mint then verify gives back the same state: the object itself from the codec that minted it, its JSON from another", async () => {
    const elsewhere = createStateCodec<ReplayState>({ key: KEY, ttlSeconds: 600, maxBytes: 1 << 20 });
    await fc.assert(
      fc.asyncProperty(payload, async (state) => {
        const minted = codec.mint(state as ReplayState, ctx);
        expect(codec.verify(minted, ctx)).toBe(state);
        expect(elsewhere.verify(minted, ctx)).toEqual(JSON.parse(JSON.stringify(state)));
      }),
      { numRuns: 100 },
    );
  });

  it("any single-character change of a minted state is refused", async () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=";
    await fc.assert(
      fc.asyncProperty(payload, fc.nat(), fc.nat({ max: alphabet.length - 1 }), async (state, at, pick) => {
        const minted = codec.mint(state as ReplayState, ctx);
        const index = at % minted.length;
        let replacement = alphabet[pick]!;
        if (replacement === minted[index]) replacement = alphabet[(pick + 1) % alphabet.length]!;
        const altered = minted.slice(0, index) + replacement + minted.slice(index + 1);
        expect(() => codec.verify(altered, ctx)).toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it("every one-character change of a minted state is refused (exhaustively, for a sample of states)", async () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=";
    await fc.assert(
      fc.asyncProperty(payload, async (state) => {
        const minted = codec.mint(state as ReplayState, ctx);
        // The signature's last character is where base64url has spare spellings: try them all there.
        for (const index of [minted.length - 1, minted.lastIndexOf(".") - 1, minted.indexOf(".") + 1]) {
          for (const c of alphabet) {
            if (c === minted[index]) continue;
            const altered = minted.slice(0, index) + c + minted.slice(index + 1);
            expect(() => codec.verify(altered, ctx), `${index}:${c}`).toThrow();
          }
        }
      }),
      { numRuns: 10 },
    );
  });

  it("the MAC is HMAC-SHA256 of the prefix and body, for keys of any length, and another instance with the key verifies it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 200 }), payload, async (key, state) => {
        const minting = createStateCodec<ReplayState>({ key, ttlSeconds: 600, maxBytes: 1 << 20 });
        const minted = minting.mint(state as ReplayState, ctx);
        const dot = minted.lastIndexOf(".");
        const expected = createHmac("sha256", key).update(minted.slice(0, dot)).digest("base64url");
        expect(minted.slice(dot + 1)).toBe(expected);
        // A fresh codec never saw this state minted: it checks the MAC and decodes the body.
        const other = createStateCodec<ReplayState>({ key, ttlSeconds: 600, maxBytes: 1 << 20 });
        expect(other.verify(minted, ctx)).toEqual(JSON.parse(JSON.stringify(state)));
      }),
      { numRuns: 100 },
    );
  });

  it("a state verifies again after its first use (by its MAC, once the minting codec has let go of it)", async () => {
    const state: ReplayState = { v: 1, call: "tools/call:x", args: "a", answers: {}, hashes: {}, steps: {} };
    const minted = codec.mint(state, ctx);
    expect(codec.verify(minted, ctx)).toEqual(state);
    expect(codec.verify(minted, ctx)).toEqual(state);
  });

  it("a state minted under another key is refused", async () => {
    const other = createStateCodec<ReplayState>({
      key: "a-different-key-of-at-least-32-bytes!!",
      ttlSeconds: 600,
      maxBytes: 1 << 20,
    });
    await fc.assert(
      fc.asyncProperty(payload, async (state) => {
        expect(() => codec.verify(other.mint(state as ReplayState, ctx), ctx)).toThrow();
      }),
      { numRuns: 30 },
    );
  });
});
