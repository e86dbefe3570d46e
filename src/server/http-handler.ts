import {
  type AuthInfo,
  createMcpHandler,
  isInitializeRequest,
  isLegacyRequest,
  type McpHttpHandler,
  ProtocolErrorCode,
  type RequestId,
  type Server,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import { WireErrorCode } from "../error-codes.js";
import type { ProtocolEra } from "../sampling/types.js";
import type { ToolDefinition } from "./definitions.js";
import { checkHostAndOrigin, type HostAllowList, LOCALHOST_NAMES } from "./host-check.js";
import { authenticate, checkAuthOptions, type HttpAuthOptions } from "./http-auth.js";
import { NO_BODY, PARSE_FAILED, type ReadBody, readWebBody, TOO_LARGE } from "./http-body.js";
import { HttpSessions } from "./http-sessions.js";
import { protectedResourceMetadataResponse } from "./oauth/resource-server.js";
import { toolScopeChallenge } from "./oauth/tool-scopes.js";
import { type PrincipalOf, principalOf } from "./principal.js";
import { DEFAULT_UNUSED_SESSION_MS, SessionCaps, type SessionLimitOptions } from "./session-limits.js";
import type { SessionStore } from "./session-store.js";
import { SharedSessions } from "./shared-sessions.js";
import { ResourceSubscriptions } from "./subscriptions.js";

/**
 * What the HTTP handler serves: a fresh SDK server per serving unit (a 2025 session, or one
 * 2026-07-28 request), and the few facts it routes on. A FastMCP is one, as it is.
 */
export interface ServerFactory {
  createServer(era: ProtocolEra): Server;
  /** For the OAuth step-up challenge: the scopes a tool requires. */
  readonly tools?: readonly ToolDefinition[];
  /** Relayed between instances that share a session store. */
  readonly resourceSubscriptions?: ResourceSubscriptions;
  /** Names the caller sessions and request state are bound to (FastMCP option `principal`). */
  readonly options?: { principal?: PrincipalOf };
}

export interface HttpHandlerOptions extends SessionLimitOptions {
  /**
   * Host names the `Host` header may carry (DNS-rebinding protection). Default: localhost names only
   * (`run()` adds the names of the address it bound). Set your public names when deployed, or "any"
   * to switch the check off (e.g. behind a proxy that checks Host).
   */
  allowedHosts?: HostAllowList;
  /** Origin host names a browser `Origin` header may carry. Default: as `allowedHosts`. */
  allowedOrigins?: HostAllowList;
  /** Largest request body accepted, in bytes (413 beyond it). Default 4 MiB. */
  maxRequestBodySize?: number;
  /** Bearer token or your own verifier; 401 with a `WWW-Authenticate` challenge when it fails. */
  auth?: HttpAuthOptions;
  /**
   * A 2025-era session with no request or stream in flight for this long is closed (a client that
   * vanished without DELETE). Default 30 minutes.
   */
  sessionIdleTimeoutMs?: number;
  /**
   * Where 2025-era sessions live, so that several instances behind a balancer serve any session
   * (`redisSessionStore` from fastmcp-ts/redis), or one process gets resumable streams
   * (`memorySessionStore()`). Omit to keep sessions in this handler's memory.
   */
  sessionStore?: SessionStore;
  /** Called for transport-level errors (reporting only). */
  onerror?: (error: Error) => void;
}

/** A web-standard MCP endpoint: mount `fetch` in Hono, Next.js, a Worker, or Node via the SDK's adapter. */
export interface McpFetchHandler {
  fetch(request: Request): Promise<Response>;
  /** Open 2025-era sessions. */
  readonly sessionCount: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY = 4 * 1024 * 1024;
const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;

/**
 * Both protocol eras on one URL: 2025-era clients get sessionful Streamable HTTP (so a tool's
 * sampling request can ride the tools/call POST stream and the client's answer find its session);
 * 2026-07-28 requests go to the SDK's stateless entry.
 */
export function createHttpHandler(factory: ServerFactory, options: HttpHandlerOptions = {}): McpFetchHandler {
  return createHttpEndpoint(factory, options);
}

/** The handler, plus an entry for a body its caller has already read and parsed (the Node adapter). */
export interface HttpEndpoint extends McpFetchHandler {
  /** `body`: the parsed POST body, or NO_BODY / PARSE_FAILED / TOO_LARGE from http-body.ts. */
  serve(request: Request, body: ReadBody): Promise<Response>;
}

export function createHttpEndpoint(factory: ServerFactory, options: HttpHandlerOptions = {}): HttpEndpoint {
  checkAuthOptions(options.auth);
  const maxRequestBodySize = options.maxRequestBodySize ?? DEFAULT_MAX_BODY;
  const sessions = new HttpSessions(
    options.sessionIdleTimeoutMs ?? DEFAULT_SESSION_IDLE_MS,
    options.unusedSessionTimeoutMs ?? DEFAULT_UNUSED_SESSION_MS,
    options.sessionStore?.eventStore !== undefined,
  );
  const caps = new SessionCaps(options);
  const allowedHosts = options.allowedHosts ?? LOCALHOST_NAMES;
  const allowedOrigins = options.allowedOrigins ?? allowedHosts;
  const principal = (authInfo: AuthInfo | undefined) => principalOf(authInfo, factory.options?.principal);
  const modern: McpHttpHandler = createMcpHandler(({ era }) => factory.createServer(era), {
    legacy: "reject",
    maxRequestBodySize,
    ...(options.onerror !== undefined && { onerror: options.onerror }),
  });

  async function openSession(
    request: Request,
    body: unknown,
    authInfo: AuthInfo | undefined,
  ): Promise<Response> {
    const owner = principal(authInfo);
    const slot = caps.take(owner);
    if (slot instanceof Response) return slot;
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      maxRequestBodySize,
      onsessioninitialized: (id) => {
        slot.bind(id);
        sessions.add(id, transport, owner);
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
        caps.closed(id);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId === undefined) return;
      sessions.delete(transport.sessionId);
      caps.closed(transport.sessionId);
    };
    const server = factory.createServer("legacy");
    let response: Response | undefined;
    try {
      await server.connect(transport);
      response = await transport.handleRequest(request, {
        parsedBody: body,
        ...(authInfo !== undefined && { authInfo }),
      });
    } finally {
      // An initialize the transport refused (406, 415, a bad version…) opened no session: nothing may
      // keep its server (resource subscriptions would, until the process ends).
      if (transport.sessionId === undefined || response === undefined) {
        slot.release();
        await server.close().catch(() => undefined);
      }
    }
    return response;
  }

  async function serveOn(
    sessionId: string,
    transport: WebStandardStreamableHTTPServerTransport,
    request: Request,
    body: unknown,
    authInfo: AuthInfo | undefined,
    onEnd?: () => void,
  ): Promise<Response> {
    const exchange = sessions.begin(sessionId, request, requestIdsOf(body), onEnd);
    let response: Response;
    try {
      response = await transport.handleRequest(request, {
        ...(body !== NO_BODY && { parsedBody: body }),
        ...(authInfo !== undefined && { authInfo }),
      });
    } catch (error) {
      exchange.respond(new Response(null, { status: 500 })); // ends the exchange; the error goes on
      throw error;
    }
    sessions.cancelledBy(sessionId, body);
    return exchange.respond(response);
  }

  const shared =
    options.sessionStore === undefined
      ? undefined
      : new SharedSessions({
          store: options.sessionStore,
          sessions,
          caps,
          principal,
          subscriptions: factory.resourceSubscriptions ?? new ResourceSubscriptions(),
          newServer: () => factory.createServer("legacy"),
          maxRequestBodySize,
          serve: serveOn,
          ...(options.onerror !== undefined && { onerror: options.onerror }),
        });

  async function legacy(request: Request, body: unknown, authInfo: AuthInfo | undefined): Promise<Response> {
    if (shared !== undefined) return shared.handle(request, body === NO_BODY ? undefined : body, authInfo);
    const sessionId = request.headers.get("mcp-session-id");
    if (sessionId !== null) {
      const transport = sessions.get(sessionId, principal(authInfo));
      if (transport === undefined) return rpcError(404, WireErrorCode.SessionNotFound, "Session not found");
      return serveOn(sessionId, transport, request, body, authInfo);
    }
    if (request.method !== "POST")
      return rpcError(400, WireErrorCode.ServerError, "Bad Request: Mcp-Session-Id header required");
    if (!isInitializeRequest(body))
      return rpcError(400, WireErrorCode.ServerError, "Bad Request: Mcp-Session-Id header required");
    return openSession(request, body, authInfo);
  }

  async function serve(request: Request, read: ReadBody | (() => Promise<ReadBody>)): Promise<Response> {
    const rejected = checkHostAndOrigin(request, allowedHosts, allowedOrigins);
    if (rejected !== undefined) return rejected;
    const oauth = options.auth?.oauth;
    const metadata = oauth === undefined ? undefined : protectedResourceMetadataResponse(request, oauth);
    if (metadata !== undefined) return metadata;
    const auth = await authenticate(request, options.auth, options.onerror);
    if (auth instanceof Response) return auth;
    const length = Number(request.headers.get("content-length") ?? 0);
    if (length > maxRequestBodySize) return tooLarge(maxRequestBodySize);
    if (request.method === "GET" || request.method === "DELETE") return legacy(request, NO_BODY, auth);
    if (request.method !== "POST")
      return rpcError(405, WireErrorCode.ServerError, `Method not allowed: ${request.method}`);
    // Read once, then hand the parsed value on: no consumer below reads the request's stream.
    const body = typeof read === "function" ? await read() : read;
    if (body === TOO_LARGE) return tooLarge(maxRequestBodySize);
    if (body === PARSE_FAILED || body === NO_BODY)
      return rpcError(400, ProtocolErrorCode.ParseError, "Parse error: the body is not valid JSON");
    const stepUp = toolScopeChallenge(body, auth, (name) =>
      factory.tools?.find((tool) => tool.name === name),
    );
    if (stepUp !== undefined) return stepUp;
    // New work waits for the rest of this event-loop turn: the answers, cancels and answering 2026
    // rounds that arrived with it finish their calls first, which frees their connections and memory
    // soonest under load. Idle, it costs one turn (microseconds).
    if (startsWork(body)) {
      await laterThisTurn();
      if (request.signal.aborted) return clientGone();
    }
    if (await isLegacyRequest(request, body, { maxRequestBodySize })) return legacy(request, body, auth);
    return modern.fetch(request, { parsedBody: body, ...(auth !== undefined && { authInfo: auth }) });
  }

  return {
    fetch: (request) => serve(request, () => readWebBody(request, maxRequestBodySize)),
    serve,
    get sessionCount() {
      return sessions.size;
    },
    async close() {
      await sessions.closeAll();
      await shared?.close();
      await modern.close();
    },
  };
}

/**
 * The ids of the requests a POST body carries, to track until they are answered. A structural test,
 * not the SDK's zod guard (≈20 µs of a 2025 HTTP call in a profile under load): it accepts every
 * request the transport will, and one it then rejects ends its exchange at once, untracking the id.
 */
function requestIdsOf(body: unknown): RequestId[] {
  const ids: RequestId[] = [];
  for (const message of Array.isArray(body) ? body : [body]) if (isRequest(message)) ids.push(message.id);
  return ids;
}

function isRequest(message: unknown): message is { id: RequestId; method: string } {
  if (typeof message !== "object" || message === null || Array.isArray(message)) return false;
  const { id, method } = message as { id?: unknown; method?: unknown };
  return typeof method === "string" && (typeof id === "string" || typeof id === "number");
}

/** Resolves after the I/O callbacks of the current event-loop turn (the check phase). */
function laterThisTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The client went away while its new work waited for the turn: nothing would read an answer, and no
 * cancel could reach requests that never started, so they are not started at all. 499 is what the
 * SDK's 2026-07-28 entry answers a request whose client has gone.
 */
function clientGone(): Response {
  return new Response(null, { status: 499 });
}

/**
 * A body that starts work: requests, but not a 2026-07-28 round that brings the answers
 * (`inputResponses`, `requestState`) a call in flight asked for.
 */
function startsWork(body: unknown): boolean {
  if (Array.isArray(body)) return body.some(isRequest);
  if (!isRequest(body)) return false;
  const { params } = body as { params?: { inputResponses?: unknown; requestState?: unknown } };
  return params?.inputResponses === undefined && params?.requestState === undefined;
}

function tooLarge(limit: number): Response {
  return rpcError(413, ProtocolErrorCode.InvalidRequest, `Request body exceeds ${limit} bytes`);
}

function rpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", error: { code, message }, id: null }, { status });
}
