/**
 * `fastmcp-ts/openai`: a sampling handler on the OpenAI Chat Completions API, which every
 * OpenAI-compatible server speaks (OpenAI, Ollama, vLLM, LM Studio, OpenRouter, llama.cpp…).
 * The `openai` package is an optional peer dependency, imported only when no client is passed.
 */
import type OpenAI from "openai";
import { FastMCPError } from "../errors.js";
import { selectModel } from "../sampling/model-selection.js";
import type {
  CreateMessageResultWithTools,
  RequestContext,
  SamplingHandlerObject,
  SamplingMessage,
  SamplingParams,
} from "../sampling/types.js";
import { traceGenAI } from "../telemetry/genai.js";
import { fromOpenAIResponse, type MaxTokensField, toOpenAIRequest } from "./openai-mapping.js";
import { collectChatStream } from "./openai-stream.js";
import {
  lazyClient,
  loadPeer,
  type ModelChoiceOptions,
  requireDefaultModel,
  type TokenCallback,
  tokenSink,
  toProviderError,
} from "./shared.js";

export type { ModelScores } from "../sampling/model-selection.js";
export { selectModel } from "../sampling/model-selection.js";
export {
  fromOpenAIResponse,
  type MaxTokensField,
  toOpenAIMetadata,
  toOpenAIRequest,
} from "./openai-mapping.js";
export { type ModelChoiceOptions, ProviderError, type TokenCallback, type UsageMeta } from "./shared.js";

export interface OpenAISamplingHandlerOptions extends ModelChoiceOptions {
  /**
   * Your client (its base URL, key, `maxRetries` and `timeout` are used as you set them). Without
   * one, a client is made on first use from `OPENAI_API_KEY` / `OPENAI_BASE_URL` with `maxRetries: 0`.
   */
  client?: OpenAI;
  /** Which body field carries `maxTokens`: `max_completion_tokens` (default) or `max_tokens`. */
  maxTokensField?: MaxTokensField;
  /**
   * Send `store: true`, so OpenAI keeps the completion (dashboard, evals, distillation). Default false.
   * OpenAI accepts `metadata` only with `store` on, so this also turns `sendMetadata` on by default.
   */
  store?: boolean;
  /**
   * Send the request's `metadata` as OpenAI `metadata`, values as strings (default: the value of `store`).
   * OpenAI answers 400 to `metadata` without `store: true`; set this alone for servers that take it without.
   */
  sendMetadata?: boolean;
  /** Per-request retry count, overriding the client's own setting. */
  maxRetries?: number;
  /**
   * Stream the answer (Chat Completions `stream: true`) and call this with each text delta; the
   * handler still returns the whole result. Without it (and when the request asks for no
   * deltas either) the handler makes one plain request.
   */
  onToken?: TokenCallback;
}

export class OpenAISamplingHandler implements SamplingHandlerObject {
  readonly options: Readonly<OpenAISamplingHandlerOptions>;
  readonly #getClient: () => Promise<OpenAI>;

  constructor(options: OpenAISamplingHandlerOptions) {
    requireDefaultModel("OpenAISamplingHandler", options, "gpt-4o-mini");
    this.options = { ...options };
    this.#getClient = lazyClient(options.client, createDefaultClient);
  }

  async createMessage(
    messages: SamplingMessage[],
    params: SamplingParams,
    context: RequestContext,
  ): Promise<CreateMessageResultWithTools> {
    const model = selectModel(params.modelPreferences, this.options);
    return traceGenAI({ provider: "openai", model, params }, () =>
      this.#complete(messages, params, context, model),
    );
  }

  async #complete(
    messages: SamplingMessage[],
    params: SamplingParams,
    context: RequestContext,
    model: string,
  ): Promise<CreateMessageResultWithTools> {
    const body = toOpenAIRequest(messages, params, model, {
      maxTokensField: this.options.maxTokensField ?? "max_completion_tokens",
      store: this.options.store ?? false,
      sendMetadata: this.options.sendMetadata ?? this.options.store ?? false,
    });
    const client = await this.#getClient();
    const requestOptions = {
      signal: context.signal,
      ...(this.options.maxRetries !== undefined ? { maxRetries: this.options.maxRetries } : {}),
    };
    const onToken = tokenSink(this.options.onToken, context);
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion =
        onToken === undefined
          ? await client.chat.completions.create(body, requestOptions)
          : await collectChatStream(
              await client.chat.completions.create(
                { ...body, stream: true, stream_options: { include_usage: true } },
                requestOptions,
              ),
              onToken,
            );
    } catch (error) {
      throw toProviderError("OpenAI", error, context.signal, [client.apiKey]);
    }
    return fromOpenAIResponse(completion, params, model);
  }
}

async function createDefaultClient(): Promise<OpenAI> {
  const { default: OpenAIClient } = await loadPeer(() => import("openai"), "openai", "fastmcp-ts/openai");
  const env = typeof process === "undefined" ? {} : process.env;
  try {
    // maxRetries 0: a sampling call has its own deadline and cancellation; silent retries would hide both.
    return new OpenAIClient({ apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL, maxRetries: 0 });
  } catch (error) {
    throw new FastMCPError(
      "CONFIG",
      `Could not create an OpenAI client: ${error instanceof Error ? error.message : String(error)}. ` +
        "Set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server) or pass { client }.",
      { cause: error },
    );
  }
}
