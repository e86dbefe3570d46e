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
  const controller = new AbortController();
  const forward = () => controller.abort(sdk.mcpReq.signal.reason);
  sdk.mcpReq.signal.addEventListener("abort", forward, { once: true });
  try {
    const ctx = new Context({
      sdk,
      era,
      runtime,
      clientCapabilities,
      signal: controller.signal,
      replay,
      call: input.call,
    });
    const outcome = await replay.drive(input.run(ctx));
    if (outcome.kind === "complete") return { complete: outcome.value };
    // The abandoned run waits on requests that will never be answered here; let it stop early.
    controller.abort(ROUND_ENDED);
    const inputRequests = Object.fromEntries(
      Object.entries(outcome.inputRequests).map(([key, request]) => [key, request]),
    );
    const requestState = await input.codec.mint(outcome.state, sdk);
    return {
      inputRequired: inputRequired({ inputRequests, requestState } as Parameters<typeof inputRequired>[0]),
    };
  } finally {
    sdk.mcpReq.signal.removeEventListener("abort", forward);
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
