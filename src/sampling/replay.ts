import { FastMCPError } from "../errors.js";
import { stableHash } from "./stable-hash.js";

/** The kinds of embedded requests a 2026-07-28 tool call can return, with the key prefix of each. */
export const INPUT_KINDS = {
  "sampling/createMessage": "sample",
  "elicitation/create": "elicit",
  "roots/list": "roots",
} as const;
export type InputMethod = keyof typeof INPUT_KINDS;

/**
 * What rides in the signed `requestState` between rounds: the call it belongs to, every answer so
 * far, the request hash behind each key, and the results of `ctx.once` steps.
 */
export interface ReplayState {
  v: 1;
  /** `${method}:${name}` of the call this state belongs to. */
  call: string;
  /** Hash of the call's arguments. */
  args: string;
  answers: Record<string, unknown>;
  hashes: Record<string, string>;
  steps: Record<string, unknown>;
}

export interface PendingInput {
  method: InputMethod;
  params: Record<string, unknown>;
}

export type ReplayOutcome<T> =
  | { kind: "complete"; value: T }
  | { kind: "input_required"; inputRequests: Record<string, PendingInput>; state: ReplayState };

/**
 * One run of a tool function under replay. The k-th request of a kind is keyed `${prefix}-k`:
 * answered keys return their stored answer; unanswered ones started in the same turn of the event
 * loop are collected into one `input_required` round.
 */
export class ReplayRun {
  readonly state: ReplayState;
  private readonly counters: Record<string, number> = {};
  private readonly pending: Record<string, PendingInput> = {};
  private pendingCount = 0;
  private readonly unsolicited = new Map<string, unknown>();
  /** Answers that arrived in this round (the others were taken from the state of earlier rounds). */
  private readonly fresh = new Set<unknown>();
  private closeRound?: () => void;
  private readonly roundClosed: Promise<"round">;
  private readonly args: unknown;

  constructor(
    call: string,
    args: unknown,
    previous: ReplayState | undefined,
    responses: Record<string, unknown> | undefined,
  ) {
    this.args = args;
    // The arguments' hash is needed only to check a previous state or to mint one: a first round
    // that completes (every plain 2026-07-28 call) never computes it.
    const argsHash = previous === undefined ? "" : stableHash(args ?? {});
    if (previous !== undefined && (previous.call !== call || previous.args !== argsHash)) {
      throw new FastMCPError(
        "REPLAY_MISMATCH",
        "requestState belongs to a different call (tool or arguments changed); retry the call without it.",
      );
    }
    // The previous state was parsed from this request's JSON and belongs to this run alone, so its
    // records are taken over rather than copied.
    this.state = {
      v: 1,
      call,
      args: argsHash,
      answers: previous?.answers ?? {},
      hashes: previous?.hashes ?? {},
      steps: previous?.steps ?? {},
    };
    // Answers for keys asked in an earlier round are taken now; others wait until this run asks
    // for that very key (a client may answer a first round it predicted); the rest are ignored.
    for (const [key, value] of Object.entries(responses ?? {})) {
      if (key in this.state.hashes) {
        if (!(key in this.state.answers)) {
          this.state.answers[key] = value;
          this.fresh.add(value);
        }
      } else {
        this.unsolicited.set(key, value);
      }
    }
    this.roundClosed = new Promise((resolve) => {
      this.closeRound = () => resolve("round");
    });
  }

  /**
   * Returns the stored answer for this request, or parks it for the coming round. `key` names the
   * request on the wire instead of the counted `${prefix}-k` (for peers that expect a given key).
   */
  request(method: InputMethod, params: Record<string, unknown>, key?: string): Promise<unknown> {
    key ??= this.nextKey(INPUT_KINDS[method]);
    const hash = stableHash({ method, params });
    const known = this.state.hashes[key];
    if (known !== undefined && known !== hash) {
      throw new FastMCPError(
        "REPLAY_MISMATCH",
        `Replay mismatch at ${key}: this round asked for something different from the earlier round. ` +
          "Code before ctx.sample runs again on every round under protocol 2026-07-28; keep it deterministic, " +
          "or wrap non-deterministic steps in ctx.once().",
      );
    }
    if (key in this.state.answers) return Promise.resolve(this.state.answers[key]);
    this.state.hashes[key] = hash;
    if (this.unsolicited.has(key)) {
      const answer = this.unsolicited.get(key);
      this.state.answers[key] = answer;
      this.fresh.add(answer);
      return Promise.resolve(answer);
    }
    this.pending[key] = { method, params };
    if (this.pendingCount++ === 0) setImmediate(() => this.closeRound?.());
    // A fresh promise each time: a shared never-settling one would keep every abandoned run's
    // continuation (its context, its server) reachable forever — a leak of ~30 KB per round.
    return new Promise<never>(() => {});
  }

  /** True for an answer the client sent in this round, false for one replayed from the state. */
  isFresh(answer: unknown): boolean {
    return this.fresh.has(answer);
  }

  /** Runs `step` once across all rounds; later rounds get the stored (JSON) result. */
  async once<T>(step: () => T | Promise<T>): Promise<T> {
    const key = this.nextKey("step");
    if (key in this.state.steps) return this.state.steps[key] as T;
    const value = await step();
    // Stored as JSON: what a later round sees is what survives serialisation.
    this.state.steps[key] = value === undefined ? null : JSON.parse(JSON.stringify(value));
    return value;
  }

  /**
   * A sample the server's own handler answers: kept in the state, so later rounds of the call reuse
   * the answer instead of paying for the LLM again. `fresh` is false for an answer from an earlier round.
   */
  async serverAnswer<T>(params: unknown, answer: () => Promise<T>): Promise<{ value: T; fresh: boolean }> {
    const key = this.nextKey("server");
    const hash = stableHash(params);
    const kept = this.state.steps[key] as { h: string; r: T } | undefined;
    if (kept !== undefined) {
      if (kept.h !== hash) {
        throw new FastMCPError(
          "REPLAY_MISMATCH",
          `Replay mismatch at ${key}: this round asked the server's LLM for something different from the earlier round. ` +
            "Keep code before ctx.sample deterministic, or wrap non-deterministic steps in ctx.once().",
        );
      }
      return { value: kept.r, fresh: false };
    }
    const value = await answer();
    this.state.steps[key] = { h: hash, r: JSON.parse(JSON.stringify(value)) };
    return { value, fresh: true };
  }

  /** Races the tool function against the end of the current round. */
  async drive<T>(run: Promise<T>): Promise<ReplayOutcome<T>> {
    const first = await Promise.race([run.then((value) => ({ value })), this.roundClosed]);
    if (first !== "round") return { kind: "complete", value: first.value };
    if (this.state.args === "") this.state.args = stableHash(this.args ?? {});
    return { kind: "input_required", inputRequests: { ...this.pending }, state: this.state };
  }

  private nextKey(prefix: string): string {
    const k = this.counters[prefix] ?? 0;
    this.counters[prefix] = k + 1;
    return `${prefix}-${k}`;
  }
}
