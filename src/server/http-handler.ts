import {
  createMcpHandler,
  hostHeaderValidationResponse,
  isInitializeRequest,
  isLegacyRequest,
  type McpHttpHandler,
  originValidationResponse,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import type { FastMCP } from "./fastmcp.js";

export interface HttpHandlerOptions {
  /** Host names the `Host` header may carry (DNS-rebinding protection). Omit to accept any. */
  allowedHosts?: string[];
  /** Origin host names a browser `Origin` header may carry. Omit to accept any. */
  allowedOrigins?: string[];
  /** Largest request body accepted, in bytes. Default 4 MiB. */
  maxRequestBodySize?: number;
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

const DEFAULT_MAX_BODY = 4 * 1024 * 1024;

/**
 * Both protocol eras on one URL: 2025-era clients get sessionful Streamable HTTP (so a tool's
 * sampling request can ride the tools/call POST stream and the client's answer find its session);
 * 2026-07-28 requests go to the SDK's stateless entry.
 */
export function createHttpHandler(fastmcp: FastMCP, options: HttpHandlerOptions = {}): McpFetchHandler {
  const maxRequestBodySize = options.maxRequestBodySize ?? DEFAULT_MAX_BODY;
  const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();
  const modern: McpHttpHandler = createMcpHandler(({ era }) => fastmcp.createServer(era), {
    legacy: "reject",
    maxRequestBodySize,
    ...(options.onerror !== undefined && { onerror: options.onerror }),
  });

  async function openSession(request: Request, body: unknown): Promise<Response> {
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      maxRequestBodySize,
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await fastmcp.createServer("legacy").connect(transport);
    return transport.handleRequest(request, { parsedBody: body });
  }

  async function legacy(request: Request): Promise<Response> {
    const sessionId = request.headers.get("mcp-session-id");
    if (sessionId !== null) {
      const transport = sessions.get(sessionId);
      if (transport === undefined) return rpcError(404, -32001, "Session not found");
      return transport.handleRequest(request);
    }
    if (request.method !== "POST") return rpcError(400, -32000, "Bad Request: Mcp-Session-Id header required");
    const body = await readJson(request);
    if (body === PARSE_FAILED) return rpcError(400, -32700, "Parse error: the body is not valid JSON");
    if (!isInitializeRequest(body)) return rpcError(400, -32000, "Bad Request: Mcp-Session-Id header required");
    return openSession(request, body);
  }

  return {
    async fetch(request) {
      if (options.allowedHosts !== undefined) {
        const rejected = hostHeaderValidationResponse(request, options.allowedHosts);
        if (rejected !== undefined) return rejected;
      }
      if (options.allowedOrigins !== undefined) {
        const rejected = originValidationResponse(request, options.allowedOrigins);
        if (rejected !== undefined) return rejected;
      }
      const length = Number(request.headers.get("content-length") ?? 0);
      if (length > maxRequestBodySize) return rpcError(413, -32600, `Request body exceeds ${maxRequestBodySize} bytes`);
      if (request.method === "GET" || request.method === "DELETE") return legacy(request);
      if (request.method === "POST" && (await isLegacyRequest(request.clone()))) return legacy(request);
      return modern.fetch(request);
    },
    get sessionCount() {
      return sessions.size;
    },
    async close() {
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(open.map((transport) => transport.close()));
      await modern.close();
    },
  };
}

const PARSE_FAILED = Symbol("parse failed");

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.clone().json();
  } catch {
    return PARSE_FAILED;
  }
}

function rpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: "2.0", error: { code, message }, id: null }, { status });
}
