import type { IncomingMessage } from "node:http";

/**
 * The web `Request` the handler sees for a Node request: method, URL, headers and the adapter's
 * abort signal, with no undici `Request` behind them unless something asks for more (a body
 * reader, `clone()`). Building a real `Request` with a signal cost ~30 µs per request under load
 * (its constructor parses the URL, copies the headers again and follows the signal through its own
 * AbortController, a WeakRef and a FinalizationRegistry entry) and kept ~3 KB alive per request in
 * flight, which every young-generation GC had to copy; the handler reads only these four fields.
 */
class NodeRequest {
  readonly method: string;
  readonly url: string;
  readonly signal: AbortSignal;
  #req: IncomingMessage;
  #headers: Headers | undefined;
  #real: Request | undefined;

  constructor(req: IncomingMessage, method: string, signal: AbortSignal) {
    this.#req = req;
    this.method = method;
    this.url = `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
    this.signal = signal;
  }

  get headers(): Headers {
    this.#headers ??= headersOf(this.#req);
    return this.#headers;
  }

  /** The full `Request`, for the rare member the fields above do not cover. */
  real(): Request {
    this.#real ??= new Request(this.url, { method: this.method, headers: this.headers, signal: this.signal });
    return this.#real;
  }
}

// Every other member of Request is the real one's (built on first use), so the object stays a
// Request to any consumer, `instanceof` included.
const proto = NodeRequest.prototype as unknown as Record<PropertyKey, unknown>;
for (const name of Object.getOwnPropertyNames(Request.prototype)) {
  if (name === "constructor" || Object.hasOwn(proto, name) || ["method", "url", "signal"].includes(name))
    continue;
  const descriptor = Object.getOwnPropertyDescriptor(Request.prototype, name)!;
  if (typeof descriptor.value === "function") {
    Object.defineProperty(proto, name, {
      value(this: NodeRequest, ...args: unknown[]) {
        const real = this.real() as unknown as Record<string, (...a: unknown[]) => unknown>;
        return real[name]!(...args);
      },
      configurable: true,
      writable: true,
    });
  } else if (descriptor.get !== undefined) {
    Object.defineProperty(proto, name, {
      get(this: NodeRequest) {
        return (this.real() as unknown as Record<string, unknown>)[name];
      },
      configurable: true,
    });
  }
}
Object.setPrototypeOf(NodeRequest.prototype, Request.prototype);

/** A `Request` view of a Node request whose body has been (or will be) read off the Node stream. */
export function nodeRequest(req: IncomingMessage, method: string, signal: AbortSignal): Request {
  return new NodeRequest(req, method, signal) as unknown as Request;
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const name in req.headers) {
    const value = req.headers[name];
    if (value === undefined) continue;
    if (typeof value === "string") headers.set(name, value);
    else for (const item of value) headers.append(name, item);
  }
  return headers;
}
