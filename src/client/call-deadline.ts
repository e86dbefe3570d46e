import type { RequestOptions } from "@modelcontextprotocol/client";
import { DEFAULT_REQUEST_TIMEOUT_MSEC } from "@modelcontextprotocol/server";
import { FastMCPError } from "../errors.js";
import type { CallToolOptions } from "./client-options.js";

export interface Deadline {
  signal: AbortSignal;
  dispose: () => void;
}

const NOTHING = () => {};

/**
 * The calls one connection has in flight, each with its deadline: a call's signal aborts with the
 * caller's signal, when the connection closes, or after its timeout. Closing aborts them from this
 * set, so a call adds no listener to a shared "closed" signal (an add and a remove per call on a
 * 2026-07-28 call, with the closures linkSignals keeps, showed in the in-memory profile).
 */
export class LiveCalls {
  private readonly controllers = new Set<AbortController>();
  private endReason: unknown;
  private ended = false;

  /** `message` is built only if the deadline passes. */
  deadline(outer: AbortSignal | undefined, timeoutMs: number, message: () => string): Deadline {
    const controller = new AbortController();
    if (this.ended || outer?.aborted === true) {
      controller.abort(this.ended ? this.endReason : outer?.reason);
      return { signal: controller.signal, dispose: NOTHING };
    }
    this.controllers.add(controller);
    const timer = setTimeout(() => controller.abort(new FastMCPError("TIMEOUT", message())), timeoutMs);
    const onOuter = outer === undefined ? undefined : () => controller.abort(outer.reason);
    if (onOuter !== undefined) outer?.addEventListener("abort", onOuter, { once: true });
    return {
      signal: controller.signal,
      dispose: () => {
        clearTimeout(timer);
        this.controllers.delete(controller);
        if (onOuter !== undefined) outer?.removeEventListener("abort", onOuter);
      },
    };
  }

  /** The connection closed: every call in flight, and every later one, aborts with `reason`. */
  end(reason: unknown): void {
    this.ended = true;
    this.endReason = reason;
    for (const controller of this.controllers) controller.abort(reason);
    this.controllers.clear();
  }
}

/**
 * The SDK options of one `callTool`: only what differs from the SDK's defaults. Each option the SDK
 * gets costs it work on every wire leg (listeners, spreads per 2026-07-28 retry), and a default
 * 2025 call then takes the very path a plain SDK call takes. `maxTotalTimeout` is never needed: a
 * 2025 call is one request, and our own deadline bounds every round of a 2026-07-28 call.
 */
export function requestOptions(
  signal: AbortSignal | undefined,
  timeoutMs: number,
  ownDeadline: boolean,
  onProgress: CallToolOptions["onProgress"],
): RequestOptions | undefined {
  // With our deadline the SDK's per-leg timeout is only a backstop, one second behind it; the
  // SDK's default (60 s per leg) is later than a deadline of at most 60 s from the call's start.
  const timeout = ownDeadline
    ? timeoutMs > DEFAULT_REQUEST_TIMEOUT_MSEC
      ? timeoutMs + 1_000
      : undefined
    : timeoutMs === DEFAULT_REQUEST_TIMEOUT_MSEC
      ? undefined
      : timeoutMs;
  if (signal === undefined && timeout === undefined && onProgress === undefined) return undefined;
  return {
    ...(signal !== undefined && { signal }),
    ...(timeout !== undefined && { timeout }),
    ...(onProgress !== undefined && { onprogress: onProgress }),
  };
}
