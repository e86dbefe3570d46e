/**
 * A fake Gemini API (generativelanguage.googleapis.com): real `@google/genai` clients talk to it
 * with `httpOptions.baseUrl`. It answers `models/{model}:generateContent` with JSON and
 * `models/{model}:streamGenerateContent?alt=sse` with server-sent events (text word by word, the
 * finish reason and usage in the last chunk). By default it echoes the last user text.
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

export type GeminiScript =
  | {
      text?: string;
      functionCalls?: Array<{ name: string; args?: Record<string, unknown>; id?: string }>;
      /** Parts sent before the answer as they are (e.g. a thought part). */
      extraParts?: unknown[];
      /** Default `STOP`. */
      finishReason?: string;
      usage?: { promptTokenCount: number; candidatesTokenCount: number };
      modelVersion?: string;
    }
  | { error: { code: number; message: string; status: string } };

export interface FakeGemini {
  /** For `new GoogleGenAI({ apiKey, httpOptions: { baseUrl } })`. */
  url: string;
  requests: WireJson[];
  calls: RecordedCall[];
  enqueue(...scripts: GeminiScript[]): void;
  pauseNextStream(): () => void;
  reset(): void;
  close(): Promise<void>;
}

function userText(body: WireJson): string {
  const contents: WireJson[] = Array.isArray(body?.contents) ? body.contents : [];
  for (let i = contents.length - 1; i >= 0; i--) {
    if (contents[i]?.role !== "user") continue;
    return (contents[i].parts ?? [])
      .map((part: WireJson) => part.text ?? part.functionResponse?.response?.output ?? "")
      .filter((text: string) => text !== "")
      .join(" ");
  }
  return "";
}

export async function startFakeGemini(): Promise<FakeGemini> {
  const queue: GeminiScript[] = [];
  const requests: WireJson[] = [];
  let pause: Promise<void> | undefined;
  const server: FakeHttpServer = await startFakeHttp((call) => {
    const route = /^\/v1beta\/models\/([^:]+):(generateContent|streamGenerateContent)(\?.*)?$/.exec(
      call.path,
    );
    if (call.method !== "POST" || route === null) {
      return {
        status: 404,
        body: { error: { code: 404, message: `no route ${call.path}`, status: "NOT_FOUND" } },
      };
    }
    requests.push(call.body);
    const model = decodeURIComponent(route[1]!);
    const script = queue.shift() ?? { text: `echo: ${userText(call.body)}` };
    if ("error" in script) return { status: script.error.code, body: { error: script.error } };
    const answer = toAnswer(script, call.body, model);
    if (route[2] === "generateContent") return { body: answer };
    const hold = pause;
    pause = undefined;
    return { sse: toChunks(answer), ...(hold !== undefined && { pauseAfter: 1, resume: hold }) } as FakeReply;
  });
  return {
    url: server.origin,
    requests,
    calls: server.calls,
    enqueue: (...scripts) => queue.push(...scripts),
    pauseNextStream: () => {
      const { resume, release } = streamPause();
      pause = resume;
      return release;
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      server.calls.length = 0;
    },
    close: () => server.close(),
  };
}

function toAnswer(
  script: Exclude<GeminiScript, { error: unknown }>,
  body: WireJson,
  model: string,
): WireJson {
  const text = script.text ?? "";
  const parts: WireJson[] = [
    ...(script.extraParts ?? []),
    ...(text !== "" ? [{ text }] : []),
    ...(script.functionCalls ?? []).map((call) => ({
      functionCall: { ...(call.id !== undefined && { id: call.id }), name: call.name, args: call.args ?? {} },
    })),
  ];
  const prompt = (body?.contents ?? []).reduce(
    (sum: number, content: WireJson) =>
      sum + (content.parts ?? []).reduce((n: number, part: WireJson) => n + countWords(part.text ?? ""), 0),
    0,
  );
  const usage = script.usage ?? { promptTokenCount: prompt, candidatesTokenCount: countWords(text) };
  return {
    candidates: [
      { content: { role: "model", parts }, finishReason: script.finishReason ?? "STOP", index: 0 },
    ],
    usageMetadata: { ...usage, totalTokenCount: usage.promptTokenCount + usage.candidatesTokenCount },
    modelVersion: script.modelVersion ?? model,
    responseId: "fake-response",
  };
}

/** The answer as `streamGenerateContent` sends it: a chunk per word, other parts next, finish and usage last. */
function toChunks(answer: WireJson): SseEvent[] {
  const candidate = answer.candidates[0];
  const chunk = (parts: WireJson[], last = false): SseEvent => ({
    data: {
      candidates: [
        {
          content: { role: "model", parts },
          index: 0,
          ...(last && { finishReason: candidate.finishReason }),
        },
      ],
      ...(last && { usageMetadata: answer.usageMetadata }),
      modelVersion: answer.modelVersion,
      responseId: answer.responseId,
    },
  });
  const events: SseEvent[] = [];
  for (const part of candidate.content.parts as WireJson[]) {
    if (typeof part.text === "string" && part.thought !== true) {
      for (const piece of textPieces(part.text)) events.push(chunk([{ text: piece }]));
    } else events.push(chunk([part]));
  }
  events.push(chunk([], true));
  return events;
}
