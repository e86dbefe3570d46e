import { randomBytes, randomUUID } from "node:crypto";
import {
  type AuthInfo,
  isInitializeRequest,
  type JSONRPCMessage,
  ProtocolErrorCode,
  type Server,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import { WireErrorCode } from "../error-codes.js";
import { errorMessage } from "../errors.js";
import type { HttpSessions } from "./http-sessions.js";
import type { SessionCaps } from "./session-limits.js";
import { replayInitialize } from "./session-replay.js";
import {
  INTERNAL_ID_PREFIX,
  isCancellation,
  isResponse,
  ownerOf,
  routeTransport,
} from "./session-routing.js";
import type { SessionPatch, SessionRecord, SessionStore } from "./session-store.js";
import type { ResourceSubscriptions } from "./subscriptions.js";

/** What the HTTP handler lends the shared sessions. */
export interface SharedSessionsHost {
  store: SessionStore;
  sessions: HttpSessions;
  /** Counts the sessions opened on this instance (copies rebuilt here are not counted). */
  caps: SessionCaps;
  /** Who a request acts for (principal.ts); a session serves only the one that opened it. */
  principal(authInfo: AuthInfo | undefined): string | undefined;
  subscriptions: ResourceSubscriptions;
  newServer(): Server;
  maxRequestBodySize: number;
  /** Serves a request on a live transport, tracked like any 2025 exchange; `onEnd` when it ends. */
  serve(
    sessionId: string,
    transport: WebStandardStreamableHTTPServerTransport,
    request: Request,
    body: unknown,
    authInfo: AuthInfo | undefined,
    onEnd?: () => void,
  ): Promise<Response>;
  onerror?: (error: Error) => void;
}

/** This instance's copy of a session. */
interface Local {
  transport: WebStandardStreamableHTTPServerTransport;
  server: Server;
  logLevel: string | undefined;
  /** Standalone GET streams open here. */
  listening: number;
}

type Envelope =
  | { t: "answer" | "cancel"; s: string; m: JSONRPCMessage }
  | { t: "closed"; s: string }
  | { t: "updated"; uri: string };

const ALL = "all";
const FORWARD_ATTEMPTS = 20;
const FORWARD_RETRY_MS = 100;
const nodeChannel = (node: string) => `node:${node}`;

/**
 * 2025-era sessions kept in a `SessionStore`, so that any instance serves any request of any session:
 * an instance that meets a session it did not open rebuilds its server by replaying the stored
 * `initialize`; a client's answer to a server→client request is forwarded over the store's pub/sub
 * to the instance whose tool waits for it; cancellations and `DELETE` reach every instance.
 */
export class SharedSessions {
  /** Names this instance in routed request ids. */
  readonly nodeId = randomBytes(6).toString("hex");
  private readonly locals = new Map<string, Local>();
  private readonly restoring = new Map<string, Promise<Local>>();
  private listening: Promise<Array<() => Promise<void>>> | undefined;
  private readonly dropRelay: () => void;
  private internalIds = 0;

  constructor(private readonly host: SharedSessionsHost) {
    this.dropRelay = host.subscriptions.relay((uri) => this.publish(ALL, { t: "updated", uri }));
  }

  get size(): number {
    return this.locals.size;
  }

  /** A 2025-era request (`body` undefined for GET and DELETE). */
  async handle(request: Request, body: unknown, authInfo: AuthInfo | undefined): Promise<Response> {
    const principal = this.host.principal(authInfo);
    try {
      await this.listen();
    } catch (error) {
      return unavailable(error);
    }
    const id = request.headers.get("mcp-session-id");
    if (id === null) {
      if (request.method !== "POST" || !isInitializeRequest(body)) {
        return rpcError(400, WireErrorCode.ServerError, "Bad Request: Mcp-Session-Id header required");
      }
      return this.open(request, body, authInfo);
    }
    let record: SessionRecord | undefined;
    try {
      record = await this.host.store.load(id);
    } catch (error) {
      return unavailable(error);
    }
    if (record === undefined || record.principal !== principal) {
      if (record === undefined) this.closeLocal(id);
      return rpcError(404, WireErrorCode.SessionNotFound, "Session not found");
    }
    if (request.method === "DELETE") {
      try {
        await this.host.store.remove(id);
        await this.publish(ALL, { t: "closed", s: id });
      } catch (error) {
        return unavailable(error);
      }
      return new Response(null, { status: 200 });
    }
    let served = body;
    if (request.method === "POST") {
      const kept: unknown[] = [];
      try {
        kept.push(...(await this.dispatch(id, Array.isArray(body) ? body : [body])));
      } catch (error) {
        return unavailable(error);
      }
      if (kept.length === 0) return new Response(null, { status: 202 });
      served = Array.isArray(body) ? kept : kept[0];
    }
    let local: Local;
    try {
      local = await this.local(id, record);
    } catch (error) {
      this.host.onerror?.(error as Error);
      return rpcError(
        500,
        ProtocolErrorCode.InternalError,
        `Could not restore the session: ${errorMessage(error)}`,
      );
    }
    if (record.logLevel !== undefined && record.logLevel !== local.logLevel) {
      local.logLevel = record.logLevel;
      this.inject(local, "logging/setLevel", { level: record.logLevel });
    }
    let onEnd: (() => void) | undefined;
    if (request.method === "GET" && request.headers.get("last-event-id") === null) {
      local.listening++;
      onEnd = () => {
        local.listening--;
      };
    }
    return this.host.serve(id, local.transport, request, served, authInfo, onEnd);
  }

  async close(): Promise<void> {
    this.dropRelay();
    const listening = this.listening;
    this.listening = undefined;
    this.locals.clear();
    const stops = await listening?.catch(() => []);
    await Promise.allSettled((stops ?? []).map((stop) => stop()));
    await this.host.store.close().catch(() => undefined);
  }

  private async open(request: Request, body: unknown, authInfo: AuthInfo | undefined): Promise<Response> {
    const principal = this.host.principal(authInfo);
    const slot = this.host.caps.take(principal);
    if (slot instanceof Response) return slot;
    const id = randomUUID();
    const params = (body as { params: Record<string, unknown> }).params;
    let response: Response | undefined;
    try {
      await this.host.store.create(id, {
        initialize: params,
        subscriptions: [],
        ...(principal !== undefined && { principal }),
      });
    } catch (error) {
      slot.release();
      return unavailable(error);
    }
    const local = await this.build(id, principal);
    this.locals.set(id, local);
    try {
      response = await local.transport.handleRequest(request, {
        parsedBody: body,
        ...(authInfo !== undefined && { authInfo }),
      });
    } finally {
      if (response?.ok === true && local.transport.sessionId === id) slot.bind(id);
      else {
        // A refused initialize keeps nothing, here or in the store.
        slot.release();
        this.closeLocal(id);
        await local.server.close().catch(() => undefined);
        await this.host.store.remove(id).catch(() => undefined);
      }
    }
    return response;
  }

  /**
   * Client answers to another instance's requests are forwarded there; cancellations go to every
   * instance (the one running the request acts on it); changes to the session are written to the
   * store. Returns the messages this instance serves itself.
   */
  private async dispatch(id: string, messages: unknown[]): Promise<unknown[]> {
    const kept: unknown[] = [];
    const work: Array<Promise<void>> = [];
    for (const message of messages) {
      if (isResponse(message)) {
        const owner = ownerOf(message.id);
        if (owner !== undefined && owner !== this.nodeId) {
          work.push(this.forward(owner, { t: "answer", s: id, m: message }));
          continue;
        }
      } else if (isCancellation(message)) {
        work.push(this.publish(ALL, { t: "cancel", s: id, m: message as JSONRPCMessage }));
        continue;
      } else {
        const patch = patchOf(message);
        if (patch !== undefined) work.push(this.host.store.update(id, patch));
      }
      kept.push(message);
    }
    await Promise.all(work);
    return kept;
  }

  /** This instance's copy of the session, rebuilt from its record when there is none yet. */
  private local(id: string, record: SessionRecord): Promise<Local> {
    const existing = this.locals.get(id);
    if (existing !== undefined) return Promise.resolve(existing);
    let pending = this.restoring.get(id);
    if (pending === undefined) {
      pending = this.restore(id, record).finally(() => this.restoring.delete(id));
      this.restoring.set(id, pending);
    }
    return pending;
  }

  private async restore(id: string, record: SessionRecord): Promise<Local> {
    const local = await this.build(id, record.principal);
    try {
      await replayInitialize(local.transport, record.initialize);
      if (local.transport.sessionId !== id) throw new Error("the stored initialize opened another session");
    } catch (error) {
      await local.transport.close();
      throw error;
    }
    local.transport.onmessage?.({ jsonrpc: "2.0", method: "notifications/initialized" });
    this.locals.set(id, local);
    return local;
  }

  private async build(id: string, principal: string | undefined): Promise<Local> {
    const eventStore = this.host.store.eventStore?.(id);
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      maxRequestBodySize: this.host.maxRequestBodySize,
      ...(eventStore !== undefined && { eventStore }),
      onsessioninitialized: (sessionId) => {
        this.host.sessions.add(sessionId, transport, principal);
      },
    });
    transport.onclose = () => {
      if (this.locals.get(id)?.transport === transport) this.locals.delete(id);
      this.host.sessions.delete(id);
      this.host.caps.closed(id);
    };
    const server = this.host.newServer();
    // Subscriptions live in the record; the relay delivers updates where the GET stream is.
    this.host.subscriptions.forget(server);
    await server.connect(transport);
    routeTransport(transport, this.nodeId);
    return { transport, server, logLevel: undefined, listening: 0 };
  }

  /** Feeds the session's server a request of our own; its answer is swallowed on the way out. */
  private inject(local: Local, method: string, params: Record<string, unknown>): void {
    local.transport.onmessage?.({
      jsonrpc: "2.0",
      id: `${INTERNAL_ID_PREFIX}${++this.internalIds}`,
      method,
      params,
    } as JSONRPCMessage);
  }

  private closeLocal(id: string): void {
    const local = this.locals.get(id);
    this.locals.delete(id);
    if (local !== undefined) void local.transport.close().catch(() => undefined);
  }

  private listen(): Promise<unknown> {
    if (this.listening === undefined) {
      const { store } = this.host;
      const onMessage = (raw: string) => void this.receive(raw);
      const attempt = Promise.all([
        store.subscribe(nodeChannel(this.nodeId), onMessage),
        store.subscribe(ALL, onMessage),
      ]);
      this.listening = attempt;
      attempt.catch(() => {
        if (this.listening === attempt) this.listening = undefined;
      });
    }
    return this.listening;
  }

  private async publish(channel: string, envelope: Envelope): Promise<void> {
    await this.host.store.publish(channel, JSON.stringify(envelope));
  }

  /**
   * An answer for another instance. Nobody listening means that instance is gone or its subscription
   * is being restored after a store reconnect: retried briefly, then refused (503) rather than lost.
   */
  private async forward(owner: string, envelope: Envelope): Promise<void> {
    const message = JSON.stringify(envelope);
    for (let attempt = 0; ; attempt++) {
      if ((await this.host.store.publish(nodeChannel(owner), message)) > 0) return;
      if (attempt === FORWARD_ATTEMPTS) {
        throw new Error("the instance waiting for this answer is not reachable (stopped, or not subscribed)");
      }
      await new Promise((resolve) => setTimeout(resolve, FORWARD_RETRY_MS));
    }
  }

  private async receive(raw: string): Promise<void> {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch {
      return;
    }
    if (envelope.t === "updated") return this.deliverUpdate(envelope.uri);
    const local = this.locals.get(envelope.s);
    if (local === undefined) return;
    if (envelope.t === "closed") this.closeLocal(envelope.s);
    else local.transport.onmessage?.(envelope.m);
  }

  /** `notifications/resources/updated`, sent by the instance holding each subscribed session's GET stream. */
  private async deliverUpdate(uri: string): Promise<void> {
    const sends = [...this.locals]
      .filter(([, local]) => local.listening > 0)
      .map(async ([id, local]) => {
        const record = await this.host.store.load(id);
        if (record?.subscriptions.includes(uri)) await local.server.sendResourceUpdated({ uri });
      });
    await Promise.allSettled(sends);
  }
}

function patchOf(message: unknown): SessionPatch | undefined {
  if (typeof message !== "object" || message === null || !("id" in message)) return undefined;
  const { method, params } = message as { method?: unknown; params?: Record<string, unknown> };
  const value = params?.level ?? params?.uri;
  if (typeof value !== "string") return undefined;
  if (method === "logging/setLevel") return { logLevel: value };
  if (method === "resources/subscribe") return { subscribe: value };
  if (method === "resources/unsubscribe") return { unsubscribe: value };
  return undefined;
}

function unavailable(error: unknown): Response {
  return rpcError(503, ProtocolErrorCode.InternalError, `Session store unavailable: ${errorMessage(error)}`);
}

function rpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", error: { code, message }, id: null }, { status });
}
