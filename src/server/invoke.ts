import {
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  type InputRequiredResult,
  inputRequired,
  ProtocolError,
  ProtocolErrorCode,
  type RequestStateCodec,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { FastMCPError } from "../errors.js";
import { ReplayRun, type ReplayState } from "../sampling/replay.js";
import type { ProtocolEra } from "../sampling/types.js";
import { Context, type ServerRuntime } from "./context.js";

export interface InvokeInput<T> {
  sdk: ServerContext;
  era: ProtocolEra;
  runtime: ServerRuntime;
  legacyCapabilities: () => ClientCapabilities | undefined;
  codec: RequestStateCodec<ReplayState>;
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
export async function invokeWithContext<T>(
  input: InvokeInput<T>,
): Promise<{ complete: T } | { inputRequired: InputRequiredResult }> {
  const { sdk, era, runtime } = input;
  const clientCapabilities = clientCapabilitiesOf(sdk, era, input.legacyCapabilities);
  if (era === "legacy") {
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
  const previous = readState(sdk);
  let replay: ReplayRun;
  try {
    replay = new ReplayRun(input.call, input.args, previous, sdk.mcpReq.inputResponses);
  } catch (error) {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, (error as Error).message);
  }
  const round = new RoundSignal(sdk.mcpReq.signal);
  try {
    const ctx = new Context({
      sdk,
      era,
      runtime,
      clientCapabilities,
      // Made on first use: most tools never look at ctx.signal, and an AbortController plus its
      // listener on the request's signal, per round, was a measurable part of a 2026-07-28 round.
      get signal() {
        return round.signal;
      },
      set signal(signal: AbortSignal) {
        round.replace(signal); // ctx.detach(): the task's signal from then on
      },
      replay,
      call: input.call,
    });
    const outcome = await replay.drive(input.run(ctx));
    if (outcome.kind === "complete") return { complete: outcome.value };
    // The abandoned run waits on requests that will never be answered here; let it stop early.
    round.end();
    const requestState = await input.codec.mint(outcome.state, sdk);
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

/**
 * A round's signal: aborts when the request's does, or with ROUND_ENDED once the round is over.
 * The controller exists only once someone asks for the signal.
 */
class RoundSignal {
  private controller?: AbortController;
  private replaced?: AbortSignal;
  private ended = false;
  private readonly forward = () => this.controller?.abort(this.request.reason);

  constructor(private readonly request: AbortSignal) {}

  get signal(): AbortSignal {
    if (this.replaced !== undefined) return this.replaced;
    if (this.controller === undefined) {
      const controller = new AbortController();
      this.controller = controller;
      if (this.ended) controller.abort(ROUND_ENDED);
      else if (this.request.aborted) controller.abort(this.request.reason);
      else this.request.addEventListener("abort", this.forward, { once: true });
    }
    return this.controller.signal;
  }

  replace(signal: AbortSignal): void {
    this.replaced = signal;
  }

  end(): void {
    this.ended = true;
    this.controller?.abort(ROUND_ENDED);
  }

  dispose(): void {
    if (this.controller !== undefined) this.request.removeEventListener("abort", this.forward);
  }
}

function readState(sdk: ServerContext): ReplayState | undefined {
  const state = sdk.mcpReq.requestState<ReplayState | string>();
  if (state === undefined) return undefined;
  if (typeof state !== "object" || state === null || state.v !== 1) {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, "Invalid or expired requestState");
  }
  return state;
}
