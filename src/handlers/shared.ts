import { abortReason } from "../abort.js";
import { FastMCPError, ProviderError } from "../errors.js";
import type { ModelScores } from "../sampling/model-selection.js";
import type {
  CreateMessageResultWithTools,
  RequestContext,
  SamplingMessageContentBlock,
  Tool,
  ToolResultContent,
} from "../sampling/types.js";

// The class lives with the error family; each handler subpath re-exports it from here.
export { ProviderError };

/** Options every provider handler takes for model selection. */
export interface ModelChoiceOptions {
  /** The model used when no hint or priority picks another. */
  defaultModel: string;
  /** Names that `modelPreferences` hints may select (default `[defaultModel]`); any custom name works. */
  models?: string[];
  /** Per-model scores so cost/speed/intelligence priorities can choose among `models`. */
  scores?: Record<string, ModelScores>;
}

type Loose = Record<string, unknown>;

function asRecord(value: unknown): Loose | undefined {
  return typeof value === "object" && value !== null ? (value as Loose) : undefined;
}

function asString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Turns whatever a provider SDK threw into an error for the caller. A call cut short by `signal`
 * rejects with the abort reason (so cancellations read as cancellations, not as provider failures);
 * anything else becomes a `ProviderError` whose message names the provider, the status and the
 * provider's own message. Our local mapping errors pass through untouched.
 */
export function toProviderError(
  provider: string,
  error: unknown,
  signal: AbortSignal,
  secrets: ReadonlyArray<string | null | undefined> = [],
): Error {
  if (signal.aborted) return abortReason(signal);
  // A ProviderError is a FastMCPError too: it is redacted again before the pass-through below.
  if (error instanceof ProviderError) {
    const clean = redact(error.message, secrets);
    return clean === error.message
      ? error
      : new ProviderError(error.provider, clean, { ...error, cause: error });
  }
  if (FastMCPError.isInstance(error)) return error;
  // The AI SDK wraps exhausted retries; the last attempt holds the provider's answer.
  const record = asRecord(error) ?? {};
  const inner = record.lastError !== undefined && record.name === "AI_RetryError" ? record.lastError : error;
  const details = asRecord(inner) ?? {};
  const status =
    typeof details.status === "number"
      ? details.status
      : typeof details.statusCode === "number"
        ? details.statusCode
        : undefined;
  // OpenAI: error = body.error {message,type,code}; Anthropic: error = body {error:{type,message}}.
  const body = asRecord(details.error);
  const nested = asRecord(body?.error);
  const providerMessage =
    asString(details.apiMessage) ??
    asString(nested?.message) ??
    asString(body?.message) ??
    (inner instanceof Error ? inner.message : String(inner));
  // Anthropic's outer body type is the literal "error"; the useful type is the nested one.
  const rawType =
    asString(nested?.type) ?? asString(body?.type) ?? asString(body?.code) ?? asString(details.type);
  const errorType = rawType === "error" ? undefined : rawType;
  const kind = inner instanceof Error ? inner.constructor.name : "";
  const message =
    status !== undefined
      ? `${provider} API error ${status}${errorType !== undefined ? ` (${errorType})` : ""}: ${providerMessage}`
      : /timeout/i.test(kind)
        ? `${provider} request timed out: ${providerMessage}`
        : `${provider} request failed: ${providerMessage}`;
  // A provider or proxy may echo request headers back; the key must never reach a log or a client.
  return new ProviderError(provider, redact(message, secrets), {
    ...(status !== undefined ? { status } : {}),
    ...(errorType !== undefined ? { errorType } : {}),
    cause: error,
  });
}

// What provider keys and credentials look like, for keys this handler was not told about (an AI
// SDK provider holds its key out of reach): OpenAI/Anthropic `sk-…`, Google `AIza…`, bearer tokens.
const KEY_SHAPES = [
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[A-Za-z0-9_-]{20,}/g,
  /(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /(\b(?:x-api-key|x-goog-api-key|api[_-]?key)["']?\s*[:=]\s*["']?)[A-Za-z0-9._~+/=-]{8,}/gi,
];

/** The environment's provider keys (what the SDKs read by default). */
export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env)
    .filter(
      ([name, value]) => /(_API_KEY|_AUTH_TOKEN|_ACCESS_TOKEN)$/.test(name) && typeof value === "string",
    )
    .map(([, value]) => value as string);
}

/** `text` with every given secret and anything shaped like a key replaced by `[redacted]`. */
export function redact(text: string, secrets: ReadonlyArray<string | null | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (typeof secret === "string" && secret.length >= 8) out = out.split(secret).join("[redacted]");
  }
  for (const shape of KEY_SHAPES) {
    out = out.replace(
      shape,
      (_match, prefix?: unknown) => `${typeof prefix === "string" ? prefix : ""}[redacted]`,
    );
  }
  return out;
}

/** Loads an optional peer dependency on first use, with an install hint when it is missing. */
export async function loadPeer<T>(load: () => Promise<T>, pkg: string, entry: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new FastMCPError(
      "CONFIG",
      `${entry} needs the "${pkg}" package, which could not be loaded: npm install ${pkg}`,
      { cause: error },
    );
  }
}

/** A mapping error naming the content type and where it appeared. */
export function unsupportedContent(provider: string, what: string, detail?: string): FastMCPError {
  return new FastMCPError(
    "INVALID_ARGUMENT",
    `${provider} does not accept ${what}${detail !== undefined ? `: ${detail}` : ""}`,
  );
}

export const IMAGE_MIME_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;

export function checkImageMime(provider: string, mimeType: string): void {
  if (!(IMAGE_MIME_TYPES as readonly string[]).includes(mimeType.toLowerCase())) {
    throw unsupportedContent(
      provider,
      `image content of type ${mimeType}`,
      `use one of ${IMAGE_MIME_TYPES.join(", ")}`,
    );
  }
}

/** A tool-result part once embedded resources and links are reduced to what a provider can take. */
export type ToolResultPart =
  | { type: "text"; text: string }
  | { type: "image"; data: string; mimeType: string }
  | { type: "audio"; data: string; mimeType: string };

/** Flattens a tool result's blocks: text resources become text, links a line of text; blobs are refused. */
export function toolResultParts(provider: string, block: ToolResultContent): ToolResultPart[] {
  return block.content.map((part): ToolResultPart => {
    switch (part.type) {
      case "text":
        return { type: "text", text: part.text };
      case "image":
      case "audio":
        return { type: part.type, data: part.data, mimeType: part.mimeType };
      case "resource_link":
        return { type: "text", text: `Resource link: ${part.name} <${part.uri}>` };
      case "resource":
        if ("text" in part.resource) return { type: "text", text: part.resource.text };
        throw unsupportedContent(provider, "binary embedded resources in tool_result", part.resource.uri);
      default:
        throw unsupportedContent(provider, `${(part as { type: string }).type} content in tool_result`);
    }
  });
}

/** Marks a failed tool result for APIs without an error flag, unless the text already says so. */
export function errorPrefixed(text: string): string {
  return /^error\b/i.test(text) ? text : `Error: ${text}`;
}

/** A tool's input schema as a JSON Schema object (providers insist on `type: "object"`). */
export function objectSchema(tool: Tool): Record<string, unknown> {
  return { ...tool.inputSchema, type: "object" };
}

/** Maps a provider stop reason; unknown ones pass through as they are (the wire allows any string). */
export function mapStopReason(
  raw: string | null | undefined,
  table: Readonly<Record<string, string>>,
): string | undefined {
  if (raw === null || raw === undefined || raw === "") return undefined;
  return table[raw] ?? raw;
}

/** Token usage, the same shape for every provider handler: `_meta.usage`. */
export interface UsageMeta {
  inputTokens?: number;
  outputTokens?: number;
}

export function usageMeta(
  inputTokens: number | null | undefined,
  outputTokens: number | null | undefined,
): { _meta: { usage: UsageMeta } } | Record<string, never> {
  const usage: UsageMeta = {};
  if (typeof inputTokens === "number") usage.inputTokens = inputTokens;
  if (typeof outputTokens === "number") usage.outputTokens = outputTokens;
  return Object.keys(usage).length > 0 ? { _meta: { usage } } : {};
}

type AnswerBlock = Extract<SamplingMessageContentBlock, { type: "text" } | { type: "tool_use" }>;

/**
 * The answer's content: without tool calls, one text block (texts joined); with tool calls, a list
 * of the blocks in order (empty texts dropped). An empty answer is an empty text block so `stopReason` (e.g. `maxTokens`) still
 * reaches the caller instead of an opaque error.
 */
export function answerContent(blocks: AnswerBlock[]): CreateMessageResultWithTools["content"] {
  if (!blocks.some((block) => block.type === "tool_use")) {
    const text = blocks.map((block) => (block.type === "text" ? block.text : "")).join("");
    return { type: "text", text };
  }
  return blocks.filter((block) => block.type !== "text" || block.text !== "");
}

/** Checks the one option every provider handler needs. */
export function requireDefaultModel(
  handler: string,
  options: { defaultModel?: unknown },
  example: string,
): void {
  if (typeof options?.defaultModel !== "string" || options.defaultModel === "") {
    throw new FastMCPError("CONFIG", `${handler} needs a defaultModel, e.g. { defaultModel: "${example}" }`);
  }
}

/**
 * The provider client: the one the user gave, or one made on first use. A failed creation is
 * forgotten, so a later call can succeed once the environment is fixed.
 */
export function lazyClient<T>(given: T | undefined, create: () => Promise<T>): () => Promise<T> {
  let client: Promise<T> | undefined = given === undefined ? undefined : Promise.resolve(given);
  return () => {
    client ??= create().catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    return client;
  };
}

/** A handler's `onToken` option: each text delta of a streamed answer, with the request it belongs to. */
export type TokenCallback = (delta: string, context: RequestContext) => void;

/**
 * Where a request's text deltas go: the handler's own `onToken` and the request's (a server
 * forwarding progress); undefined when nobody listens, and the handler then does not stream.
 */
export function tokenSink(
  own: TokenCallback | undefined,
  context: RequestContext,
): ((delta: string) => void) | undefined {
  const forRequest = context.onToken;
  if (own === undefined) return forRequest;
  if (forRequest === undefined) return (delta) => own(delta, context);
  return (delta) => {
    own(delta, context);
    forRequest(delta);
  };
}
