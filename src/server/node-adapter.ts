import type { IncomingMessage, ServerResponse } from "node:http";
import { ProtocolErrorCode } from "@modelcontextprotocol/server";
import { NO_BODY, type ReadBody, readNodeBody, TOO_LARGE } from "./http-body.js";
import { nodeRequest } from "./node-request.js";

/** What the adapter serves: a web `Request` whose POST body has already been read and parsed. */
export type ParsedFetch = (request: Request, body: ReadBody) => Promise<Response>;

/**
 * Serves a web-standard handler on Node's http server, reading each body once. The SDK's adapter
 * (`toNodeHandler`) reads the Node stream into a string and rebuilds it as the `Request`'s body
 * stream, which the handler then reads and parses again; here the Node stream is parsed once and
 * the `Request` carries only method, URL, headers and a signal that aborts when the client goes.
 */
export function nodeAdapter(serve: ParsedFetch, maxRequestBodySize: number) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const abort = new AbortController();
    const onClose = () => abort.abort();
    res.once("close", onClose);
    if (res.destroyed) abort.abort();
    let response: Response;
    let body: ReadBody = NO_BODY;
    try {
      const method = (req.method ?? "GET").toUpperCase();
      if (method === "POST") body = await readNodeBody(req, maxRequestBodySize);
      response = await serve(nodeRequest(req, method, abort.signal), body);
    } catch {
      response = Response.json(
        {
          jsonrpc: "2.0",
          error: { code: ProtocolErrorCode.InternalError, message: "Internal server error" },
          id: null,
        },
        { status: 500 },
      );
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    // The rest of an oversized body was never read: the connection cannot carry another request.
    if (body === TOO_LARGE) headers.connection = "close";
    const end = (chunk?: Uint8Array) => {
      // Ending is no disconnect: the close that follows must not abort the request.
      res.off("close", onClose);
      res.end(chunk);
    };
    if (response.body === null) {
      res.writeHead(response.status, headers);
      end();
    } else if (!headers["content-type"]?.startsWith("text/event-stream")) {
      // A complete JSON body: one write with its length, no chunked framing.
      const bytes = new Uint8Array(await response.arrayBuffer());
      headers["content-length"] = String(bytes.byteLength);
      res.writeHead(response.status, headers);
      end(bytes);
    } else {
      res.writeHead(response.status, headers);
      await pipeEvents(response.body, res, abort.signal);
      end();
    }
  };
}

/** An event stream, forwarded as it comes; a full socket buffer is waited out, a gone client ends it. */
async function pipeEvents(
  body: ReadableStream<Uint8Array>,
  res: ServerResponse,
  closed: AbortSignal,
): Promise<void> {
  let wake: (() => void) | undefined;
  const release = () => {
    wake?.();
    wake = undefined;
  };
  res.on("drain", release);
  closed.addEventListener("abort", release, { once: true });
  const reader = body.getReader();
  try {
    for (;;) {
      if (closed.aborted) break;
      const chunk = await reader.read();
      if (chunk.done) return;
      // The client is gone: the stream's producer is told, so it stops.
      if (closed.aborted) break;
      if (!res.write(chunk.value) && !closed.aborted) await new Promise<void>((resolve) => (wake = resolve));
    }
    reader.cancel().catch(() => undefined);
  } catch {
    // The stream failed or was cancelled: end what was sent.
  } finally {
    res.off("drain", release);
    closed.removeEventListener("abort", release);
  }
}
