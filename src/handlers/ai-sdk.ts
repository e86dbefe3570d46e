/**
 * `fastmcp-ts/ai-sdk`: a sampling handler over any Vercel AI SDK `LanguageModel` (Google, Mistral,
 * Bedrock, Ollama, OpenAI-compatible…) through `generateText`; the provider package does the wire
 * mapping. The `ai` package is an optional peer dependency, imported on first use.
 */
import type { LanguageModel } from "ai";
import { FastMCPError } from "../errors.js";
import { type ModelScores, selectModel } from "../sampling/model-selection.js";
import type {
  CreateMessageResultWithTools,
  RequestContext,
  SamplingHandlerObject,
  SamplingMessage,
  SamplingParams,
} from "../sampling/types.js";
import { aiSdkProviderName, traceGenAI } from "../telemetry/genai.js";
import { fromGenerateText, type GenerateTextOutcome, toModelMessages, toToolSet } from "./ai-sdk-mapping.js";
import { loadPeer, toProviderError } from "./shared.js";

export type { ModelScores } from "../sampling/model-selection.js";
export { selectModel } from "../sampling/model-selection.js";
export { fromGenerateText, mapFinishReason, toModelMessages, toToolSet } from "./ai-sdk-mapping.js";
export { ProviderError, type UsageMeta } from "./shared.js";

type AIModule = typeof import("ai");
type GenerateTextOptions = Parameters<AIModule["generateText"]>[0];

export interface AISDKSamplingHandlerOptions {
  /** The model used when no hint or priority picks another. */
  model: LanguageModel;
  /** Models that `modelPreferences` hints may select, by name (e.g. `{ "llama3.2:3b": ollama("llama3.2:3b") }`). */
  models?: Record<string, LanguageModel>;
  /** Per-model scores (keys of `models`) so cost/speed/intelligence priorities can choose. */
  scores?: Record<string, ModelScores>;
  /** Retries inside `generateText` (default 0: sampling has its own deadline and cancellation). */
  maxRetries?: number;
  /** Passed to `generateText` as is: provider-specific settings (the place for metadata-like fields). */
  providerOptions?: GenerateTextOptions["providerOptions"];
}

export class AISDKSamplingHandler implements SamplingHandlerObject {
  readonly options: Readonly<AISDKSamplingHandlerOptions>;
  #ai: Promise<AIModule> | undefined;

  constructor(options: AISDKSamplingHandlerOptions) {
    if (options?.model === undefined || options.model === null) {
      throw new FastMCPError(
        "CONFIG",
        'AISDKSamplingHandler needs a model, e.g. { model: openai("gpt-4o-mini") }',
      );
    }
    this.options = { ...options };
  }

  async createMessage(
    messages: SamplingMessage[],
    params: SamplingParams,
    context: RequestContext,
  ): Promise<CreateMessageResultWithTools> {
    const defaultName = modelName(this.options.model);
    const models = this.options.models;
    const chosenName = selectModel(params.modelPreferences, {
      defaultModel: defaultName,
      ...(models !== undefined ? { models: Object.keys(models) } : {}),
      ...(this.options.scores !== undefined ? { scores: this.options.scores } : {}),
    });
    const model =
      (models !== undefined && Object.hasOwn(models, chosenName) ? models[chosenName] : undefined) ??
      this.options.model;
    return traceGenAI({ provider: providerName(model), model: modelName(model), params }, () =>
      this.#generate(messages, params, context, model),
    );
  }

  async #generate(
    messages: SamplingMessage[],
    params: SamplingParams,
    context: RequestContext,
    model: LanguageModel,
  ): Promise<CreateMessageResultWithTools> {
    const modelMessages = toModelMessages(messages);
    this.#ai ??= loadPeer(() => import("ai"), "ai", "fastmcp-ts/ai-sdk");
    const ai = await this.#ai;

    const request: GenerateTextOptions = {
      model,
      messages: modelMessages,
      maxOutputTokens: params.maxTokens,
      abortSignal: context.signal,
      maxRetries: this.options.maxRetries ?? 0,
    };
    if (params.systemPrompt) request.system = params.systemPrompt;
    if (params.temperature !== undefined) request.temperature = params.temperature;
    if (params.stopSequences !== undefined && params.stopSequences.length > 0) {
      request.stopSequences = params.stopSequences;
    }
    if (params.tools !== undefined && params.tools.length > 0) {
      request.tools = toToolSet(params.tools, (schema) => ai.jsonSchema(schema));
      if (params.toolChoice?.mode !== undefined) request.toolChoice = params.toolChoice.mode;
    }
    if (this.options.providerOptions !== undefined) request.providerOptions = this.options.providerOptions;

    let outcome: GenerateTextOutcome;
    try {
      outcome = await ai.generateText(request);
    } catch (error) {
      throw toProviderError(providerLabel(model), error, context.signal);
    }
    return fromGenerateText(outcome, modelName(model));
  }
}

function modelName(model: LanguageModel): string {
  return typeof model === "string" ? model : model.modelId;
}

/** `gen_ai.provider.name` from the model's provider id (a gateway string model: the id's provider part). */
function providerName(model: LanguageModel): string {
  if (typeof model !== "string") return aiSdkProviderName(model.provider);
  const slash = model.indexOf("/");
  return slash > 0 ? aiSdkProviderName(model.slice(0, slash)) : "ai_sdk";
}

function providerLabel(model: LanguageModel): string {
  return typeof model === "string" ? "AI SDK" : `AI SDK (${model.provider})`;
}
