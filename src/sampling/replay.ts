import { FastMCPError } from "../errors.js";
import { fingerprint, stableHash } from "./stable-hash.js";

/** The kinds of embedded requests a 2026-07-28 tool call can return, with the key prefix of each. */
export const INPUT_KINDS = {
  "sampling/createMessage": "sample",
  "elicitation/create": "elicit",
  "roots/list": "roots",
} as const;
export type InputMethod = keyof typeof INPUT_KINDS;

/**
 * What rides in the signed `requestState` between rounds: the call it belongs to, every answer so
 * far, the request hash behind each key, and the results of `ctx.once` steps. Version 2 (minted
 * now) keeps `fingerprint`s, of the arguments too: the state's MAC covers the call and the stable
 * JSON of its arguments (see invoke.ts), so those fingerprints only word a mismatch. Version 1
 * (minted before) kept SHA-256 digests, which are what bind it; it is still accepted.
 */
export interface ReplayState {
  v: 1 | 2;
  /** `${method}:${name}` of the call this state belongs to. */
  call: string;
  /** The call's arguments: their fingerprint (v2), or the SHA-256 of their stable JSON (v1). */
  args: string | number;
  answers: Record<string, unknown>;
  hashes: Record<string, string | number>;
  steps: Record<string, unknown>;
}

/**
 * Microtask turns without a new request (or `ctx.once` step) after which a round closes. Requests
 * started in parallel reach the replay within a few turns of each other (one per `await` between
 * them); a macrotask (setImmediate) per round cost more than the rest of the replay bookkeeping.
 */
const IDLE_TURNS = 16;
export const REPLAY_MISMATCH_CALL =
  "requestState belongs to a different call (tool or arguments changed); retry the call without it.";

/** A fingerprint is never negative. */
const ARGS_UNSET = -1;
/** Turns are taken on this promise: Node's queueMicrotask allocates ~0.5 KB per turn (bind, resource). */
const RESOLVED = Promise.resolve();

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
  /** Answers for keys not asked yet (a client that predicted a round); made only when there are some. */
  private unsolicited?: Map<string, unknown>;
  /** Answers that arrived in this round (the others were taken from the state of earlier rounds). */
  private readonly fresh = new Set<unknown>();
  /** Ends `drive` with the pending round; set by `drive`, or `roundOver` remembers an early close. */
  private closeRound?: () => void;
  private roundOver = false;
  private readonly args: unknown;
  /** What tells a replayed request from a changed one: the state's own version decides. */
  private readonly digest: (value: unknown) => string | number;
  /** Set once this round has returned: the state is minted, so nothing may change it any more. */
  private closed = false;
  /** Bumped by every request and step, so the round's idle count starts again. */
  private activity = 0;

  constructor(
    call: string,
    args: unknown,
    previous: ReplayState | undefined,
    responses: Record<string, unknown> | undefined,
  ) {
    this.args = args;
    this.digest = previous?.v === 1 ? stableHash : fingerprint;
    // The arguments' hash is needed only to check a previous state or to mint one: a first round
    // that completes (every plain 2026-07-28 call) never computes it.
    if (previous !== undefined && (previous.call !== call || previous.args !== this.digest(args ?? {}))) {
      throw new FastMCPError("REPLAY_MISMATCH", REPLAY_MISMATCH_CALL);
    }
    // The previous state belongs to this run alone (parsed from this request, or handed back whole by
    // the codec that minted it), so its records are taken over rather than copied.
    this.state = {
      v: previous?.v ?? 2,
      call,
      // Set when the first round ends unanswered: a first round that completes (every plain
      // 2026-07-28 call) never computes it.
      args: previous?.args ?? ARGS_UNSET,
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
        this.unsolicited ??= new Map();
        this.unsolicited.set(key, value);
      }
    }
  }

  /**
   * Returns the stored answer for this request, or parks it for the coming round. `key` names the
   * request on the wire instead of the counted `${prefix}-k` (for peers that expect a given key).
   */
  request(method: InputMethod, params: Record<string, unknown>, key?: string): Promise<unknown> {
    key ??= this.nextKey(INPUT_KINDS[method]);
    // After the round the state is minted and may not change; the abandoned run just waits.
    if (this.closed) return new Promise<never>(() => {});
    this.activity++;
    const hash = this.digest({ method, params });
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
    if (this.unsolicited?.has(key) === true) {
      const answer = this.unsolicited.get(key);
      this.state.answers[key] = answer;
      this.fresh.add(answer);
      return Promise.resolve(answer);
    }
    this.pending[key] = { method, params };
    if (this.pendingCount++ === 0) this.closeWhenIdle();
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
    this.activity++;
    if (key in this.state.steps) return this.state.steps[key] as T;
    const value = await step();
    // A step that ends after its round has closed runs again next round (its result missed the state).
    if (this.closed) return value;
    this.activity++;
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
    this.activity++;
    const hash = this.digest(params);
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
    if (this.closed) return { value, fresh: true };
    this.activity++;
    this.state.steps[key] = { h: hash, r: JSON.parse(JSON.stringify(value)) };
    return { value, fresh: true };
  }

  /** Races the tool function against the end of the current round. */
  drive<T>(run: Promise<T>): Promise<ReplayOutcome<T>> {
    // One promise settled by whichever comes first (no Promise.race and its wrappers per round).
    return new Promise((resolve, reject) => {
      const round = () => {
        if (this.closed) return;
        this.closed = true;
        if (this.state.args === ARGS_UNSET) this.state.args = fingerprint(this.args ?? {});
        // Nothing is added to `pending` once the round is closed, so it is handed out as it is.
        resolve({ kind: "input_required", inputRequests: this.pending, state: this.state });
      };
      run.then((value) => {
        if (!this.closed) resolve({ kind: "complete", value });
      }, reject);
      if (this.roundOver) round();
      else this.closeRound = round;
    });
  }

  /** Closes the round once the run has gone IDLE_TURNS microtask turns without a new request or step. */
  private closeWhenIdle(): void {
    let seen = this.activity;
    let idle = 0;
    const tick = () => {
      if (this.closed) return;
      if (this.activity !== seen) {
        seen = this.activity;
        idle = 0;
      } else if (++idle >= IDLE_TURNS) {
        this.roundOver = true;
        this.closeRound?.();
        return;
      }
      void RESOLVED.then(tick);
    };
    void RESOLVED.then(tick);
  }

  private nextKey(prefix: string): string {
    const k = this.counters[prefix] ?? 0;
    this.counters[prefix] = k + 1;
    return keyOf(prefix, k);
  }
}

/**
 * The first keys of each kind, made once: a key built per request is a new string, and every lookup
 * with it (the state's hashes and answers, the pending round) first has to find its internalised copy.
 */
const KEYS = new Map<string, string[]>();
const CACHED_KEYS = 16;
function keyOf(prefix: string, k: number): string {
  if (k >= CACHED_KEYS) return `${prefix}-${k}`;
  let keys = KEYS.get(prefix);
  if (keys === undefined) {
    keys = Array.from({ length: CACHED_KEYS }, (_, i) => `${prefix}-${i}`);
    KEYS.set(prefix, keys);
  }
  return keys[k]!;
}
