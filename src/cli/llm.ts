import { createHumanSamplingHandler } from "../human/human-handler.js";
import type { SamplingHandler, SamplingHandlerObject } from "../sampling/types.js";
import { CliError, configError, usageError } from "./errors.js";
import { createOfflineModel } from "./offline-model.js";

export type LlmKind = "auto" | "openai" | "anthropic" | "ollama" | "human" | "offline" | "none";

export interface LlmSpec {
  kind: LlmKind;
  model?: string;
}

export interface ResolvedLlm {
  handler: SamplingHandler;
  kind: Exclude<LlmKind, "auto" | "none">;
  /** One line for people: which LLM answers, and where. */
  description: string;
  /** A person answers (no spinner, keep the terminal quiet). */
  interactive: boolean;
}

export interface ResolveLlmOptions {
  env?: NodeJS.ProcessEnv;
  stdinIsTTY?: boolean;
  /** The demo (only) falls back to the offline model when `auto` finds nothing and no person can answer. */
  offlineFallback?: boolean;
  probeTimeoutMs?: number;
  /** Streams provider answers (openai, anthropic, ollama) and gets each text delta, to show it live. */
  onToken?: (delta: string) => void;
}

const KINDS: LlmKind[] = ["auto", "openai", "anthropic", "ollama", "human", "offline", "none"];
export const DEFAULT_OPENAI_MODEL = "gpt-4o-mini";
export const DEFAULT_ANTHROPIC_MODEL = "claude-sonnet-4-5";

export const NO_LLM_HELP = [
  "No LLM configured to answer sampling requests. Configure one of:",
  "  OPENAI_API_KEY (and/or OPENAI_BASE_URL for any OpenAI-compatible server)   --llm openai:<model>",
  "  ANTHROPIC_API_KEY                                                          --llm anthropic:<model>",
  "  an Ollama server on 127.0.0.1:11434 (or OLLAMA_HOST)                       --llm ollama[:<model>]",
  "  or answer the requests yourself in a terminal                              --llm human",
].join("\n");

/** `openai:gpt-4o`, `anthropic`, `ollama:llama3.2:1b`, `human`, `auto`, `offline`. */
export function parseLlmSpec(text: string, command?: string): LlmSpec {
  const colon = text.indexOf(":");
  const kind = (colon < 0 ? text : text.slice(0, colon)).toLowerCase() as LlmKind;
  const model = colon < 0 ? undefined : text.slice(colon + 1);
  if (!KINDS.includes(kind)) {
    throw usageError(
      `Unknown --llm "${text}": use openai:<model>, anthropic:<model>, ollama[:<model>], human, auto or none.`,
      command,
    );
  }
  if (model !== undefined && (model === "" || ["auto", "human", "offline", "none"].includes(kind))) {
    throw usageError(
      `--llm ${kind} takes ${model === "" ? "a model name after the colon" : "no model"}.`,
      command,
    );
  }
  return model === undefined ? { kind } : { kind, model };
}

const has = (value: string | undefined): value is string => value !== undefined && value !== "";

/** Picks and builds the sampling handler an `--llm` spec names; `auto` tries each source in order. */
export async function resolveLlm(spec: LlmSpec, options: ResolveLlmOptions = {}): Promise<ResolvedLlm> {
  const env = options.env ?? process.env;
  switch (spec.kind) {
    case "openai":
      return openAI(env, spec.model, options.onToken);
    case "anthropic":
      return anthropic(env, spec.model, options.onToken);
    case "ollama": {
      const origin = ollamaOrigin(env);
      const models = await probeOllama(origin, options.probeTimeoutMs ?? 2_000);
      if (models === undefined)
        throw configError(`No Ollama server answered at ${origin} (start it with "ollama serve").`);
      return ollama(origin, models, spec.model, options.onToken);
    }
    case "human":
      return human();
    case "offline":
      return offline();
    case "none":
      // The commands handle "none" themselves (no sampling declared); nothing is resolved for it.
      throw configError("--llm none names no LLM to answer sampling requests.");
  }
  if (has(env.OPENAI_BASE_URL) || has(env.OPENAI_API_KEY)) return openAI(env, undefined, options.onToken);
  if (has(env.ANTHROPIC_API_KEY)) return anthropic(env, undefined, options.onToken);
  const origin = ollamaOrigin(env);
  const models = await probeOllama(origin, options.probeTimeoutMs ?? 400);
  if (models !== undefined && models.length > 0) return ollama(origin, models, undefined, options.onToken);
  if (options.stdinIsTTY ?? process.stdin.isTTY === true) return human();
  if (options.offlineFallback === true) return offline();
  throw configError(NO_LLM_HELP);
}

async function importOpenAI() {
  try {
    return (await import("openai")).default;
  } catch {
    throw configError('--llm openai/ollama needs the "openai" package: npm install openai');
  }
}

type OnToken = ((delta: string) => void) | undefined;

/** The handler option that makes it stream, when someone shows the deltas. */
const streaming = (onToken: OnToken) =>
  onToken === undefined ? {} : { onToken: (delta: string) => onToken(delta) };

async function openAI(
  env: NodeJS.ProcessEnv,
  model: string | undefined,
  onToken: OnToken,
): Promise<ResolvedLlm> {
  const baseURL = has(env.OPENAI_BASE_URL) ? env.OPENAI_BASE_URL.replace(/\/+$/, "") : undefined;
  if (baseURL === undefined && !has(env.OPENAI_API_KEY)) {
    throw configError(
      "--llm openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for an OpenAI-compatible server).",
    );
  }
  const [OpenAI, { OpenAISamplingHandler }] = await Promise.all([
    importOpenAI(),
    import("../handlers/openai.js"),
  ]);
  // Local OpenAI-compatible servers often need no key, but the SDK insists on one.
  const client = new OpenAI({
    apiKey: has(env.OPENAI_API_KEY) ? env.OPENAI_API_KEY : "not-needed",
    baseURL,
    maxRetries: 0,
  });
  const listed =
    model === undefined && !has(env.OPENAI_MODEL) && baseURL !== undefined
      ? await listModels(baseURL, env.OPENAI_API_KEY)
      : [];
  const chosen =
    model ?? (has(env.OPENAI_MODEL) ? env.OPENAI_MODEL : undefined) ?? listed[0] ?? DEFAULT_OPENAI_MODEL;
  const handler = new OpenAISamplingHandler({
    defaultModel: chosen,
    client,
    ...streaming(onToken),
    ...(listed.length > 0 && { models: listed }),
    // Compatible servers (vLLM, LM Studio, llama.cpp…) know max_tokens; OpenAI itself wants max_completion_tokens.
    ...(baseURL !== undefined &&
      !baseURL.includes("api.openai.com") && { maxTokensField: "max_tokens" as const }),
  });
  const where = baseURL !== undefined ? `OpenAI-compatible endpoint ${baseURL}` : "OpenAI";
  return { handler, kind: "openai", description: `${where}, model ${chosen}`, interactive: false };
}

/** The ids a compatible server lists at GET /models (so vLLM or LM Studio get a model they serve). */
async function listModels(baseURL: string, apiKey: string | undefined): Promise<string[]> {
  try {
    const response = await fetch(`${baseURL}/models`, {
      signal: AbortSignal.timeout(2_000),
      ...(has(apiKey) && { headers: { authorization: `Bearer ${apiKey}` } }),
    });
    if (!response.ok) return [];
    const body = (await response.json()) as { data?: Array<{ id?: unknown }> };
    return (body.data ?? []).map((entry) => entry.id).filter((id): id is string => typeof id === "string");
  } catch {
    return [];
  }
}

async function anthropic(
  env: NodeJS.ProcessEnv,
  model: string | undefined,
  onToken: OnToken,
): Promise<ResolvedLlm> {
  if (!has(env.ANTHROPIC_API_KEY)) throw configError("--llm anthropic needs ANTHROPIC_API_KEY.");
  const { AnthropicSamplingHandler } = await import("../handlers/anthropic.js");
  const chosen = model ?? (has(env.ANTHROPIC_MODEL) ? env.ANTHROPIC_MODEL : DEFAULT_ANTHROPIC_MODEL);
  const handler = new AnthropicSamplingHandler({ defaultModel: chosen, ...streaming(onToken) });
  return { handler, kind: "anthropic", description: `Anthropic, model ${chosen}`, interactive: false };
}

/** Ollama's address from OLLAMA_HOST (`host`, `host:port` or a URL), default 127.0.0.1:11434. */
export function ollamaOrigin(env: NodeJS.ProcessEnv): string {
  const raw = has(env.OLLAMA_HOST) ? env.OLLAMA_HOST : "127.0.0.1:11434";
  const url = new URL(/^https?:\/\//i.test(raw) ? raw : `http://${raw}`);
  if (url.port === "" && !/^https?:\/\/[^/]*:\d+/i.test(raw)) url.port = "11434";
  if (url.hostname === "0.0.0.0") url.hostname = "127.0.0.1";
  return url.origin;
}

/** The models an Ollama server lists, or `undefined` when none answers in time. */
export async function probeOllama(origin: string, timeoutMs: number): Promise<string[] | undefined> {
  try {
    const response = await fetch(`${origin}/api/tags`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { models?: Array<{ name?: unknown; model?: unknown }> };
    return (body.models ?? [])
      .map((entry) => entry.name ?? entry.model)
      .filter((name): name is string => typeof name === "string");
  } catch {
    return undefined;
  }
}

async function ollama(
  origin: string,
  models: string[],
  model: string | undefined,
  onToken: OnToken,
): Promise<ResolvedLlm> {
  const chosen = model ?? models[0];
  if (chosen === undefined)
    throw configError(`Ollama at ${origin} has no models; pull one first: ollama pull llama3.2`);
  const [OpenAI, { OpenAISamplingHandler }] = await Promise.all([
    importOpenAI(),
    import("../handlers/openai.js"),
  ]);
  const client = new OpenAI({ apiKey: "ollama", baseURL: `${origin}/v1`, maxRetries: 0 });
  const handler = new OpenAISamplingHandler({
    defaultModel: chosen,
    client,
    ...streaming(onToken),
    models: models.includes(chosen) ? models : [chosen, ...models],
    maxTokensField: "max_tokens",
  });
  return { handler, kind: "ollama", description: `Ollama at ${origin}, model ${chosen}`, interactive: false };
}

function human(): ResolvedLlm {
  return {
    handler: createHumanSamplingHandler(),
    kind: "human",
    description: "you (human-in-the-loop: requests are shown here, you type the answers)",
    interactive: true,
  };
}

function offline(): ResolvedLlm {
  return {
    handler: createOfflineModel(),
    kind: "offline",
    description: "the built-in offline echo model (scripted, deterministic — not a real LLM)",
    interactive: false,
  };
}

/**
 * A handler that picks its LLM on the first sampling request, so commands whose tools never
 * sample need no LLM configured. A configuration failure is kept for the exit code (2).
 */
export function lazyLlm(
  resolve: () => Promise<ResolvedLlm>,
  onResolved?: (llm: ResolvedLlm) => void,
): { handler: SamplingHandlerObject; failure(): CliError | undefined } {
  let pending: Promise<ResolvedLlm> | undefined;
  let failure: CliError | undefined;
  const handler: SamplingHandlerObject = {
    async createMessage(messages, params, context) {
      pending ??= resolve().then((llm) => {
        onResolved?.(llm);
        return llm;
      });
      let llm: ResolvedLlm;
      try {
        llm = await pending;
      } catch (error) {
        if (error instanceof CliError) failure = error;
        throw new Error((error as Error).message.split("\n")[0]);
      }
      const target = llm.handler;
      return typeof target === "function"
        ? target(messages, params, context)
        : target.createMessage(messages, params, context);
    },
  };
  return { handler, failure: () => failure };
}
