import type { JSONRPCMessage } from "@modelcontextprotocol/client";
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { abortReason } from "../abort.js";
import { FastMCPError } from "../errors.js";
import { RATE_LIMITED } from "./rate-limit.js";

/**
 * What one server may make this client's sampling handler do. Defaults are safe for a handler that
 * spends an API key; raise them for a trusted server (`Infinity` lifts a limit).
 */
export interface SamplingLimitOptions {
  /**
   * Sampling requests the handler answers at once, per server connection: the same bound on both
   * eras (on 2026-07-28 the SDK hands over a round's requests all together). Default 8.
   */
  maxConcurrentSamples?: number;
  /** Requests that may wait for a free slot; beyond them a request is refused (-32029). Default 64. */
  maxQueuedSamples?: number;
  /** Input requests (samples, elicitations, roots) one 2026-07-28 round may carry. Default 64. */
  maxInputRequestsPerRound?: number;
}

export const DEFAULT_MAX_CONCURRENT_SAMPLES = 8;
export const DEFAULT_MAX_QUEUED_SAMPLES = 64;
export const DEFAULT_MAX_INPUT_REQUESTS_PER_ROUND = 64;
/** Default `maxSamplingRequestBytes` and `maxSamplingResultBytes`. */
export const DEFAULT_MAX_SAMPLING_BYTES = 8 * 1024 * 1024;

function checkLimit(name: string, value: number, min: number): number {
  if (value !== Number.POSITIVE_INFINITY && (!Number.isInteger(value) || value < min)) {
    throw new FastMCPError("CONFIG", `${name} must be an integer >= ${min} (or Infinity), got ${value}.`);
  }
  return value;
}

/** Admits sampling requests to the handler: a bounded number at once, a bounded number waiting. */
export class SampleGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly max: number;
  private readonly maxQueued: number;

  constructor(options: SamplingLimitOptions) {
    this.max = checkLimit(
      "maxConcurrentSamples",
      options.maxConcurrentSamples ?? DEFAULT_MAX_CONCURRENT_SAMPLES,
      1,
    );
    this.maxQueued = checkLimit(
      "maxQueuedSamples",
      options.maxQueuedSamples ?? DEFAULT_MAX_QUEUED_SAMPLES,
      0,
    );
  }

  /** A slot's release when one is free now, else undefined (then wait with `enter`). */
  tryEnter(): (() => void) | undefined {
    if (this.running >= this.max) return undefined;
    this.running++;
    return this.releaser();
  }

  /** Waits for a slot; resolves with its release. Refuses at once when the queue is full. */
  enter(signal: AbortSignal): Promise<() => void> {
    if (this.running < this.max) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.maxQueued) {
      return Promise.reject(
        new ProtocolError(
          RATE_LIMITED,
          `Too many sampling requests from this server: ${this.max} answered at once and ${this.maxQueued} waiting ` +
            "(Client options maxConcurrentSamples, maxQueuedSamples)",
          { maxConcurrent: this.max, maxQueued: this.maxQueued },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const admit = () => {
        signal.removeEventListener("abort", onAbort);
        resolve(this.releaser());
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(admit);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(abortReason(signal));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(admit);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the next waiter (running stays), so nobody overtakes the queue.
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.running--;
    };
  }
}

/**
 * Refuses a 2026-07-28 `input_required` result carrying more input requests than `max`, before the
 * SDK dispatches them: the call fails with a JSON-RPC error naming the option, and no handler runs.
 * Returns the rewrite of an inbound message (the refusal, or undefined to pass it on), or undefined
 * when there is no limit.
 */
export function inputRoundLimit(
  maxPerRound: number | undefined,
): ((message: JSONRPCMessage) => JSONRPCMessage | undefined) | undefined {
  const max = checkLimit("maxInputRequestsPerRound", maxPerRound ?? DEFAULT_MAX_INPUT_REQUESTS_PER_ROUND, 1);
  if (max === Number.POSITIVE_INFINITY) return undefined;
  return (message) => {
    const count = inputRequestCount(message);
    if (count <= max || !("id" in message)) return undefined;
    return {
      jsonrpc: "2.0",
      id: message.id,
      error: {
        code: ProtocolErrorCode.InvalidRequest,
        message: `The server asked for ${count} inputs in one round, over this client's limit of ${max} (maxInputRequestsPerRound)`,
      },
    } as JSONRPCMessage;
  };
}

function inputRequestCount(message: JSONRPCMessage): number {
  const result = (message as { result?: { resultType?: unknown; status?: unknown; inputRequests?: unknown } })
    .result;
  // A round's result, or a parked task as tasks/get shows it (tasks extension): the same bound.
  if (result?.resultType !== "input_required" && result?.status !== "input_required") return 0;
  const requests = result.inputRequests;
  return typeof requests === "object" && requests !== null ? Object.keys(requests).length : 0;
}
