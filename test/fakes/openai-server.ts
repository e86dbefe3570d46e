/**
 * A fake OpenAI Chat Completions server: real `openai` clients (and the AI SDK's OpenAI-compatible
 * provider) talk to it over HTTP, it records every body, and answers from a script or a responder.
 * By default it echoes the last user (or tool) message: `echo: <text>`.
 */
import {
  countWords,
  type FakeHttpServer,
  type FakeReply,
  type RecordedCall,
  startFakeHttp,
  type WireJson,
} from "./http-fake.js";

export type { RecordedCall, WireJson } from "./http-fake.js";

export interface OpenAIToolCallScript {
  id?: string;
  name: string;
  /** An object is JSON-encoded; a string is sent as is (to test bad JSON). */
  arguments?: Record<string, unknown> | string;
}

/** One answer. Exactly one of the forms: a completion, a provider error, a hang, or a raw reply. */
export type OpenAIScript =
  | {
      text?: string | null;
      toolCalls?: OpenAIToolCallScript[];
      /** Default: `tool_calls` when there are tool calls, else `stop`. */
      finishReason?: string;
      refusal?: string;
      /** Default: the model the request named. */
      model?: string;
      /** Default: word counts of the prompt and the answer; `null` sends no usage. */
      usage?: { prompt_tokens: number; completion_tokens: number } | null;
      /** Extra fields merged into the choice (e.g. vLLM's `stop_reason`). */
      choiceExtra?: Record<string, unknown>;
    }
  | { error: { status: number; message: string; type?: string; code?: string | null } }
  | { hang: true }
  | { raw: { status?: number; headers?: Record<string, string>; body: unknown } };

export type OpenAIResponder = (body: WireJson, call: RecordedCall) => OpenAIScript | Promise<OpenAIScript>;

export interface FakeOpenAIOptions {
  /** Answers requests once the scripted queue is empty (default: echo). */
  respond?: OpenAIResponder;
  /** Answers used in order, one per request, before `respond`. */
  script?: OpenAIScript[];
}

export interface FakeOpenAI {
  /** Base URL for clients, ending in `/v1`. */
  url: string;
  /** Bodies of every chat-completions request, in order. */
  requests: WireJson[];
  /** Every request with method, path and headers. */
  calls: RecordedCall[];
  readonly abandoned: number;
  /** Queue answers for the next requests. */
  enqueue(...scripts: OpenAIScript[]): void;
  setResponder(respond: OpenAIResponder): void;
  /** Forget recorded requests and queued answers; go back to the default responder. */
  reset(): void;
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  waitForAbandoned(count?: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const queue: OpenAIScript[] = [...(options.script ?? [])];
  let respond: OpenAIResponder = options.respond ?? echoResponder;
  const requests: WireJson[] = [];
  let counter = 0;

  const server: FakeHttpServer = await startFakeHttp(async (call) => {
    if (call.method !== "POST" || !call.path.startsWith("/v1/chat/completions")) {
      return openAIError(404, `Unknown route ${call.method} ${call.path}`, "invalid_request_error");
    }
    requests.push(call.body);
    const body = call.body ?? {};
    if (body.stream === true) {
      return openAIError(400, "The fake OpenAI server does not stream", "invalid_request_error");
    }
    const script = queue.shift() ?? (await respond(body, call));
    counter += 1;
    return toReply(script, body, counter);
  });

  return {
    url: `${server.origin}/v1`,
    requests,
    calls: server.calls,
    get abandoned() {
      return server.abandoned;
    },
    enqueue: (...scripts) => queue.push(...scripts),
    setResponder: (next) => {
      respond = next;
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      server.calls.length = 0;
      respond = options.respond ?? echoResponder;
    },
    waitForRequests: (count, timeoutMs) => server.waitForCalls(count, timeoutMs),
    waitForAbandoned: (count, timeoutMs) => server.waitForAbandoned(count, timeoutMs),
    close: () => server.close(),
  };
}

/** The default: `echo: <text of the last user or tool message>`. */
export const echoResponder: OpenAIResponder = (body) => ({ text: `echo: ${lastUserText(body)}` });

export function lastUserText(body: WireJson): string {
  const messages: WireJson[] = Array.isArray(body?.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === "user" || message?.role === "tool") return contentText(message.content);
  }
  return "";
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((part) => part?.type === "text")
    .map((part) => part.text)
    .join(" ");
}

function promptWords(body: WireJson): number {
  const messages: WireJson[] = Array.isArray(body?.messages) ? body.messages : [];
  return messages.reduce((sum, message) => sum + countWords(contentText(message?.content)), 0);
}

export function openAIError(status: number, message: string, type?: string, code?: string | null): FakeReply {
  return {
    status,
    body: { error: { message, type: type ?? defaultErrorType(status), param: null, code: code ?? null } },
  };
}

function defaultErrorType(status: number): string {
  if (status === 401) return "invalid_request_error";
  if (status === 429) return "rate_limit_exceeded";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

function toReply(script: OpenAIScript, body: WireJson, counter: number): FakeReply {
  if ("hang" in script) return { hang: true };
  if ("raw" in script)
    return { status: script.raw.status ?? 200, headers: script.raw.headers ?? {}, body: script.raw.body };
  if ("error" in script) {
    return openAIError(script.error.status, script.error.message, script.error.type, script.error.code);
  }
  const toolCalls = (script.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `call_${counter}_${index}`,
    type: "function",
    function: {
      name: call.name,
      arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {}),
    },
  }));
  const text = script.text === undefined ? (toolCalls.length > 0 ? null : "") : script.text;
  const usage =
    script.usage === null
      ? undefined
      : (script.usage ?? {
          prompt_tokens: promptWords(body),
          completion_tokens: countWords(text ?? ""),
        });
  return {
    status: 200,
    body: {
      id: `chatcmpl-fake-${counter}`,
      object: "chat.completion",
      created: 1_700_000_000 + counter,
      model: script.model ?? body.model ?? "fake-model",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: text,
            refusal: script.refusal ?? null,
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          },
          logprobs: null,
          finish_reason: script.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop"),
          ...script.choiceExtra,
        },
      ],
      ...(usage !== undefined
        ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } }
        : {}),
    },
  };
}
