import {
  type AuthInfo,
  type ClientCapabilities,
  type ElicitRequestFormParams,
  type ElicitResult,
  type ListRootsResult,
  type LoggingLevel,
  ProtocolError,
  SdkError,
  SdkErrorCode,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { abortReason, linkSignals } from "../abort.js";
import { samplingFailureCode } from "../error-codes.js";
import { FastMCPError } from "../errors.js";
import { chooseAnswerer, type SamplingHandlerBehavior } from "../sampling/dispatch.js";
import { type AnyCreateMessageResult, checkWireResult } from "../sampling/handler.js";
import type { CreateMessageOptions, SamplingHost } from "../sampling/host.js";
import type { ReplayRun } from "../sampling/replay.js";
import { type SampleInput, samplePlain } from "../sampling/sample.js";
import { sampleStep } from "../sampling/sample-step.js";
import { withTimeoutHint } from "../sampling/timeout-hint.js";
import { sampleWithTools } from "../sampling/tool-loop.js";
import type {
  SampleOptions,
  SampleStep,
  SampleStepOptions,
  SamplingHandler,
  SamplingParams,
  SamplingResult,
} from "../sampling/types.js";
import type { UsageHook } from "../sampling/usage.js";
import { SAMPLING_RESULT, SAMPLING_RESULT_WITH_TOOLS } from "../sampling/wire-result.js";
import { takeDetachHook } from "../tasks/detach-hooks.js";
import { checkElicitAnswer, checkRootsAnswer } from "./input-answers.js";
import type { PrincipalOf } from "./principal.js";
import { sampleProgressForwarder } from "./sample-progress.js";
import type { SamplingBudget } from "./sampling-budget.js";
import { answerOnServer } from "./server-sample.js";
import { reportUsage } from "./usage-report.js";

/** What a request's Context needs from the server that owns it. */
export interface ServerRuntime {
  name: string;
  samplingHandler: SamplingHandler | undefined;
  samplingHandlerBehavior: SamplingHandlerBehavior;
  /** Bound on one sample when the caller gives none. */
  sampleTimeoutMs: number;
  maskErrorDetails: boolean;
  /** Counts samples in flight, so tests and operators can see that nothing stays pending. */
  pending: { samples: number };
  /** Sees every sample's answer once (FastMCP option `onUsage`). */
  onUsage?: UsageHook;
  /** Forward server-answered samples' text deltas as progress (FastMCP option `streamSampleProgress`). */
  streamSampleProgress?: boolean;
  /** Names the caller (FastMCP option `principal`). */
  principal?: PrincipalOf;
  /** Send the server's LLM errors to the client in full (FastMCP option `exposeProviderErrors`). */
  exposeProviderErrors?: boolean;
  /** Asked before the server's own handler answers a sample (FastMCP option `samplingBudget`). */
  samplingBudget?: SamplingBudget;
}

export type ProtocolEraName = "legacy" | "modern";

export interface ContextInit {
  sdk: ServerContext;
  era: ProtocolEraName;
  runtime: ServerRuntime;
  clientCapabilities: ClientCapabilities | undefined;
  signal: AbortSignal;
  /** Where requests for client input go: a replay run (2026-07-28 rounds) or a task's input. */
  replay?: Pick<ReplayRun, "request" | "once" | "isFresh"> & Partial<Pick<ReplayRun, "serverAnswer">>;
  /** `tools/call:name` and friends: what asked (for `onUsage`). */
  call?: string;
}

/** Handed to every tool, resource and prompt: sampling, logging, progress and request facts. */
export class Context implements SamplingHost {
  constructor(private readonly init: ContextInit) {}

  get requestId() {
    return this.init.sdk.mcpReq.id;
  }
  /** Aborts when the client cancels the call or goes away. */
  get signal(): AbortSignal {
    return this.init.signal;
  }
  /** `legacy` for 2025-era sessions, `modern` for 2026-07-28 requests. */
  get era(): ProtocolEraName {
    return this.init.era;
  }
  get clientCapabilities(): ClientCapabilities | undefined {
    return this.init.clientCapabilities;
  }
  get sessionId(): string | undefined {
    return this.init.sdk.sessionId;
  }
  /** The verified credentials of an authenticated HTTP request (the HTTP server's `auth` option). */
  get auth(): AuthInfo | undefined {
    return this.init.sdk.http?.authInfo;
  }

  /** Asks an LLM for a completion: the client's, or the server's own handler (see `samplingHandlerBehavior`). */
  sample(input: SampleInput, options?: SampleOptions<undefined>): Promise<SamplingResult<string>>;
  sample<R>(input: SampleInput, options: SampleOptions<R> & { result: object }): Promise<SamplingResult<R>>;
  sample(input: SampleInput, options?: SampleOptions<unknown>): Promise<SamplingResult<unknown>>;
  sample(input: SampleInput, options: SampleOptions<unknown> = {}): Promise<SamplingResult<unknown>> {
    if (options.tools !== undefined || options.result !== undefined || options.toolChoice !== undefined) {
      return sampleWithTools(this, this, input, this.withMaskDefault(options));
    }
    return samplePlain(this, input, options);
  }

  /** One LLM request (and, by default, the tools it called) for loops written by hand; pass the full history each time. */
  sampleStep(input: SampleInput, options: SampleStepOptions = {}): Promise<SampleStep> {
    return sampleStep(this, this, input, this.withMaskDefault(options));
  }

  // Sampling tools' error texts go to the LLM: masked as the server's own tool errors are, unless told.
  private withMaskDefault<O extends { maskErrorDetails?: boolean }>(options: O): O {
    return { ...options, maskErrorDetails: options.maskErrorDetails ?? this.init.runtime.maskErrorDetails };
  }

  /** One `sampling/createMessage` round trip; the building block of `sample` and the tool loop. */
  async createMessage(
    params: SamplingParams,
    options: CreateMessageOptions = {},
  ): Promise<{ response: AnyCreateMessageResult; via: "client" | "server" }> {
    const { runtime } = this.init;
    const withTools = params.tools !== undefined || params.toolChoice !== undefined;
    const via = chooseAnswerer({
      behavior: runtime.samplingHandlerBehavior,
      hasServerHandler: runtime.samplingHandler !== undefined,
      clientCapabilities: this.init.clientCapabilities,
      needsTools: withTools,
      era: this.init.era,
    });
    const replay = this.init.replay;
    if (via === "client" && replay !== undefined) {
      const hinted = withTimeoutHint(params, options.timeoutMs);
      const answer = await replay.request("sampling/createMessage", hinted as Record<string, unknown>);
      const response = validateClientAnswer(answer, withTools);
      // An answer from an earlier round was counted in that round.
      if (replay.isFresh(answer)) await this.noteUsage(response, via);
      return { response, via };
    }
    const timeoutMs = options.timeoutMs ?? runtime.sampleTimeoutMs;
    // Hot path: a client-answered sample without its own signal needs no linked signal (on Node 20 an
    // AbortController costs microseconds plus GC); the request's signal and the SDK's timeout do the job.
    const linked =
      via === "client" && options.signal === undefined
        ? undefined
        : linkSignals(
            [this.init.signal, options.signal],
            timeoutMs,
            `Sampling timed out after ${timeoutMs} ms`,
          );
    const signal = linked?.signal ?? this.init.signal;
    runtime.pending.samples++;
    try {
      if (via === "server") {
        const onToken = sampleProgressForwarder(
          this.init.sdk,
          options.streamProgress ?? runtime.streamSampleProgress === true,
        );
        const context = {
          requestId: this.requestId,
          signal,
          side: "server" as const,
          serverName: runtime.name,
          ...(onToken !== undefined && { onToken }),
        };
        const { sdk, call } = this.init;
        const auth = sdk.http?.authInfo;
        const answered = await answerOnServer({ runtime, params, context, signal, replay, auth, call });
        // An answer kept from an earlier round was counted in that round.
        const noted = answered.fresh ? this.noteUsage(answered.response, via) : undefined;
        if (noted !== undefined) await noted;
        return { response: answered.response, via };
      }
      // mcpReq.send relates the request to the tools/call, so on HTTP it rides that POST's SSE stream
      // (never the optional GET stream); the reply is validated once, by our result schema.
      const response = await this.init.sdk.mcpReq.send(
        { method: "sampling/createMessage", params },
        withTools ? SAMPLING_RESULT_WITH_TOOLS : SAMPLING_RESULT,
        { signal, timeout: linked === undefined ? timeoutMs : timeoutMs + 1_000 },
      );
      // Awaited only when the hook made a promise: an await per sample costs a microtask on the hot path.
      const noted = this.noteUsage(response, via);
      if (noted !== undefined) await noted;
      return { response, via };
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout) {
        throw new FastMCPError("TIMEOUT", `Sampling timed out after ${timeoutMs} ms`, { cause: error });
      }
      if (error instanceof SdkError && error.code === SdkErrorCode.InvalidResult) {
        const detail = error.message.replace(/^Invalid result for [^:]+: /, "");
        throw new FastMCPError("INVALID_RESULT", invalidAnswer(detail), { cause: error });
      }
      // The client's JSON-RPC error (its handler threw or declined) is the tool's failure, not a
      // wire error of this tools/call: left a ProtocolError, the tools/call handler would rethrow it.
      if (error instanceof ProtocolError)
        throw new FastMCPError(samplingFailureCode(error.data), error.message, { cause: error });
      throw error;
    } finally {
      runtime.pending.samples--;
      linked?.dispose();
    }
  }

  private noteUsage(response: AnyCreateMessageResult, via: "client" | "server"): Promise<void> | undefined {
    const { runtime, sdk, era, call } = this.init;
    if (runtime.onUsage === undefined) return undefined;
    const source = {
      call,
      requestId: sdk.mcpReq.id,
      sessionId: sdk.sessionId,
      auth: sdk.http?.authInfo,
      era,
    };
    return reportUsage(runtime.onUsage, source, response, via, runtime.principal);
  }

  /**
   * In a `task: "detach"` tool, on 2026-07-28, for a client that declared the tasks extension: ends
   * the call with a task and goes on as that task (no more replay rounds; `tasks/cancel` aborts
   * `ctx.signal`). Elsewhere it does nothing and the call goes on as it was.
   */
  async detach(): Promise<void> {
    const hook = takeDetachHook(this);
    if (hook === undefined) return;
    const { input, signal } = await hook();
    this.init.replay = input;
    this.init.signal = signal;
  }

  /**
   * Runs `step` once per tool call. Under 2026-07-28 a tool is replayed on every round; its result
   * is kept in the signed request state so the step is not repeated. On 2025 sessions it just runs.
   */
  once<T>(step: () => T | Promise<T>): Promise<T> {
    const replay = this.init.replay;
    return replay === undefined ? Promise.resolve().then(step) : replay.once(step);
  }

  /**
   * Asks the user for input through the client (form elicitation). `key` names the request in a
   * 2026-07-28 input_required round (default `elicit-k`).
   */
  async elicit(params: ElicitRequestFormParams, options: { key?: string } = {}): Promise<ElicitResult> {
    const replay = this.init.replay;
    if (replay !== undefined) {
      const answer = await replay.request("elicitation/create", { mode: "form", ...params }, options.key);
      return checkElicitAnswer(answer, params);
    }
    return this.init.sdk.mcpReq.send({ method: "elicitation/create", params }, { signal: this.signal });
  }

  /** Lists the client's roots. */
  async listRoots(): Promise<ListRootsResult> {
    const replay = this.init.replay;
    if (replay !== undefined) return checkRootsAnswer(await replay.request("roots/list", {}));
    return this.init.sdk.mcpReq.send({ method: "roots/list" }, { signal: this.signal });
  }

  /** Sends a log message to the client (filtered by the level the client asked for). */
  async log(level: LoggingLevel, message: string, data?: unknown): Promise<void> {
    const payload = data === undefined ? message : { message, data };
    await this.init.sdk.mcpReq.log(level, payload, this.init.runtime.name).catch(() => undefined);
  }
  debug(message: string, data?: unknown) {
    return this.log("debug", message, data);
  }
  info(message: string, data?: unknown) {
    return this.log("info", message, data);
  }
  warning(message: string, data?: unknown) {
    return this.log("warning", message, data);
  }
  error(message: string, data?: unknown) {
    return this.log("error", message, data);
  }

  /** Reports progress when the client asked for it (sent a progress token); otherwise does nothing. */
  async reportProgress(progress: number, total?: number, message?: string): Promise<void> {
    const progressToken = this.init.sdk.mcpReq._meta?.progressToken;
    if (progressToken === undefined) return;
    const params: Record<string, unknown> = { progressToken, progress };
    if (total !== undefined) params.total = total;
    if (message !== undefined) params.message = message;
    await this.init.sdk.mcpReq
      .notify({ method: "notifications/progress", params } as Parameters<
        ServerContext["mcpReq"]["notify"]
      >[0])
      .catch(() => undefined);
  }
}

function validateClientAnswer(answer: unknown, withTools: boolean): AnyCreateMessageResult {
  const checked = checkWireResult(answer, withTools);
  if (!checked.ok)
    throw new FastMCPError("INVALID_RESULT", invalidAnswer(`${checked.issue}${checked.where}`));
  return checked.value;
}

function invalidAnswer(detail: string): string {
  return `The client answered sampling with an invalid result: ${detail}`;
}
