/**
 * `fastmcp-ts/anthropic`: a sampling handler on the Anthropic Messages API.
 * The `@anthropic-ai/sdk` package is an optional peer dependency, imported only when no client is passed.
 */
import type Anthropic from "@anthropic-ai/sdk";
import type { Message } from "@anthropic-ai/sdk/resources/messages";
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
import { fromAnthropicResponse, toAnthropicRequest } from "./anthropic-mapping.js";
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
  type AnthropicRequestBody,
  anthropicUserId,
  fromAnthropicResponse,
  toAnthropicRequest,
} from "./anthropic-mapping.js";
export { type ModelChoiceOptions, ProviderError, type TokenCallback, type UsageMeta } from "./shared.js";

export interface AnthropicSamplingHandlerOptions extends ModelChoiceOptions {
  /**
   * Your client (its base URL, key, `maxRetries` and `timeout` are used as you set them). Without
   * one, a client is made on first use from `ANTHROPIC_API_KEY` / `ANTHROPIC_BASE_URL` with `maxRetries: 0`.
   */
  client?: Anthropic;
  /** Send `metadata.user_id` from the request's `metadata` (default true). */
  sendMetadata?: boolean;
  /**
   * Send the request's `temperature` (default false). Anthropic API version 2026-10-21, which
   * `@anthropic-ai/sdk` 1.x sends, rejects `temperature` with a 400 even at 1.0; turn this on for a
   * client pinned to `anthropic-version: 2023-06-01` (or an older SDK) or a proxy that takes it.
   */
  sendTemperature?: boolean;
  /** Per-request retry count, overriding the client's own setting. */
  maxRetries?: number;
  /**
   * Stream the answer (Messages API streaming) and call this with each text delta; the handler
   * still returns the whole result. Without it (and when the request asks for no deltas either)
   * the handler makes one plain request.
   */
  onToken?: TokenCallback;
}

export class AnthropicSamplingHandler implements SamplingHandlerObject {
  readonly options: Readonly<AnthropicSamplingHandlerOptions>;
  readonly #getClient: () => Promise<Anthropic>;

  constructor(options: AnthropicSamplingHandlerOptions) {
    requireDefaultModel("AnthropicSamplingHandler", options, "claude-sonnet-5-5");
    this.options = { ...options };
    this.#getClient = lazyClient(options.client, createDefaultClient);
  }

  async createMessage(
    messages: SamplingMessage[],
    params: SamplingParams,
    context: RequestContext,
  ): Promise<CreateMessageResultWithTools> {
    const model = selectModel(params.modelPreferences, this.options);
    return traceGenAI({ provider: "anthropic", model, params }, () =>
      this.#complete(messages, params, context, model),
    );
  }

  async #complete(
    messages: SamplingMessage[],
    params: SamplingParams,
    context: RequestContext,
    model: string,
  ): Promise<CreateMessageResultWithTools> {
    const body = toAnthropicRequest(messages, params, model, {
      sendMetadata: this.options.sendMetadata ?? true,
      sendTemperature: this.options.sendTemperature ?? false,
    });
    const client = await this.#getClient();
    const requestOptions = {
      signal: context.signal,
      ...(this.options.maxRetries !== undefined ? { maxRetries: this.options.maxRetries } : {}),
    };
    const onToken = tokenSink(this.options.onToken, context);
    let message: Message;
    try {
      if (onToken === undefined) message = await client.messages.create(body, requestOptions);
      else {
        // The SDK's MessageStream assembles the final message from the events; we only tap the text.
        const stream = client.messages.stream(body, requestOptions);
        stream.on("text", (delta) => onToken(delta));
        message = await stream.finalMessage();
      }
    } catch (error) {
      throw toProviderError("Anthropic", error, context.signal, [client.apiKey]);
    }
    return fromAnthropicResponse(message, model);
  }
}

async function createDefaultClient(): Promise<Anthropic> {
  const { default: AnthropicClient } = await loadPeer(
    () => import("@anthropic-ai/sdk"),
    "@anthropic-ai/sdk",
    "fastmcp-ts/anthropic",
  );
  const env = typeof process === "undefined" ? {} : process.env;
  try {
    // maxRetries 0: a sampling call has its own deadline and cancellation; silent retries would hide both.
    return new AnthropicClient({
      apiKey: env.ANTHROPIC_API_KEY,
      baseURL: env.ANTHROPIC_BASE_URL,
      maxRetries: 0,
    });
  } catch (error) {
    throw new FastMCPError(
      "CONFIG",
      `Could not create an Anthropic client: ${error instanceof Error ? error.message : String(error)}. ` +
        "Set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for a proxy) or pass { client }.",
      { cause: error },
    );
  }
}
