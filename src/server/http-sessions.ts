import type { RequestId, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  /** Who opened it (AuthInfo.clientId); another principal cannot use it. */
  principal: string | undefined;
  /** Requests and response streams in flight. */
  open: number;
  lastSeen: number;
}

/**
 * The 2025-era sessions of one HTTP endpoint, and what keeps them from leaking when clients vanish:
 * a client that disconnects while its requests run has them cancelled (no event store here, so
 * their responses could never be delivered), and a session with nothing in flight for
 * `idleTimeoutMs` is closed, which also rejects whatever it still had pending.
 */
export class HttpSessions {
  private readonly sessions = new Map<string, Session>();
  private sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly idleTimeoutMs: number | undefined) {}

  get size(): number {
    return this.sessions.size;
  }

  add(id: string, transport: WebStandardStreamableHTTPServerTransport, principal: string | undefined): void {
    this.sessions.set(id, { transport, principal, open: 0, lastSeen: Date.now() });
    this.startSweeper();
  }

  /** The session's transport, unless it is unknown or belongs to another principal. */
  get(id: string, principal: string | undefined): WebStandardStreamableHTTPServerTransport | undefined {
    const session = this.sessions.get(id);
    return session !== undefined && session.principal === principal ? session.transport : undefined;
  }

  delete(id: string): void {
    this.sessions.delete(id);
    if (this.sessions.size === 0) this.stopSweeper();
  }

  /**
   * Counts a request as in flight on its session until its response ends. If the client goes away
   * first (the request's signal aborts, or it cancels the response stream), the JSON-RPC requests
   * it carried are cancelled on the server, so their tools and samples stop.
   */
  track(id: string | undefined, request: Request, response: Response, requestIds: RequestId[]): Response {
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (session === undefined) return response;
    session.open++;
    session.lastSeen = Date.now();
    let settled = false;
    const settle = (disconnected: boolean) => {
      if (settled) return;
      settled = true;
      request.signal.removeEventListener("abort", onAbort);
      session.open--;
      session.lastSeen = Date.now();
      if (disconnected) cancelRequests(session.transport, requestIds);
    };
    const onAbort = () => settle(true);
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener("abort", onAbort, { once: true });
    if (response.body === null) {
      settle(false);
      return response;
    }
    const reader = response.body.getReader();
    // The GET stream may stay silent until the first keep-alive (15 s), and Node sends no headers
    // before the first byte: an SSE comment up front lets the client see the 200 at once.
    const prime = request.method === "GET" && response.ok;
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

  async closeAll(): Promise<void> {
    const open = [...this.sessions.values()];
    this.sessions.clear();
    this.stopSweeper();
    await Promise.allSettled(open.map((session) => session.transport.close()));
  }

  private startSweeper(): void {
    if (this.idleTimeoutMs === undefined || this.sweeper !== undefined) return;
    const idle = this.idleTimeoutMs;
    this.sweeper = setInterval(
      () => {
        const now = Date.now();
        for (const [id, session] of this.sessions) {
          if (session.open > 0 || now - session.lastSeen < idle) continue;
          this.delete(id);
          void session.transport.close().catch(() => undefined);
        }
      },
      Math.max(50, Math.min(idle / 2, 30_000)),
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
