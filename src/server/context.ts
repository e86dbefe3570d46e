import type {
  AuthInfo,
  ClientCapabilities,
  ElicitRequestFormParams,
  ElicitResult,
  ListRootsResult,
  LoggingLevel,
  ServerContext,
} from "@modelcontextprotocol/server";
import { raceAbort } from "../abort.js";
import { runSamplingHandler } from "../sampling/handler.js";
import type { ClientInput, RoundTripOptions, SamplingHost, SamplingPolicy } from "../sampling/round-trip.js";
import { samplePlain, sampleStep, sampleWithTools } from "../sampling/sample.js";
import { nestedInputError } from "../sampling/sampling-tools.js";
import type {
  AnyCreateMessageResult,
  ProtocolEra,
  RequestContext,
  SampleInput,
  SampleOptions,
  SampleStep,
  SampleStepOptions,
  SamplingAnswerer,
  SamplingParams,
  SamplingResult,
  SamplingToolContext,
  UsageHook,
} from "../sampling/types.js";
import { usageFromMeta } from "../sampling/usage.js";
import { takeDetachHook } from "../tasks/detach-hooks.js";
import { checkElicitAnswer, checkRootsAnswer } from "./input-answers.js";
import { type PrincipalOf, principalOf } from "./principal.js";
import { sampleProgressForwarder } from "./sample-progress.js";
import type { SamplingBudget } from "./sampling-budget.js";
import { reportUsage } from "./usage-report.js";

/** What a request's Context needs from the server that owns it. */
export interface ServerRuntime extends SamplingPolicy {
  name: string;
  maskErrorDetails: boolean;
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

export interface ContextInit {
  sdk: ServerContext;
  era: ProtocolEra;
  runtime: ServerRuntime;
  clientCapabilities: ClientCapabilities | undefined;
  signal: AbortSignal;
  /** Where requests for client input go: a replay run (2026-07-28 rounds) or a task's input. */
  replay?: ClientInput;
  /** `tools/call:name` and friends: what asked (for `onUsage`). */
  call?: string;
}

/** The sampling host of a request's Context, for tests that send raw `sampling/createMessage` params. */
export let samplingHostOf: (ctx: Context) => SamplingHost;

/**
 * Handed to every tool, resource and prompt: sampling, logging, progress and request facts. It is
 * the user's façade; the sampling round trip runs in sampling/ against this request's RequestHost.
 */
export class Context implements SamplingToolContext {
  private samplingHost: RequestHost | undefined;

  /** `nested`: the context of a sampling tool under 2026-07-28, whose input requests cannot be replayed. */
  constructor(
    private readonly init: ContextInit,
    private readonly nested = false,
  ) {}

  static {
    // The one way in from outside this class (tests sending raw params); not part of the package API.
    samplingHostOf = (ctx) => ctx.host;
  }

  private get host(): RequestHost {
    this.samplingHost ??= new RequestHost(this.init, this);
    return this.samplingHost;
  }

  get requestId() {
    return this.init.sdk.mcpReq.id;
  }
  /** Aborts when the client cancels the call or goes away. */
  get signal(): AbortSignal {
    return this.init.signal;
  }
  /** `legacy` for 2025-era sessions, `modern` for 2026-07-28 requests. */
  get era(): ProtocolEra {
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
  sample(input: SampleInput, options?: SampleOptions<undefined, Context>): Promise<SamplingResult<string>>;
  sample<R>(
    input: SampleInput,
    options: SampleOptions<R, Context> & { result: object },
  ): Promise<SamplingResult<R>>;
  sample(input: SampleInput, options?: SampleOptions<unknown, Context>): Promise<SamplingResult<unknown>>;
  sample(
    input: SampleInput,
    options: SampleOptions<unknown, Context> = {},
  ): Promise<SamplingResult<unknown>> {
    if (this.nested) return Promise.reject(nestedInputError("sample"));
    if (options.tools !== undefined || options.result !== undefined || options.toolChoice !== undefined) {
      return sampleWithTools(this.host, input, this.withMaskDefault(options));
    }
    return samplePlain(this.host, input, options);
  }

  /** One LLM request (and, by default, the tools it called) for loops written by hand; pass the full history each time. */
  sampleStep(input: SampleInput, options: SampleStepOptions<Context> = {}): Promise<SampleStep> {
    if (this.nested) return Promise.reject(nestedInputError("sampleStep"));
    return sampleStep(this.host, input, this.withMaskDefault(options));
  }

  // Sampling tools' error texts go to the LLM: masked as the server's own tool errors are, unless told.
  private withMaskDefault<O extends { maskErrorDetails?: boolean; exposeProviderErrors?: boolean }>(
    options: O,
  ): O {
    const { maskErrorDetails, exposeProviderErrors } = this.init.runtime;
    return {
      ...options,
      maskErrorDetails: options.maskErrorDetails ?? maskErrorDetails,
      exposeProviderErrors: options.exposeProviderErrors ?? exposeProviderErrors === true,
    };
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
    // A sampling tool already runs inside `once` (2026-07-28): a nested step simply runs.
    return replay === undefined || this.nested ? Promise.resolve().then(step) : replay.once(step);
  }

  /**
   * Asks the user for input through the client (form elicitation). `key` names the request in a
   * 2026-07-28 input_required round (default `elicit-k`).
   */
  async elicit(params: ElicitRequestFormParams, options: { key?: string } = {}): Promise<ElicitResult> {
    if (this.nested) throw nestedInputError("elicit");
    const replay = this.init.replay;
    if (replay !== undefined) {
      const answer = await replay.request("elicitation/create", { mode: "form", ...params }, options.key);
      return checkElicitAnswer(answer, params);
    }
    return this.init.sdk.mcpReq.send({ method: "elicitation/create", params }, { signal: this.signal });
  }

  /** Lists the client's roots. */
  async listRoots(): Promise<ListRootsResult> {
    if (this.nested) throw nestedInputError("listRoots");
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

/**
 * The request as the sampling round trip sees it (sampling/round-trip.ts `SamplingHost`): the
 * server's policy, the SDK request, the replay input, and the server-side pieces of a sample
 * (the server's own handler with its budget and progress, the usage hook).
 */
class RequestHost implements SamplingHost {
  constructor(
    private readonly init: ContextInit,
    private readonly ctx: Context,
  ) {}

  get era(): ProtocolEra {
    return this.init.era;
  }
  get signal(): AbortSignal {
    return this.init.signal;
  }
  get clientCapabilities(): ClientCapabilities | undefined {
    return this.init.clientCapabilities;
  }
  get policy(): SamplingPolicy {
    return this.init.runtime;
  }
  get input(): ClientInput | undefined {
    return this.init.replay;
  }
  get mcpReq(): ServerContext["mcpReq"] {
    return this.init.sdk.mcpReq;
  }

  once<T>(step: () => T | Promise<T>): Promise<T> {
    return this.ctx.once(step);
  }

  toolContext(): SamplingToolContext {
    return this.init.era === "modern" ? new Context(this.init, true) : this.ctx;
  }

  /**
   * One sample answered by the server's own handler — the server's owner pays for it. The caller's
   * budget is asked first (`samplingBudget`), and under 2026-07-28 the answer is kept in the request
   * state so no later round of the call runs it again. `fresh` is false for an answer kept from an
   * earlier round (already counted there).
   */
  async answerOnServer(
    params: SamplingParams,
    signal: AbortSignal,
    options: RoundTripOptions,
  ): Promise<{ response: AnyCreateMessageResult; fresh: boolean }> {
    const { runtime, sdk, call, replay } = this.init;
    const onToken = sampleProgressForwarder(
      sdk,
      options.streamProgress ?? runtime.streamSampleProgress === true,
    );
    const context: RequestContext = {
      requestId: sdk.mcpReq.id,
      signal,
      side: "server",
      serverName: runtime.name,
      ...(onToken !== undefined && { onToken }),
    };
    const auth = sdk.http?.authInfo;
    const budget = runtime.samplingBudget;
    const run = async () => {
      const request = { principal: principalOf(auth, runtime.principal), auth, call, params };
      if (budget !== undefined) await budget.admit(request);
      const response = await raceAbort(runSamplingHandler(runtime.samplingHandler!, params, context), signal);
      budget?.record?.(request, usageFromMeta(response._meta));
      return response;
    };
    if (replay?.serverAnswer !== undefined) {
      const { value, fresh } = await replay.serverAnswer(params, run);
      return { response: value, fresh };
    }
    return { response: await run(), fresh: true };
  }

  noteUsage(response: AnyCreateMessageResult, via: SamplingAnswerer): Promise<void> | undefined {
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
}
