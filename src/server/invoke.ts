import {
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  type InputRequiredResult,
  inputRequired,
  ProtocolError,
  ProtocolErrorCode,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { FastMCPError } from "../errors.js";
import { REPLAY_MISMATCH_CALL, ReplayRun, type ReplayState } from "../sampling/replay.js";
import type { ClientInput } from "../sampling/round-trip.js";
import { fingerprint, stableStringify } from "../sampling/stable-hash.js";
import type { StateCodec } from "../sampling/state-codec.js";
import type { ProtocolEra } from "../sampling/types.js";
import { Context, type ContextInit, type ServerRuntime } from "./context.js";

export interface InvokeInput<T> {
  sdk: ServerContext;
  era: ProtocolEra;
  runtime: ServerRuntime;
  legacyCapabilities: () => ClientCapabilities | undefined;
  codec: StateCodec<ReplayState>;
  /** `tools/call:name`, `prompts/get:name`, `resources/read:uri` — what a request state is bound to. */
  call: string;
  args: unknown;
  run: (ctx: Context) => Promise<T>;
}

export function clientCapabilitiesOf(
  sdk: ServerContext,
  era: ProtocolEra,
  legacy: () => ClientCapabilities | undefined,
): ClientCapabilities | undefined {
  if (era === "legacy") return legacy();
  return sdk.mcpReq.envelope?.[CLIENT_CAPABILITIES_META_KEY as never] as ClientCapabilities | undefined;
}

/** One shared reason: an Error per round costs a stack capture (~10 µs) and nobody inspects its stack. */
const ROUND_ENDED = new FastMCPError("CANCELLED", "Round ended: waiting for the client's input");

/**
 * Runs a handler with its Context. On 2025 sessions it simply runs. On 2026-07-28 it runs under
 * replay: either it completes, or it returns one `input_required` round with the signed state.
 */
export function invokeWithContext<T>(
  input: InvokeInput<T>,
): Promise<{ complete: T } | { inputRequired: InputRequiredResult }> {
  const clientCapabilities = clientCapabilitiesOf(input.sdk, input.era, input.legacyCapabilities);
  // Two functions, so a 2025 call pays for none of the replay's locals.
  return input.era === "legacy"
    ? runDirect(input, clientCapabilities)
    : runReplayed(input, clientCapabilities);
}

async function runDirect<T>(
  input: InvokeInput<T>,
  clientCapabilities: ClientCapabilities | undefined,
): Promise<{ complete: T }> {
  const { sdk, era, runtime } = input;
  const ctx = new Context({
    sdk,
    era,
    runtime,
    clientCapabilities,
    signal: sdk.mcpReq.signal,
    call: input.call,
  });
  return { complete: await input.run(ctx) };
}

async function runReplayed<T>(
  input: InvokeInput<T>,
  clientCapabilities: ClientCapabilities | undefined,
): Promise<{ complete: T } | { inputRequired: InputRequiredResult }> {
  const { sdk, runtime, codec } = input;
  // What the state's MAC binds it to (this call and its arguments): made only to read or mint a state.
  let binding: string | undefined;
  let previous: ReplayState | undefined;
  const raw = sdk.mcpReq.requestState<unknown>();
  if (raw !== undefined) {
    binding = bindingOf(input);
    const verified = readState(raw, sdk, codec, binding, input);
    previous = verified instanceof Promise ? await verified : verified;
  }
  let replay: ReplayRun;
  try {
    replay = new ReplayRun(input.call, input.args, previous, sdk.mcpReq.inputResponses);
  } catch (error) {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, (error as Error).message);
  }
  // One object is the round's Context init and its signal: no accessor closures per round.
  const round = new RoundInit(sdk, runtime, clientCapabilities, replay, input.call);
  try {
    const ctx = new Context(round);
    const outcome = await replay.drive(input.run(ctx));
    if (outcome.kind === "complete") return { complete: outcome.value };
    // The abandoned run waits on requests that will never be answered here; let it stop early.
    round.end();
    const requestState = codec.mint(outcome.state, sdk, binding ?? bindingOf(input));
    return {
      inputRequired: inputRequired({
        inputRequests: outcome.inputRequests,
        requestState,
      } as Parameters<typeof inputRequired>[0]),
    };
  } finally {
    round.dispose();
  }
}

function bindingOf(input: InvokeInput<unknown>): string {
  return `${input.call}\n${stableStringify(input.args ?? {})}`;
}

/**
 * A 2026-07-28 round's Context init. Its signal aborts when the request's does, or with ROUND_ENDED
 * once the round is over, and is made on first use: most tools never look at ctx.signal, and an
 * AbortController plus its listener on the request's signal, per round, was a measurable part of a
 * round. `ctx.detach()` assigns the task's signal, which is the signal from then on.
 */
class RoundInit implements ContextInit {
  readonly era = "modern" as const;
  private controller?: AbortController;
  private forward?: () => void;
  private replaced?: AbortSignal;
  private ended = false;

  constructor(
    readonly sdk: ServerContext,
    readonly runtime: ServerRuntime,
    readonly clientCapabilities: ClientCapabilities | undefined,
    public replay: ClientInput | undefined,
    readonly call: string,
  ) {}

  get signal(): AbortSignal {
    if (this.replaced !== undefined) return this.replaced;
    if (this.controller === undefined) {
      const controller = new AbortController();
      this.controller = controller;
      const request = this.sdk.mcpReq.signal;
      if (this.ended) controller.abort(ROUND_ENDED);
      else if (request.aborted) controller.abort(request.reason);
      else {
        this.forward = () => controller.abort(request.reason);
        request.addEventListener("abort", this.forward, { once: true });
      }
    }
    return this.controller.signal;
  }

  set signal(signal: AbortSignal) {
    this.replaced = signal;
  }

  end(): void {
    this.ended = true;
    this.controller?.abort(ROUND_ENDED);
  }

  dispose(): void {
    if (this.forward !== undefined) this.sdk.mcpReq.signal.removeEventListener("abort", this.forward);
  }
}

const INVALID_STATE = "Invalid or expired requestState";

/**
 * The request's state, verified for this call. Every refusal (forged, expired, another caller's,
 * used before) is the same -32602 the SDK's own requestState hook answers; a genuine-looking state
 * of another call or other arguments says so (REPLAY_MISMATCH's text).
 */
function readState(
  raw: unknown,
  sdk: ServerContext,
  codec: StateCodec<ReplayState>,
  binding: string,
  input: InvokeInput<unknown>,
): ReplayState | Promise<ReplayState> {
  if (typeof raw !== "string") throw invalidState();
  let state: ReplayState | Promise<ReplayState>;
  try {
    state = codec.verify(raw, sdk, binding);
  } catch (error) {
    throw refusal(error, codec.peek(raw), input.call, input.args);
  }
  if (state instanceof Promise) {
    return state.then(checkVersion, (error) =>
      Promise.reject(refusal(error, codec.peek(raw), input.call, input.args)),
    );
  }
  return checkVersion(state);
}

function checkVersion(state: ReplayState): ReplayState {
  if (typeof state !== "object" || state === null || (state.v !== 1 && state.v !== 2)) throw invalidState();
  return state;
}

/** A MAC that fails on a state naming another call or other arguments is that, not a forgery to report. */
function refusal(error: unknown, peeked: unknown, call: string, args: unknown): ProtocolError {
  if ((error as Error | undefined)?.message === "mac" && isReplayState(peeked) && peeked.v === 2) {
    if (peeked.call !== call || peeked.args !== fingerprint(args ?? {})) {
      return new ProtocolError(ProtocolErrorCode.InvalidParams, REPLAY_MISMATCH_CALL);
    }
  }
  return invalidState();
}

function isReplayState(value: unknown): value is ReplayState {
  return typeof value === "object" && value !== null && "call" in value && "args" in value;
}

function invalidState(): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.InvalidParams, INVALID_STATE, {
    reason: "invalid_request_state",
  });
}
