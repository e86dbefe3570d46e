import { CreateMessageResultSchema, CreateMessageResultWithToolsSchema } from "@modelcontextprotocol/core";
import {
  type ClientCapabilities,
  MissingRequiredClientCapabilityError,
  ProtocolError,
  SdkError,
  SdkErrorCode,
  type ServerContext,
} from "@modelcontextprotocol/server";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { abortReason, deferredFollower, linkSignals } from "../abort.js";
import { samplingFailureCode } from "../error-codes.js";
import { FastMCPError } from "../errors.js";
import { firstIssue } from "../schema.js";
import type { ReplayRun } from "./replay.js";
import type {
  AnyCreateMessageResult,
  CreateMessageResult,
  ProtocolEra,
  SamplingAnswerer,
  SamplingHandler,
  SamplingParams,
  SamplingToolContext,
} from "./types.js";

// One `sampling/createMessage` round trip, whoever answers it: who answers, the 2026-07-28 replay
// branch, the timeout hint, signal linking, the pending counter, SDK-error translation and the
// check of the client's answer. The request that samples provides a RoundTripHost.

export type SamplingHandlerBehavior = "fallback" | "always";

export const NO_SAMPLING = "Client does not support sampling";
export const NO_SAMPLING_TOOLS = "Client does not support sampling with tools (sampling.tools capability)";
/** Follows the pinned text: how to declare it with our Client (the first thing a user of it needs). */
export const NO_SAMPLING_TOOLS_HINT =
  " — with a fastmcp-ts Client, pass samplingCapabilities: { tools: true } beside the samplingHandler";

/**
 * `_meta` key that carries a sample's `timeoutMs` inside a 2026-07-28 input request. The server is
 * not waiting while the client answers, so it cannot bound the answer itself; our client bounds its
 * handler by this (other clients ignore it).
 */
export const SAMPLE_TIMEOUT_META_KEY = "fastmcp-ts/timeoutMs";

export interface RoundTripOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Forward the answer's text deltas as progress when the server's own handler answers (and streams). */
  streamProgress?: boolean;
}

export interface RoundTrip {
  response: AnyCreateMessageResult;
  via: SamplingAnswerer;
}

/** The server's sampling settings a round trip reads (FastMCP options). */
export interface SamplingPolicy {
  samplingHandler: SamplingHandler | undefined;
  samplingHandlerBehavior: SamplingHandlerBehavior;
  /** Bound on one sample when the caller gives none. */
  sampleTimeoutMs: number;
  /** Counts samples in flight, so tests and operators can see that nothing stays pending. */
  pending: { samples: number };
}

/** Where a call's requests for client input go instead of the wire: a replay run (2026-07-28) or a task's input. */
export type ClientInput = Pick<ReplayRun, "request" | "once" | "isFresh"> &
  Partial<Pick<ReplayRun, "serverAnswer">>;

/** What a round trip needs from the request that samples; the server's request context implements it. */
export interface RoundTripHost {
  readonly era: ProtocolEra;
  /** The request's signal: aborts when the call is cancelled or its client goes away. */
  readonly signal: AbortSignal;
  readonly clientCapabilities: ClientCapabilities | undefined;
  readonly policy: SamplingPolicy;
  /** Set on 2026-07-28 calls (and tasks): client-answered samples become input requests. */
  readonly input: ClientInput | undefined;
  /** The SDK's request: `send` relates a 2025 request to the call that asked. */
  readonly mcpReq: Pick<ServerContext["mcpReq"], "send">;
  /** The server's own handler answers; `fresh` is false for an answer kept from an earlier round. */
  answerOnServer(
    params: SamplingParams,
    signal: AbortSignal,
    options: RoundTripOptions,
  ): Promise<{ response: AnyCreateMessageResult; fresh: boolean }>;
  /** Sees each answer once; returns a promise only when the usage hook made one. */
  noteUsage(response: AnyCreateMessageResult, via: SamplingAnswerer): Promise<void> | undefined;
}

/** What `ctx.sample`, `ctx.sampleStep` and the tool loop need: round trips, and what the LLM's tools run with. */
export interface SamplingHost extends RoundTripHost {
  /** Runs a step once per tool call (kept in the signed replay state on 2026-07-28). */
  once<T>(step: () => T | Promise<T>): Promise<T>;
  /** The `ctx` the LLM's tools get: the calling tool's (restricted under 2026-07-28, see nestedInputError). */
  toolContext(): SamplingToolContext;
}

/** One `sampling/createMessage` round trip: the building block of `ctx.sample` and the tool loop. */
export async function roundTrip(
  host: RoundTripHost,
  params: SamplingParams,
  options: RoundTripOptions = {},
): Promise<RoundTrip> {
  const { policy } = host;
  const withTools = params.tools !== undefined || params.toolChoice !== undefined;
  const via = chooseAnswerer({
    behavior: policy.samplingHandlerBehavior,
    hasServerHandler: policy.samplingHandler !== undefined,
    clientCapabilities: host.clientCapabilities,
    needsTools: withTools,
    era: host.era,
  });
  const input = host.input;
  if (via === "client" && input !== undefined) {
    const hinted = withTimeoutHint(params, options.timeoutMs);
    const answer = await input.request("sampling/createMessage", hinted as Record<string, unknown>);
    const response = checkClientAnswer(answer, withTools);
    // An answer from an earlier round was counted in that round. Awaited only when the hook made a
    // promise: `await undefined` would cost a microtask on every round.
    const noted = input.isFresh(answer) ? host.noteUsage(response, via) : undefined;
    if (noted !== undefined) await noted;
    return { response, via };
  }
  const timeoutMs = options.timeoutMs ?? policy.sampleTimeoutMs;
  // Hot path: a client-answered sample without its own signal needs no linked signal (on Node 20 an
  // AbortController costs microseconds plus GC); the request's signal and the SDK's timeout do the job.
  const linked =
    via === "client" && options.signal === undefined
      ? undefined
      : linkSignals([host.signal, options.signal], timeoutMs, `Sampling timed out after ${timeoutMs} ms`);
  const signal = linked?.signal ?? host.signal;
  policy.pending.samples++;
  try {
    if (via === "server") {
      const answered = await host.answerOnServer(params, signal, options);
      // An answer kept from an earlier round was counted in that round.
      const noted = answered.fresh ? host.noteUsage(answered.response, via) : undefined;
      if (noted !== undefined) await noted;
      return { response: answered.response, via };
    }
    // mcpReq.send relates the request to the tools/call, so on HTTP it rides that POST's SSE stream
    // (never the optional GET stream); the reply is validated once, by our result schema.
    // The request's own signal is followed without an abort listener on it for a quick answer
    // (abort.ts deferredFollower); a linked signal is ours alone, listened on at once.
    const response = await host.mcpReq.send(
      { method: "sampling/createMessage", params },
      withTools ? SAMPLING_RESULT_WITH_TOOLS : SAMPLING_RESULT,
      linked === undefined
        ? { signal: deferredFollower(signal), timeout: timeoutMs }
        : { signal, timeout: timeoutMs + 1_000 },
    );
    // Awaited only when the hook made a promise: an await per sample costs a microtask on the hot path.
    const noted = host.noteUsage(response, via);
    if (noted !== undefined) await noted;
    return { response, via };
  } catch (error) {
    throw translateFailure(error, signal, timeoutMs);
  } finally {
    policy.pending.samples--;
    linked?.dispose();
  }
}

/** The SDK's errors as the tool should see them. */
function translateFailure(error: unknown, signal: AbortSignal, timeoutMs: number): unknown {
  if (signal.aborted) return abortReason(signal);
  if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout) {
    return new FastMCPError("TIMEOUT", `Sampling timed out after ${timeoutMs} ms`, { cause: error });
  }
  if (error instanceof SdkError && error.code === SdkErrorCode.InvalidResult) {
    const detail = error.message.replace(/^Invalid result for [^:]+: /, "");
    return new FastMCPError("INVALID_RESULT", invalidAnswer(detail), { cause: error });
  }
  // The client's JSON-RPC error (its handler threw or declined) is the tool's failure, not a
  // wire error of this tools/call: left a ProtocolError, the tools/call handler would rethrow it.
  if (error instanceof ProtocolError)
    return new FastMCPError(samplingFailureCode(error.data), error.message, { cause: error });
  return error;
}

export interface DispatchInput {
  behavior: SamplingHandlerBehavior;
  hasServerHandler: boolean;
  clientCapabilities: ClientCapabilities | undefined;
  needsTools: boolean;
  era: ProtocolEra;
}

/**
 * Who answers a sample: "always" → the server's handler; "fallback" → the client when it declared
 * sampling (and sampling.tools when tools are given), else the server's handler, else an error.
 * On 2026-07-28 the error is the spec's -32021 so the client learns which capability to declare.
 */
export function chooseAnswerer(input: DispatchInput): SamplingAnswerer {
  if (input.behavior === "always") return "server";
  const sampling = input.clientCapabilities?.sampling;
  const clientCan = sampling !== undefined && (!input.needsTools || sampling.tools !== undefined);
  if (clientCan) return "client";
  if (input.hasServerHandler) return "server";
  const missingTools = sampling !== undefined && input.needsTools;
  if (input.era === "modern") {
    const required = missingTools ? { sampling: { tools: {} } } : { sampling: {} };
    throw new MissingRequiredClientCapabilityError(
      { requiredCapabilities: required },
      missingTools ? NO_SAMPLING_TOOLS + NO_SAMPLING_TOOLS_HINT : NO_SAMPLING,
    );
  }
  throw new FastMCPError(
    "CAPABILITY_MISSING",
    missingTools ? NO_SAMPLING_TOOLS + NO_SAMPLING_TOOLS_HINT : NO_SAMPLING,
  );
}

function withTimeoutHint(params: SamplingParams, timeoutMs: number | undefined): SamplingParams {
  if (timeoutMs === undefined) return params;
  return { ...params, _meta: { ...params._meta, [SAMPLE_TIMEOUT_META_KEY]: timeoutMs } };
}

/** The bound hinted in a request's `_meta`, when it is a usable number of milliseconds. */
export function timeoutHintOf(meta: object | undefined): number | undefined {
  const value = (meta as Record<string, unknown> | undefined)?.[SAMPLE_TIMEOUT_META_KEY];
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

const ANSWER_KEYS = new Set(["role", "content", "model", "stopReason"]);

/**
 * The common answer (one text block, nothing else) checked by hand: every value accepted here is valid
 * under both result schemas, and skipping the schema walk saves ~10 µs per sample on the hot path.
 * Anything else goes through the schema, which also words the error.
 */
function isPlainTextAnswer(value: unknown): value is CreateMessageResult {
  if (typeof value !== "object" || value === null) return false;
  const answer = value as Record<string, unknown>;
  for (const key in answer) if (!ANSWER_KEYS.has(key)) return false;
  const content = answer.content as Record<string, unknown> | null;
  if (typeof content !== "object" || content === null || Array.isArray(content)) return false;
  for (const key in content) if (key !== "type" && key !== "text") return false;
  return (
    (answer.role === "assistant" || answer.role === "user") &&
    typeof answer.model === "string" &&
    (answer.stopReason === undefined || typeof answer.stopReason === "string") &&
    content.type === "text" &&
    typeof content.text === "string"
  );
}

/**
 * Checks a client's answer as it came off the wire (no string shorthand there): the plain text
 * answer by hand, anything else against the result schema for a request with or without tools.
 */
export function checkWireResult(
  value: unknown,
  withTools: boolean,
): { ok: true; value: AnyCreateMessageResult } | { ok: false; issue: string; where: string } {
  if (isPlainTextAnswer(value)) return { ok: true, value };
  // A result with array content or tool blocks is valid only when tools were offered.
  const schema = withTools ? CreateMessageResultWithToolsSchema : CreateMessageResultSchema;
  const parsed = schema.safeParse(value);
  // Keep the answer's own object (extra fields such as _meta included), not zod's copy.
  if (parsed.success) return { ok: true, value: value as AnyCreateMessageResult };
  const issue = firstIssue(parsed.error);
  return { ok: false, issue: issue.message ?? "unknown problem", where: issue.at };
}

/** A client's answer that came back through a 2026-07-28 round (no SDK schema saw it). */
function checkClientAnswer(answer: unknown, withTools: boolean): AnyCreateMessageResult {
  const checked = checkWireResult(answer, withTools);
  if (!checked.ok)
    throw new FastMCPError("INVALID_RESULT", invalidAnswer(`${checked.issue}${checked.where}`));
  return checked.value;
}

function invalidAnswer(detail: string): string {
  return `The client answered sampling with an invalid result: ${detail}`;
}

/**
 * The result schema handed to `mcpReq.send` for `sampling/createMessage`: the SDK validates a
 * reply once, with this. The common plain-text answer is checked by hand (no zod walk on the hot
 * path); anything else against the spec schema for a request with or without tools.
 */
function samplingResultSchema(withTools: boolean): StandardSchemaV1<unknown, AnyCreateMessageResult> {
  return {
    "~standard": {
      version: 1,
      vendor: "fastmcp-ts",
      validate(value) {
        const checked = checkWireResult(value, withTools);
        return checked.ok
          ? { value: checked.value }
          : { issues: [{ message: `${checked.issue}${checked.where}` }] };
      },
    },
  };
}

const SAMPLING_RESULT = samplingResultSchema(false);
const SAMPLING_RESULT_WITH_TOOLS = samplingResultSchema(true);
