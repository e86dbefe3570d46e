/**
 * A tiny recording HTTP server on 127.0.0.1 (random port) for fake LLM providers: it keeps every
 * request body it receives, answers through a handler, can hang on purpose, and notices when a
 * client gives up on a request (the socket closes before the answer was sent).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** JSON as it came off the wire; tests dig into it freely. */
// biome-ignore lint/suspicious/noExplicitAny: recorded bodies are arbitrary JSON that tests inspect field by field
export type WireJson = any;

export interface RecordedCall {
  method: string;
  /** Path with query, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (the raw text when it was not JSON; undefined when empty). */
  body: WireJson;
}

/** One server-sent event: `data` is JSON-encoded unless it is a string already. */
export interface SseEvent {
  event?: string;
  data: unknown;
}

/** A streamed answer; with `pauseAfter`, the events after that many wait for `resume` (to prove a client reads live). */
export interface SseReply {
  status?: number;
  headers?: Record<string, string>;
  sse: SseEvent[];
  pauseAfter?: number;
  resume?: Promise<void>;
}

/** What the handler answers: a JSON reply, a stream of events, or a request left hanging until the client goes away. */
export type FakeReply =
  | { status?: number; headers?: Record<string, string>; body: unknown }
  | SseReply
  | { hang: true };

export interface FakeHttpServer {
  /** Origin, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  origin: string;
  calls: RecordedCall[];
  /** Requests whose client disconnected before the answer was written (e.g. an aborted fetch). */
  readonly abandoned: number;
  /** Resolves once `count` requests in all have arrived. */
  waitForCalls(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves once `count` requests in all have been abandoned by their client. */
  waitForAbandoned(count?: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeHttp(
  handle: (call: RecordedCall) => FakeReply | Promise<FakeReply>,
): Promise<FakeHttpServer> {
  const calls: RecordedCall[] = [];
  let abandoned = 0;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const waitFor = (ready: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      if (ready()) return resolve();
      const check = () => {
        if (!ready()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake provider: timed out waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
    });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const call: RecordedCall = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: req.headers,
        body: parseBody(text),
      };
      calls.push(call);
      // Count a disconnect only while the answer is still owed.
      res.on("close", () => {
        if (!res.writableFinished) {
          abandoned += 1;
          notify();
        }
      });
      notify();
      Promise.resolve()
        .then(() => handle(call))
        .then(
          (reply) => send(res, reply),
          (error: unknown) =>
            send(res, {
              status: 500,
              body: { error: { message: `fake provider crashed: ${String(error)}` } },
            }),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    calls,
    get abandoned() {
      return abandoned;
    },
    waitForCalls: (count, timeoutMs = 5_000) =>
      waitFor(() => calls.length >= count, `${count} request(s)`, timeoutMs),
    waitForAbandoned: (count = 1, timeoutMs = 5_000) =>
      waitFor(() => abandoned >= count, `${count} abandoned request(s)`, timeoutMs),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function send(res: ServerResponse, reply: FakeReply): void | Promise<void> {
  if ("hang" in reply) return; // never answer; the client's abort or timeout ends it
  if (res.destroyed) return;
  if ("sse" in reply) return sendEvents(res, reply);
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
  res.end(payload);
}

/** Writes events one at a time (each its own write, a turn of the event loop apart), as a provider streams. */
async function sendEvents(res: ServerResponse, reply: SseReply): Promise<void> {
  res.writeHead(reply.status ?? 200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    ...reply.headers,
  });
  for (const [index, event] of reply.sse.entries()) {
    if (res.destroyed) return;
    if (index === reply.pauseAfter && reply.resume !== undefined) await reply.resume;
    const data = typeof event.data === "string" ? event.data : JSON.stringify(event.data);
    res.write(`${event.event !== undefined ? `event: ${event.event}\n` : ""}data: ${data}\n\n`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  res.end();
}

/** Counts words, a deterministic stand-in for token counts. */
export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === "" ? 0 : trimmed.split(/\s+/).length;
}

/** Splits text into the pieces a provider would stream: each word with the spaces after it. */
export function textPieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** A pause for the next stream: `pause` is handed to the reply, `release` lets the rest of the events go. */
export function streamPause(): { resume: Promise<void>; release: () => void } {
  let release: () => void = () => {};
  const resume = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { resume, release };
}
