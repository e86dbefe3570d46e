/**
 * GenAI client spans and metrics for provider handlers (OpenTelemetry GenAI conventions): one
 * CLIENT span `chat {model}` per LLM request, with the provider, the models, token usage and
 * the finish reason; `gen_ai.client.token.usage` and `gen_ai.client.operation.duration`.
 */
import type { AnyCreateMessageResult, SamplingParams } from "../sampling/types.js";
import { usageFromMeta } from "../sampling/usage.js";
import { activeTelemetry, errorType, failSpan } from "./otel.js";

export interface GenAIRequest {
  /** `gen_ai.provider.name`: `openai`, `anthropic`, `gcp.gemini`… */
  provider: string;
  /** The model asked for. */
  model: string;
  params: SamplingParams;
}

type Attributes = Record<string, string | number | boolean | string[]>;

/** The conventions' provider names for the AI SDK's provider ids (`openai.chat`, `google.generative-ai`…). */
const AI_SDK_PROVIDERS: Readonly<Record<string, string>> = {
  openai: "openai",
  azure: "azure.ai.openai",
  anthropic: "anthropic",
  google: "gcp.gemini",
  "google-vertex": "gcp.vertex_ai",
  vertex: "gcp.vertex_ai",
  "amazon-bedrock": "aws.bedrock",
  bedrock: "aws.bedrock",
  mistral: "mistral_ai",
  groq: "groq",
  deepseek: "deepseek",
  xai: "x_ai",
  cohere: "cohere",
  perplexity: "perplexity",
};

export function aiSdkProviderName(provider: string): string {
  const head = provider.split(".")[0] ?? provider;
  return AI_SDK_PROVIDERS[head] ?? head;
}

/** The `error.type` of a provider failure: the provider's own type, its HTTP status, or the error's name. */
function providerErrorType(error: unknown): string {
  const record = (error ?? {}) as { errorType?: unknown; status?: unknown };
  if (typeof record.errorType === "string" && record.errorType !== "") return record.errorType;
  if (typeof record.status === "number") return String(record.status);
  return errorType(error);
}

/** Runs one LLM request inside a GenAI CLIENT span (when tracing or metrics are on). */
export async function traceGenAI<T extends AnyCreateMessageResult>(
  request: GenAIRequest,
  run: () => Promise<T>,
): Promise<T> {
  const t = activeTelemetry();
  if (t === undefined) return run();
  const { api, tracer, instruments } = t;
  const { params } = request;
  const attributes: Attributes = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": request.provider,
    "gen_ai.request.model": request.model,
    "gen_ai.request.max_tokens": params.maxTokens,
  };
  if (params.temperature !== undefined) attributes["gen_ai.request.temperature"] = params.temperature;
  if (params.stopSequences !== undefined && params.stopSequences.length > 0) {
    attributes["gen_ai.request.stop_sequences"] = params.stopSequences;
  }
  const span = tracer?.startSpan(`chat ${request.model}`, { kind: api.SpanKind.CLIENT, attributes });
  const active = span === undefined ? api.context.active() : api.trace.setSpan(api.context.active(), span);
  const started = performance.now();
  const metric: Attributes = {
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": request.provider,
    "gen_ai.request.model": request.model,
  };
  try {
    const result = await api.context.with(active, run);
    const usage = usageFromMeta(result._meta);
    metric["gen_ai.response.model"] = result.model;
    if (span !== undefined) {
      span.setAttribute("gen_ai.response.model", result.model);
      if (result.stopReason !== undefined)
        span.setAttribute("gen_ai.response.finish_reasons", [result.stopReason]);
      if (usage?.inputTokens !== undefined) span.setAttribute("gen_ai.usage.input_tokens", usage.inputTokens);
      if (usage?.outputTokens !== undefined)
        span.setAttribute("gen_ai.usage.output_tokens", usage.outputTokens);
    }
    if (instruments !== undefined) {
      if (usage?.inputTokens !== undefined) {
        instruments.tokenUsage.record(usage.inputTokens, { ...metric, "gen_ai.token.type": "input" });
      }
      if (usage?.outputTokens !== undefined) {
        instruments.tokenUsage.record(usage.outputTokens, { ...metric, "gen_ai.token.type": "output" });
      }
    }
    return result;
  } catch (error) {
    const type = providerErrorType(error);
    metric["error.type"] = type;
    failSpan(span, api, error, type);
    throw error;
  } finally {
    span?.end();
    instruments?.genAIDuration.record((performance.now() - started) / 1000, metric);
  }
}
