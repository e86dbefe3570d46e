// A 2025 client by hand whose tools/call stream drops while the tool's sample is pending, and which
// resumes with Last-Event-ID — possibly on another instance than the one running the tool.
import { legacyInitialize, type RawMessage } from "./raw-http.js";

const BASE = { "content-type": "application/json", accept: "application/json, text/event-stream" };

interface SseEvent {
  id?: string;
  message?: RawMessage;
}

/** Reads SSE events until `stop` says so or the stream ends; then cancels the body. */
async function readEvents(response: Response, stop: (event: SseEvent) => boolean): Promise<SseEvent[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return events;
      buffer += value;
      for (let cut = buffer.indexOf("\n\n"); cut >= 0; cut = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event: SseEvent = {};
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("id:")) event.id = line.slice(3).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
        }
        const joined = data.join("\n");
        if (joined.length > 0) event.message = JSON.parse(joined) as RawMessage;
        if (event.id === undefined && event.message === undefined) continue; // comments, keep-alives
        events.push(event);
        if (stop(event)) return events;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

export interface ResumeOutcome {
  /** The sampling request, as the resumed stream replayed it. */
  samplingRequest: RawMessage;
  /** The tools/call result, as a later resumption delivered it. */
  result: RawMessage;
  /** How many GETs with Last-Event-ID it took to see the result. */
  resumptions: number;
}

/**
 * Opens a session on `urls[0]`, calls `tool` there and drops the stream right after its priming
 * event (the sample is pending, its request not yet read); resumes on `urls[1]` with Last-Event-ID,
 * answers the replayed sampling request there, and resumes again (on `urls[1]`) until the result.
 */
export async function dropAndResume(
  urls: [string, string],
  tool: string,
  args: Record<string, unknown>,
  answer: (request: RawMessage) => string,
): Promise<ResumeOutcome> {
  const [first, second] = urls;
  const init = await fetch(first, {
    method: "POST",
    headers: BASE,
    body: JSON.stringify(legacyInitialize()),
  });
  await init.text();
  const headers = {
    ...BASE,
    "mcp-session-id": init.headers.get("mcp-session-id") ?? "",
    "mcp-protocol-version": "2025-11-25",
  };
  await (
    await fetch(first, {
      method: "POST",
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    })
  ).text();

  const call = await fetch(first, {
    method: "POST",
    headers,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 7,
      method: "tools/call",
      params: { name: tool, arguments: args },
    }),
  });
  // The priming event carries the first event id; dropping here loses everything after it.
  const [priming] = await readEvents(call, () => true);
  if (priming?.id === undefined) throw new Error("no priming event: the stream is not resumable");

  const resume = async (lastEventId: string): Promise<Response> => {
    // 409 while the instance has not yet seen the old stream close (same instance only): retry.
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(second, {
        method: "GET",
        headers: { ...headers, accept: "text/event-stream", "last-event-id": lastEventId },
      });
      if (response.status !== 409 || attempt === 50) return response;
      await response.text();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const postAnswer = async (message: RawMessage) => {
    const posted = await fetch(second, {
      method: "POST",
      headers,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: message.id,
        result: { role: "assistant", content: { type: "text", text: answer(message) }, model: "m" },
      }),
    });
    if (posted.status !== 202) throw new Error(`answer refused: ${posted.status} ${await posted.text()}`);
  };

  let lastEventId = priming.id;
  let samplingRequest: RawMessage | undefined;
  let result: RawMessage | undefined;
  let resumptions = 0;
  const deadline = Date.now() + 20_000;
  while (result === undefined) {
    if (Date.now() > deadline) throw new Error(`no result after ${resumptions} resumptions`);
    resumptions++;
    const response = await resume(lastEventId);
    if (response.status !== 200)
      throw new Error(`resumption refused: ${response.status} ${await response.text()}`);
    // Answered as soon as it arrives: on the instance running the tool the resumed stream stays open
    // and carries the result too; elsewhere it ends after the replay and the next resumption gets it.
    let answering: Promise<void> | undefined;
    await readEvents(response, (event) => {
      if (event.id !== undefined) lastEventId = event.id;
      const message = event.message;
      if (message?.method === "sampling/createMessage" && samplingRequest === undefined) {
        samplingRequest = message;
        answering = postAnswer(message);
      }
      if (message?.id === 7 && (message.result !== undefined || message.error !== undefined))
        result = message;
      return result !== undefined;
    });
    await answering;
    if (result === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (samplingRequest === undefined) throw new Error("the sampling request was never replayed");
  await fetch(second, { method: "DELETE", headers });
  return { samplingRequest, result, resumptions };
}

/** The first message's text of a sampling request. */
export function promptOf(request: RawMessage): string {
  const messages = (request.params?.messages ?? []) as Array<{ content: { text?: string } }>;
  return messages[0]?.content.text ?? "";
}

/** The first text block of a tools/call result. */
export function resultText(message: RawMessage): string {
  const content = (message.result?.content ?? []) as Array<{ text?: string }>;
  return content[0]?.text ?? "";
}
