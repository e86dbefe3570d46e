import type {
  ContentBlock,
  CreateMessageRequestParams,
  CreateMessageResult,
  CreateMessageResultWithTools,
  ModelPreferences,
  RequestId,
  SamplingMessage,
  SamplingMessageContentBlock,
  Tool,
  ToolResultContent,
  ToolUseContent,
} from "@modelcontextprotocol/server";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Context } from "../server/context.js";
import type { SamplingUsage } from "./usage.js";

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

/** The full `sampling/createMessage` params as they travel on the wire (camelCase names). */
export type SamplingParams = CreateMessageRequestParams;

/** What a sampling handler may answer: a plain string, or a full protocol result. */
export type SamplingHandlerResult = string | CreateMessageResult | CreateMessageResultWithTools;

/** Per-request information handed to a sampling handler. */
export interface RequestContext {
  /** JSON-RPC id of the request being answered (on the server: the `tools/call` that asked). */
  requestId: RequestId;
  /** Aborts when the request is cancelled, times out, or its peer goes away. */
  signal: AbortSignal;
  /** Where the request came from: a connected server (client side) or this server's own tool (server side). */
  side: "client" | "server";
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
export interface SamplingTool<Args = any, Ctx = Context> {
  name: string;
  description?: string;
  parameters?: StandardSchemaV1<unknown, Args>;
  /** Run the tool sequentially even when `toolConcurrency` allows parallel calls. */
  sequential?: boolean;
  execute: (args: Args, ctx: Ctx) => unknown;
}

export interface SampleOptions<R = unknown> {
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
  tools?: SamplingTool[];
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
  /** Hide non-`ToolError` exception texts from the LLM in tool results (default: the server's `maskErrorDetails`). */
  maskErrorDetails?: boolean;
  /**
   * When the server's own handler answers and the tool's caller asked for progress (sent a
   * progress token), stream the answer and send each text delta as a progress notification
   * (default: the server option `streamSampleProgress`). Client-answered samples are not affected.
   */
  streamProgress?: boolean;
}

/** Options of `ctx.sampleStep`: one LLM request, for loops written by hand. */
export interface SampleStepOptions extends Omit<SampleOptions<unknown>, "result" | "maxIterations"> {
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
  via: "client" | "server";
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
  via: "client" | "server";
  /**
   * Token usage as the answerer reported it (`_meta.usage` of the answers), summed over every LLM
   * request of a tool loop; absent when nobody reported any.
   */
  usage?: SamplingUsage;
  /** `_meta` of the final protocol result. */
  meta?: Record<string, unknown>;
}
