import type {
  AuthInfo,
  ClientCapabilities,
  ContentBlock,
  CreateMessageRequestParams,
  CreateMessageResult,
  CreateMessageResultWithTools,
  ElicitRequestFormParams,
  ElicitResult,
  ListRootsResult,
  LoggingLevel,
  ModelPreferences,
  RequestId,
  SamplingMessage,
  SamplingMessageContentBlock,
  Tool,
  ToolResultContent,
  ToolUseContent,
} from "@modelcontextprotocol/server";
import type { StandardSchemaV1 } from "@standard-schema/spec";

export type {
  ContentBlock,
  CreateMessageResult,
  CreateMessageResultWithTools,
  ModelPreferences,
  SamplingMessage,
  SamplingMessageContentBlock,
  Tool,
  ToolResultContent,
  ToolUseContent,
};

/** The protocol era of a request: 2025 sessions (`legacy`) or stateless 2026-07-28 (`modern`). */
export type ProtocolEra = "legacy" | "modern";

/** Who answers a sample: the client's LLM, or the server's own handler. */
export type SamplingAnswerer = "client" | "server";

/** Token counts of one LLM answer (or of all answers of a tool loop). */
export interface SamplingUsage {
  inputTokens?: number;
  outputTokens?: number;
}

/** What `onUsage` sees for every sample a server made (one per LLM request, tool loops included). */
export interface UsageEvent {
  /** Token counts, when the answerer reported them (provider handlers do; a client may, in `_meta.usage`). */
  usage: SamplingUsage | undefined;
  /** The model that answered, as reported. */
  model: string;
  /** Who answered: the client's LLM, or the server's own handler (the server pays for those). */
  via: SamplingAnswerer;
  /** The request that sampled: `tools/call`, `prompts/get` or `resources/read`. */
  method: string;
  /** The tool or prompt name, or the resource URI. */
  target: string;
  /** The tool's name, when a tool sampled. */
  tool?: string;
  /** JSON-RPC id of the request that sampled. */
  requestId: RequestId;
  /** The 2025 session, when there is one. */
  sessionId?: string;
  /** The caller's verified credentials on an authenticated HTTP server (`auth.clientId`, `auth.extra`…). */
  auth?: AuthInfo;
  /**
   * Who the caller is, as sessions and request state are bound to it (FastMCP option `principal`;
   * default `sub:<extra.sub>`, else `client:<clientId>`): the key for a per-user budget.
   */
  principal?: string;
  era: ProtocolEra;
}

/**
 * Sees every sample's usage once. A throw (or a rejection) fails that sample with the error, so
 * the hook can stop a caller whose budget is spent; it is awaited only when it returns a promise.
 */
export type UsageHook = (event: UsageEvent) => void | Promise<void>;

/** The full `sampling/createMessage` params as they travel on the wire (camelCase names). */
export type SamplingParams = CreateMessageRequestParams;

/** A `sampling/createMessage` result, with or without tool blocks. */
export type AnyCreateMessageResult = CreateMessageResult | CreateMessageResultWithTools;

/** What a sampling handler may answer: a plain string, or a full protocol result. */
export type SamplingHandlerResult = string | CreateMessageResult | CreateMessageResultWithTools;

/** Per-request information handed to a sampling handler. */
export interface RequestContext {
  /** JSON-RPC id of the request being answered (on the server: the `tools/call` that asked). */
  requestId: RequestId;
  /** Aborts when the request is cancelled, times out, or its peer goes away. */
  signal: AbortSignal;
  /** Where the request came from: a connected server (client side) or this server's own tool (server side). */
  side: SamplingAnswerer;
  /** Name of the server that asked, when known. */
  serverName?: string;
  /**
   * Set when someone wants the answer's text as it is generated (a server forwarding it as
   * progress, say): provider handlers then stream and call it with each text delta.
   */
  onToken?: (delta: string) => void;
}

export type SamplingHandlerFunction = (
  messages: SamplingMessage[],
  params: SamplingParams,
  context: RequestContext,
) => SamplingHandlerResult | Promise<SamplingHandlerResult>;

/** An object form of a handler; provider handlers (OpenAI, Anthropic, AI SDK) implement this. */
export interface SamplingHandlerObject {
  createMessage(
    messages: SamplingMessage[],
    params: SamplingParams,
    context: RequestContext,
  ): SamplingHandlerResult | Promise<SamplingHandlerResult>;
}

/** Answers `sampling/createMessage`: on a client (the host's model) or on a server (its own provider). */
export type SamplingHandler = SamplingHandlerFunction | SamplingHandlerObject;

export type IncludeContext = "none" | "thisServer" | "allServers";
export type ToolChoiceMode = "auto" | "required" | "none";

/**
 * A tool the LLM may call during `ctx.sample`; the same shape as a server tool, so those
 * (`server.tools`) pass as they are. `execute` gets the validated arguments and the calling
 * tool's Context; what it returns goes back to the LLM as a tool_result (strings as they are,
 * anything else as JSON); a thrown `ToolError` passes its message, other errors may be masked.
 */
export interface SamplingTool<Args = any, Ctx = SamplingToolContext> {
  name: string;
  description?: string;
  parameters?: StandardSchemaV1<unknown, Args>;
  /** Run the tool sequentially even when `toolConcurrency` allows parallel calls. */
  sequential?: boolean;
  // A method, so a server tool (whose execute takes the full Context) passes as a sampling tool.
  execute(args: Args, ctx: Ctx): unknown;
}

/** `Ctx`: what the LLM's tools get as `ctx` (the server's `ctx.sample` passes its own Context type). */
export interface SampleOptions<R = unknown, Ctx = SamplingToolContext> {
  systemPrompt?: string;
  temperature?: number;
  /** Defaults to 512. */
  maxTokens?: number;
  /** A string is one hint, a list is hints in order, an object passes through unchanged. */
  modelPreferences?: string | string[] | ModelPreferences;
  includeContext?: IncludeContext;
  stopSequences?: string[];
  metadata?: Record<string, unknown>;
  /** Fails the sample (and cancels the request) after this many milliseconds. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Tools the LLM may call; the loop runs them and sends their results back until it answers. */
  // biome-ignore lint/suspicious/noExplicitAny: each tool has its own argument type, as in SamplingTool's default
  tools?: SamplingTool<any, Ctx>[];
  /**
   * "auto" (the model decides), "required" (it must call a tool) or "none". With plain tools,
   * "required" applies to the first request only (then "auto", so the loop can end). With
   * `result` the default is "required" on every request. Without tools, "auto" and "none" are
   * ignored (nothing is sent) and "required" is an error.
   */
  toolChoice?: ToolChoiceMode;
  /**
   * Ask for a typed, validated result (any Standard Schema with JSON Schema support, e.g. zod 4):
   * the LLM answers by calling a synthetic `final_response` tool whose input is validated.
   */
  result?: StandardSchemaV1<unknown, R>;
  /**
   * Upper bound on LLM requests in the tool loop (default 100); past it, FastMCPError
   * ITERATIONS_EXCEEDED. Under 2026-07-28 every LLM request the client answers is one
   * input_required round of the `tools/call`, and clients cap rounds per call: our `Client`
   * allows `maxInputRounds` (default 10) and then fails with FastMCPError ROUNDS_EXCEEDED, so a
   * longer loop needs a client configured for it. Tools run once per call across rounds
   * (`ctx.once`); code before the loop in the calling tool runs again on every round.
   */
  maxIterations?: number;
  /** `undefined`: sequential; `0`: unlimited; `n`: at most n tool calls at once. */
  toolConcurrency?: number;
  /** Hide the texts of errors that are not ours from the LLM in tool results (default: the server's `maskErrorDetails`). */
  maskErrorDetails?: boolean;
  /** Give the LLM a `ProviderError`'s own text instead of its summary (default: the server's `exposeProviderErrors`). */
  exposeProviderErrors?: boolean;
  /**
   * When the server's own handler answers and the tool's caller asked for progress (sent a
   * progress token), stream the answer and send each text delta as a progress notification
   * (default: the server option `streamSampleProgress`). Client-answered samples are not affected.
   */
  streamProgress?: boolean;
}

/** Options of `ctx.sampleStep`: one LLM request, for loops written by hand. */
export interface SampleStepOptions<Ctx = SamplingToolContext>
  extends Omit<SampleOptions<unknown, Ctx>, "result" | "maxIterations"> {
  /** Run the tools the LLM called and append their results to `history` (default true). */
  executeTools?: boolean;
}

/** What `ctx.sampleStep` returns. */
export interface SampleStep {
  /** The protocol result of the one request. */
  response: CreateMessageResult | CreateMessageResultWithTools;
  /** The input messages, the assistant's turn, and (when tools ran) one user turn with their results. */
  history: SamplingMessage[];
  /** The response holds tool_use blocks (whatever its stopReason says). */
  isToolUse: boolean;
  toolCalls: ToolUseContent[];
  /** One result per tool call, in call order; empty when tools did not run. */
  toolResults: ToolResultContent[];
  /** All text blocks of the response, joined. */
  text: string;
  via: SamplingAnswerer;
  /** Token usage of this one request, when the answerer reported it. */
  usage?: SamplingUsage;
}

export interface SamplingResult<T = string> {
  /** All text blocks of the final answer, joined. */
  text: string;
  /** The final answer's content blocks. */
  content: SamplingMessageContentBlock[];
  model: string;
  stopReason?: string;
  /** The validated typed result when `result` was given, else the text. */
  result: T;
  /** The whole exchange, tool turns included. */
  history: SamplingMessage[];
  /** Who produced it: the client's LLM or the server's own handler. */
  via: SamplingAnswerer;
  /**
   * Token usage as the answerer reported it (`_meta.usage` of the answers), summed over every LLM
   * request of a tool loop; absent when nobody reported any.
   */
  usage?: SamplingUsage;
  /** `_meta` of the final protocol result. */
  meta?: Record<string, unknown>;
}

/** What `ctx.sample` takes: a string is one user message; in a list, strings become user messages. */
export type SampleInput = string | ReadonlyArray<string | SamplingMessage>;

/**
 * What a sampling tool gets as `ctx`: the calling tool's request context (the server's `Context`
 * implements it). Under 2026-07-28 its input requests (`sample`, `elicit`, …) fail inside a
 * sampling tool, which runs once and cannot be replayed.
 */
export interface SamplingToolContext {
  readonly requestId: RequestId;
  /** Aborts when the client cancels the call or goes away. */
  readonly signal: AbortSignal;
  readonly era: ProtocolEra;
  readonly clientCapabilities: ClientCapabilities | undefined;
  readonly sessionId: string | undefined;
  readonly auth: AuthInfo | undefined;
  sample(input: SampleInput, options?: SampleOptions<undefined>): Promise<SamplingResult<string>>;
  sample<R>(input: SampleInput, options: SampleOptions<R> & { result: object }): Promise<SamplingResult<R>>;
  sample(input: SampleInput, options?: SampleOptions<unknown>): Promise<SamplingResult<unknown>>;
  sampleStep(input: SampleInput, options?: SampleStepOptions): Promise<SampleStep>;
  detach(): Promise<void>;
  once<T>(step: () => T | Promise<T>): Promise<T>;
  elicit(params: ElicitRequestFormParams, options?: { key?: string }): Promise<ElicitResult>;
  listRoots(): Promise<ListRootsResult>;
  log(level: LoggingLevel, message: string, data?: unknown): Promise<void>;
  debug(message: string, data?: unknown): Promise<void>;
  info(message: string, data?: unknown): Promise<void>;
  warning(message: string, data?: unknown): Promise<void>;
  error(message: string, data?: unknown): Promise<void>;
  reportProgress(progress: number, total?: number, message?: string): Promise<void>;
}
