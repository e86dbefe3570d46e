/**
 * A fake Anthropic Messages API server: real `@anthropic-ai/sdk` clients talk to it over HTTP, it
 * records every body, and answers from a script or a responder. By default it echoes the last user
 * message: `echo: <text>`. Its `url` is the origin (the SDK appends `/v1/messages`).
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

/** One answer. Exactly one of the forms: a message, a provider error, a hang, or a raw reply. */
export type AnthropicScript =
  | {
      text?: string;
      toolUses?: Array<{ id?: string; name: string; input?: Record<string, unknown> }>;
      /** Content blocks sent as they are, before text and tool uses (e.g. a thinking block). */
      extraBlocks?: unknown[];
      /** Default: `tool_use` when there are tool uses, else `end_turn`. */
      stopReason?: string | null;
      stopSequence?: string | null;
      /** Default: the model the request named. */
      model?: string;
      /** Default: word counts of the prompt and the answer. */
      usage?: { input_tokens: number; output_tokens: number };
    }
  | { error: { status: number; message: string; type?: string } }
  | { hang: true }
  | { raw: { status?: number; headers?: Record<string, string>; body: unknown } };

export type AnthropicResponder = (
  body: WireJson,
  call: RecordedCall,
) => AnthropicScript | Promise<AnthropicScript>;

export interface FakeAnthropicOptions {
  /** Answers requests once the scripted queue is empty (default: echo). */
  respond?: AnthropicResponder;
  /** Answers used in order, one per request, before `respond`. */
  script?: AnthropicScript[];
}

export interface FakeAnthropic {
  /** Base URL for clients (origin; the SDK adds `/v1/messages`). */
  url: string;
  /** Bodies of every messages request, in order. */
  requests: WireJson[];
  calls: RecordedCall[];
  readonly abandoned: number;
  enqueue(...scripts: AnthropicScript[]): void;
  /** The next streamed answer stops after its first text delta until `release()` is called. */
  pauseNextStream(): () => void;
  setResponder(respond: AnthropicResponder): void;
  /** Forget recorded requests and queued answers; go back to the default responder. */
  reset(): void;
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  waitForAbandoned(count?: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const queue: AnthropicScript[] = [...(options.script ?? [])];
  let respond: AnthropicResponder = options.respond ?? echoResponder;
  const requests: WireJson[] = [];
  let counter = 0;

  const server: FakeHttpServer = await startFakeHttp(async (call) => {
    if (call.method !== "POST" || !call.path.startsWith("/v1/messages")) {
      return anthropicError(404, `Unknown route ${call.method} ${call.path}`);
    }
    requests.push(call.body);
    const body = call.body ?? {};
    const script = queue.shift() ?? (await respond(body, call));
    counter += 1;
    const reply = toReply(script, body, counter);
    if (body.stream !== true || !("body" in reply) || (reply.status ?? 200) !== 200) return reply;
    const hold = pause;
    pause = undefined;
    const events = toEvents(reply.body as WireJson);
    // Paused after message_start, the first block's start and its first delta.
    return { sse: events, ...(hold !== undefined && { pauseAfter: 3, resume: hold }) };
  });
  let pause: Promise<void> | undefined;

  return {
    url: server.origin,
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

/** The default: `echo: <text of the last user message>` (tool results count as text). */
export const echoResponder: AnthropicResponder = (body) => ({ text: `echo: ${lastUserText(body)}` });

export function lastUserText(body: WireJson): string {
  const messages: WireJson[] = Array.isArray(body?.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === "user") return contentText(messages[i].content);
  }
  return "";
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((block) => {
      if (block?.type === "text") return block.text;
      if (block?.type === "tool_result") return contentText(block.content);
      return "";
    })
    .filter((text) => text !== "")
    .join(" ");
}

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

export function anthropicError(status: number, message: string, type?: string): FakeReply {
  return {
    status,
    headers: { "request-id": `req_fake_${status}` },
    body: {
      type: "error",
      error: { type: type ?? ERROR_TYPES[status] ?? "api_error", message },
      request_id: `req_fake_${status}`,
    },
  };
}

function toReply(script: AnthropicScript, body: WireJson, counter: number): FakeReply {
  if ("hang" in script) return { hang: true };
  if ("raw" in script)
    return { status: script.raw.status ?? 200, headers: script.raw.headers ?? {}, body: script.raw.body };
  if ("error" in script) return anthropicError(script.error.status, script.error.message, script.error.type);
  const toolUses = (script.toolUses ?? []).map((use, index) => ({
    type: "tool_use",
    id: use.id ?? `toolu_fake_${counter}_${index}`,
    name: use.name,
    input: use.input ?? {},
  }));
  const text = script.text ?? "";
  const content = [
    ...(script.extraBlocks ?? []),
    ...(text !== "" || toolUses.length === 0 ? [{ type: "text", text, citations: null }] : []),
    ...toolUses,
  ];
  const messages: WireJson[] = Array.isArray(body.messages) ? body.messages : [];
  const promptWords = messages.reduce((sum, message) => sum + countWords(contentText(message?.content)), 0);
  const usage = script.usage ?? { input_tokens: promptWords, output_tokens: countWords(text) };
  return {
    status: 200,
    headers: { "request-id": `req_fake_ok_${counter}` },
    body: {
      id: `msg_fake_${counter}`,
      type: "message",
      role: "assistant",
      model: script.model ?? body.model ?? "claude-fake",
      content,
      stop_reason:
        script.stopReason === undefined ? (toolUses.length > 0 ? "tool_use" : "end_turn") : script.stopReason,
      stop_sequence: script.stopSequence ?? null,
      usage: { cache_creation_input_tokens: null, cache_read_input_tokens: null, ...usage },
    },
  };
}

/**
 * A message as the Messages API streams it: message_start (usage so far), per block a start, its
 * deltas (text word by word, tool input as two partial_json pieces) and a stop, then message_delta
 * (stop reason, output tokens) and message_stop.
 */
function toEvents(message: WireJson): SseEvent[] {
  const event = (type: string, data: WireJson): SseEvent => ({ event: type, data: { type, ...data } });
  const events: SseEvent[] = [
    event("message_start", {
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...message.usage, output_tokens: 0 },
      },
    }),
  ];
  (message.content as WireJson[]).forEach((block, index) => {
    if (block.type === "text") {
      events.push(
        event("content_block_start", { index, content_block: { type: "text", text: "", citations: null } }),
      );
      for (const piece of textPieces(block.text)) {
        events.push(event("content_block_delta", { index, delta: { type: "text_delta", text: piece } }));
      }
    } else if (block.type === "tool_use") {
      events.push(event("content_block_start", { index, content_block: { ...block, input: {} } }));
      const json = JSON.stringify(block.input);
      const half = Math.ceil(json.length / 2);
      for (const part of [json.slice(0, half), json.slice(half)]) {
        events.push(
          event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: part } }),
        );
      }
    } else {
      events.push(event("content_block_start", { index, content_block: block }));
    }
    events.push(event("content_block_stop", { index }));
  });
  events.push(
    event("message_delta", {
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
      usage: { output_tokens: message.usage.output_tokens },
    }),
  );
  events.push(event("message_stop", {}));
  return events;
}
