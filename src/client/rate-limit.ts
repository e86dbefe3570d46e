import { ProtocolError } from "@modelcontextprotocol/server";
import { WireErrorCode } from "../error-codes.js";
import { FastMCPError } from "../errors.js";
import { invokeHandler, isSamplingHandler } from "../sampling/handler.js";
import type { SamplingHandler, SamplingHandlerFunction, SamplingHandlerResult } from "../sampling/types.js";

/** JSON-RPC error code of a sampling request refused by `withRateLimit` (implementation-defined range). */
export const RATE_LIMITED = WireErrorCode.RateLimited;

export interface RateLimitOptions {
  /** At most this many sampling requests are accepted… */
  maxRequests: number;
  /** …in any window of this many milliseconds. */
  perMs: number;
  /** At most this many answered at once (default: no bound). */
  maxConcurrent?: number;
}

/**
 * Wraps a client's sampling handler so servers cannot spend the host's LLM faster than allowed (the
 * spec: clients SHOULD rate-limit sampling). Requests over the limit are refused at once with a
 * JSON-RPC error (code `RATE_LIMITED`, `data.retryAfterMs`); the handler never sees them.
 */
export function withRateLimit(
  handler: SamplingHandler,
  options: RateLimitOptions,
): (...args: Parameters<SamplingHandlerFunction>) => Promise<SamplingHandlerResult> {
  if (!isSamplingHandler(handler)) {
    throw new FastMCPError(
      "CONFIG",
      "withRateLimit needs a sampling handler (a function or an object with createMessage).",
    );
  }
  const { maxRequests, perMs, maxConcurrent } = options;
  if (!Number.isInteger(maxRequests) || maxRequests < 1 || !(perMs > 0)) {
    throw new FastMCPError("CONFIG", "withRateLimit needs maxRequests >= 1 (an integer) and perMs > 0.");
  }
  if (maxConcurrent !== undefined && (!Number.isInteger(maxConcurrent) || maxConcurrent < 1)) {
    throw new FastMCPError("CONFIG", "withRateLimit maxConcurrent must be an integer >= 1.");
  }
  /** Start times of the requests accepted in the current window, oldest first. */
  const accepted: number[] = [];
  let running = 0;
  return async (messages, params, context) => {
    const now = Date.now();
    while (accepted.length > 0 && now - accepted[0]! >= perMs) accepted.shift();
    if (accepted.length >= maxRequests) {
      const retryAfterMs = accepted[0]! + perMs - now;
      throw new ProtocolError(
        RATE_LIMITED,
        `Sampling rate limit exceeded: at most ${maxRequests} requests per ${perMs} ms (retry in ${retryAfterMs} ms)`,
        { retryAfterMs },
      );
    }
    if (maxConcurrent !== undefined && running >= maxConcurrent) {
      throw new ProtocolError(
        RATE_LIMITED,
        `Sampling rate limit exceeded: at most ${maxConcurrent} requests at once`,
        { maxConcurrent },
      );
    }
    accepted.push(now);
    running++;
    try {
      return await invokeHandler(handler, messages, params, context);
    } finally {
      running--;
    }
  };
}
