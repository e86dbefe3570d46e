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
  type SseEvent,
  startFakeHttp,
  streamPause,
  textPieces,
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
  /** The next streamed answer stops after its first text delta until `release()` is called. */
  pauseNextStream(): () => void;
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
    const script = queue.shift() ?? (await respond(body, call));
    counter += 1;
    const reply = toReply(script, body, counter);
    if (body.stream !== true || !("body" in reply) || (reply.status ?? 200) !== 200) return reply;
    const events = toChunks(reply.body as WireJson, body.stream_options?.include_usage === true);
    const hold = pause;
    pause = undefined;
    // Paused after the role chunk and the first text delta.
    return { sse: events, ...(hold !== undefined && { pauseAfter: 2, resume: hold }) };
  });
  let pause: Promise<void> | undefined;

  return {
    url: `${server.origin}/v1`,
    requests,
    calls: server.calls,
    get abandoned() {
      return server.abandoned;
    },
    enqueue: (...scripts) => queue.push(...scripts),
    pauseNextStream: () => {
      const { resume, release } = streamPause();
      pause = resume;
      return release;
    },
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

/**
 * A completion as the Chat Completions stream sends it: a role chunk, the text word by word, each
 * tool call (id and name first, then its arguments in two pieces), the finish reason, the usage
 * chunk when asked for (`stream_options.include_usage`), then `[DONE]`.
 */
export function toChunks(completion: WireJson, includeUsage: boolean): SseEvent[] {
  const base = {
    id: completion.id,
    object: "chat.completion.chunk",
    created: completion.created,
    model: completion.model,
  };
  const choice = completion.choices[0];
  const chunk = (delta: WireJson, finish: string | null = null, extra: WireJson = {}) => ({
    data: { ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish, ...extra }] },
  });
  const events: SseEvent[] = [chunk({ role: "assistant", content: "" })];
  for (const piece of textPieces(choice.message.content ?? "")) events.push(chunk({ content: piece }));
  if (choice.message.refusal) events.push(chunk({ refusal: choice.message.refusal }));
  (choice.message.tool_calls ?? []).forEach((call: WireJson, index: number) => {
    const args: string = call.function.arguments;
    const half = Math.ceil(args.length / 2);
    events.push(
      chunk({
        tool_calls: [
          {
            index,
            id: call.id,
            type: "function",
            function: { name: call.function.name, arguments: args.slice(0, half) },
          },
        ],
      }),
    );
    events.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] }));
  });
  const { index: _index, message: _message, logprobs: _logprobs, finish_reason, ...extra } = choice;
  events.push(chunk({}, finish_reason, extra));
  if (includeUsage && completion.usage !== undefined) {
    events.push({ data: { ...base, choices: [], usage: completion.usage } });
  }
  events.push({ data: "[DONE]" });
  return events;
}
