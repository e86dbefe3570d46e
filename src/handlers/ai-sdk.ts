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
import { environmentSecrets, loadPeer, type TokenCallback, tokenSink, toProviderError } from "./shared.js";

export type { ModelScores } from "../sampling/model-selection.js";
export { selectModel } from "../sampling/model-selection.js";
export { fromGenerateText, mapFinishReason, toModelMessages, toToolSet } from "./ai-sdk-mapping.js";
export { ProviderError, type TokenCallback, type UsageMeta } from "./shared.js";

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
  /**
   * Stream the answer (`streamText` instead of `generateText`) and call this with each text
   * delta; the handler still returns the whole result.
   */
  onToken?: TokenCallback;
  /**
   * Keys to keep out of error texts. The AI SDK's providers hold theirs out of reach, so errors are
   * cleaned of these, of the environment's `*_API_KEY` values and of anything shaped like a key.
   */
  secrets?: string[];
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

    const onToken = tokenSink(this.options.onToken, context);
    let outcome: GenerateTextOutcome;
    try {
      outcome =
        onToken === undefined ? await ai.generateText(request) : await streamOutcome(ai, request, onToken);
    } catch (error) {
      throw toProviderError(providerLabel(model), error, context.signal, [
        ...(this.options.secrets ?? []),
        ...environmentSecrets(),
      ]);
    }
    return fromGenerateText(outcome, modelName(model));
  }
}

/**
 * `streamText` with the same request: text deltas go to `onToken` as they arrive, and the outcome
 * has the shape `generateText` gives. streamText reports failures as stream parts rather than
 * rejecting, so an error part is thrown here (and mapped like a generateText failure).
 */
async function streamOutcome(
  ai: AIModule,
  request: GenerateTextOptions,
  onToken: (delta: string) => void,
): Promise<GenerateTextOutcome> {
  let failure: { error: unknown } | undefined;
  const result = ai.streamText({
    ...(request as Parameters<AIModule["streamText"]>[0]),
    onError: ({ error }) => {
      failure ??= { error };
    },
  });
  for await (const part of result.fullStream) {
    if (part.type === "text-delta" && part.text !== "") onToken(part.text);
    else if (part.type === "error") failure ??= { error: part.error };
  }
  if (failure !== undefined) throw failure.error;
  const [content, finishReason, rawFinishReason, usage, response] = await Promise.all([
    result.content,
    result.finishReason,
    result.rawFinishReason,
    result.usage,
    result.response,
  ]);
  return { content, finishReason, rawFinishReason, usage, response };
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
