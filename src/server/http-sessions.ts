import type {
  JSONRPCMessage,
  RequestId,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  /** Who opened it (see principal.ts); another principal cannot use it. */
  principal: string | undefined;
  /** Whether anything came after `initialize`; an unused session is reaped sooner. */
  used: boolean;
  /** Requests and response streams in flight. */
  open: number;
  lastSeen: number;
  /** JSON-RPC requests of tracked POSTs not answered yet, with what to do when they are (or are cancelled). */
  unanswered: Map<RequestId, (cancelled?: boolean) => void>;
}

/** Follows one HTTP exchange on a session from before the transport sees it until its response ends. */
export interface Exchange {
  /** Hands over the transport's response; returns what to send the client. */
  respond(response: Response): Response;
}

const UNTRACKED: Exchange = { respond: (response) => response };

/**
 * The 2025-era sessions of one HTTP endpoint, and what keeps them from leaking when clients vanish:
 * a client that disconnects while its requests run has them cancelled (no event store here, so
 * their responses could never be delivered), and a session with nothing in flight for
 * `idleTimeoutMs` is closed, which also rejects whatever it still had pending.
 */
export class HttpSessions {
  private readonly sessions = new Map<string, Session>();
  private sweeper: ReturnType<typeof setInterval> | undefined;

  /**
   * `resumable`: streams are kept in an event store, so a client that disconnects can reconnect
   * (`Last-Event-ID`) and still get its answers; its requests then go on instead of being cancelled.
   */
  constructor(
    private readonly idleTimeoutMs: number | undefined,
    private readonly unusedTimeoutMs: number = Number.POSITIVE_INFINITY,
    private readonly resumable = false,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  add(id: string, transport: WebStandardStreamableHTTPServerTransport, principal: string | undefined): void {
    const session: Session = {
      transport,
      principal,
      used: false,
      open: 0,
      lastSeen: Date.now(),
      unanswered: new Map(),
    };
    // A POST's SSE stream ends once its requests are answered: seeing the answers go out tells us,
    // with no stream wrapped around the response (that re-wrap cost ~9% of the server's CPU per call).
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      if (isResponse(message)) {
        const answered = session.unanswered.get(message.id);
        session.unanswered.delete(message.id);
        answered?.();
      }
      return send(message, options);
    };
    this.sessions.set(id, session);
    this.startSweeper();
  }

  /** The session's transport, unless it is unknown or belongs to another principal. */
  get(id: string, principal: string | undefined): WebStandardStreamableHTTPServerTransport | undefined {
    const session = this.sessions.get(id);
    return session !== undefined && session.principal === principal ? session.transport : undefined;
  }

  /**
   * The requests a POST body cancels (`notifications/cancelled`), if any. A cancelled request gets no
   * response, and the SDK ends a POST's stream only once every request on it has one, so a stream left
   * waiting only for cancelled requests would stay open — and hold the client's connection — until the
   * session closes. It is ended instead. (Shared sessions route cancels over their store instead, and
   * never get here: see SharedSessions.dispatch.)
   */
  cancelledBy(id: string, body: unknown): void {
    const requestIds = cancelledIdsOf(body);
    if (requestIds.length === 0) return;
    const session = this.sessions.get(id);
    if (session === undefined) return;
    for (const requestId of requestIds) {
      const answered = session.unanswered.get(requestId);
      session.unanswered.delete(requestId);
      answered?.(true);
    }
  }

  delete(id: string): void {
    this.sessions.delete(id);
    if (this.sessions.size === 0) this.stopSweeper();
  }

  /**
   * Counts an exchange as in flight on its session until its response ends; call before the transport
   * sees the request, so no answer can slip past. If the client goes away first (the request's signal
   * aborts, or it cancels a response stream), the requests it carried that are still unanswered are
   * cancelled on the server, so their tools and samples stop.
   */
  begin(id: string, request: Request, requestIds: RequestId[], onEnd?: () => void): Exchange {
    const session = this.sessions.get(id);
    if (session === undefined) return UNTRACKED;
    const resumable = this.resumable;
    session.open++;
    session.lastSeen = Date.now();
    if (requestIds.length > 0 || request.method === "GET") session.used = true;
    let settled = false;
    let waiting = requestIds.length;
    const settle = (disconnected: boolean) => {
      if (settled) return;
      settled = true;
      request.signal.removeEventListener("abort", onAbort);
      session.open--;
      session.lastSeen = Date.now();
      const unanswered = requestIds.filter((requestId) => session.unanswered.delete(requestId));
      if (disconnected && !resumable) cancelRequests(session.transport, unanswered);
      // Resumable: the requests go on, and their stream is let go so a Last-Event-ID can take it over
      // (the SDK refuses a resumption while it still holds the old stream).
      if (disconnected && resumable)
        for (const requestId of unanswered) session.transport.closeSSEStream(requestId);
      onEnd?.();
    };
    const onAbort = () => settle(true);
    let cancelled = false;
    const answered = (wasCancelled = false) => {
      cancelled ||= wasCancelled;
      if (--waiting !== 0) return;
      // The last answer is still being written when this runs: the stream is ended after it.
      if (cancelled)
        setImmediate(() => {
          for (const requestId of requestIds) session.transport.closeSSEStream(requestId);
        });
      if (streaming) settle(false);
    };
    let streaming = false;
    for (const requestId of requestIds) session.unanswered.set(requestId, answered);
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener("abort", onAbort, { once: true });
    return {
      respond(response) {
        if (settled) return response;
        const sse = response.body !== null && isEventStream(response);
        if (!sse) {
          // No body (202), or a complete JSON body: nothing is left in flight.
          settle(false);
          return response;
        }
        if (request.method !== "GET") {
          streaming = true;
          if (waiting <= 0 || requestIds.length === 0) settle(false);
          return response;
        }
        return watchStream(response, settle);
      },
    };
  }

  async closeAll(): Promise<void> {
    const open = [...this.sessions.values()];
    this.sessions.clear();
    this.stopSweeper();
    await Promise.allSettled(open.map((session) => session.transport.close()));
  }

  private startSweeper(): void {
    if (this.idleTimeoutMs === undefined || this.sweeper !== undefined) return;
    const idle = this.idleTimeoutMs;
    const unused = Math.min(idle, this.unusedTimeoutMs);
    this.sweeper = setInterval(
      () => {
        const now = Date.now();
        for (const [id, session] of this.sessions) {
          if (session.open > 0 || now - session.lastSeen < (session.used ? idle : unused)) continue;
          this.delete(id);
          void session.transport.close().catch(() => undefined);
        }
      },
      Math.max(50, Math.min(unused / 2, 30_000)),
    );
    // Never the reason a process stays alive.
    (this.sweeper as { unref?: () => void }).unref?.();
  }

  private stopSweeper(): void {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}

function cancelRequests(transport: WebStandardStreamableHTTPServerTransport, ids: RequestId[]): void {
  for (const requestId of ids) {
    transport.onmessage?.({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId, reason: "The client disconnected" },
    });
  }
}

/** The request ids a client's `notifications/cancelled` messages name (most bodies name none). */
function cancelledIdsOf(body: unknown): RequestId[] {
  const ids: RequestId[] = [];
  for (const message of Array.isArray(body) ? body : [body]) {
    const { method, params } = (message ?? {}) as { method?: unknown; params?: { requestId?: RequestId } };
    if (method === "notifications/cancelled" && params?.requestId !== undefined) ids.push(params.requestId);
  }
  return ids;
}

function isResponse(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } {
  return "id" in message && !("method" in message) && ("result" in message || "error" in message);
}

function isEventStream(response: Response): boolean {
  return response.headers.get("content-type")?.startsWith("text/event-stream") === true;
}

/**
 * The standalone GET stream: wrapped, because nothing but the stream itself tells when it ends (no
 * requests ride on it). It may stay silent until the first keep-alive (15 s), and Node sends no
 * headers before the first byte: an SSE comment up front lets the client see the 200 at once.
 */
function watchStream(response: Response, settle: (disconnected: boolean) => void): Response {
  const reader = response.body!.getReader();
  const prime = response.ok;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (prime) controller.enqueue(new TextEncoder().encode(": stream open\n\n"));
    },
    async pull(controller) {
      try {
        const chunk = await reader.read();
        if (chunk.done) {
          settle(false);
          controller.close();
        } else controller.enqueue(chunk.value);
      } catch (error) {
        settle(true);
        controller.error(error);
      }
    },
    cancel(reason) {
      settle(true);
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
