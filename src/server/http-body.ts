import type { IncomingMessage } from "node:http";
import { readRequestBody } from "@modelcontextprotocol/server";

/** A request with no body to read (GET, DELETE). */
export const NO_BODY = Symbol("no body");
/** A body that is not JSON (or could not be read). */
export const PARSE_FAILED = Symbol("parse failed");
/** A body over the size limit. */
export const TOO_LARGE = Symbol("too large");

/** A POST body read once: the parsed JSON value, or why there is none. */
export type ReadBody = unknown;

/** Reads a web `Request`'s body once, bounded (a chunked body has no Content-Length to check), and parses it. */
export async function readWebBody(request: Request, maxBytes: number): Promise<ReadBody> {
  let read: Awaited<ReturnType<typeof readRequestBody>>;
  try {
    read = await readRequestBody(request, maxBytes);
  } catch {
    return PARSE_FAILED;
  }
  if (read.tooLarge) return TOO_LARGE;
  return parseJson(read.text);
}

/**
 * Reads a Node request's body straight off its stream, bounded, and parses it: no web `Request`
 * body, stream and decoder in between (the SDK adapter's detour cost ~15% of the server's CPU under
 * load), and plain stream events rather than an async iterator (~half the cost of the read itself).
 */
export function readNodeBody(req: IncomingMessage, maxBytes: number): Promise<ReadBody> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const done = (body: ReadBody) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onFail);
      req.off("close", onFail);
      resolve(body);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received <= maxBytes) chunks.push(chunk);
      else {
        // The rest stays unread; the response closes the connection.
        req.pause();
        done(TOO_LARGE);
      }
    };
    const onEnd = () => {
      const text = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
      // A UTF-8 byte-order mark is no part of the JSON (TextDecoder, on the web path, drops it too).
      done(parseJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text));
    };
    // A stream that fails, or closes before its end (the client went away), has no body to parse.
    const onFail = () => done(PARSE_FAILED);
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onFail);
    req.on("close", onFail);
  });
}

function parseJson(text: string): ReadBody {
  try {
    return JSON.parse(text);
  } catch {
    return PARSE_FAILED;
  }
}
