import { getEventListeners } from "node:events";
import type { RequestOptions } from "@modelcontextprotocol/client";
import { DEFAULT_REQUEST_TIMEOUT_MSEC } from "@modelcontextprotocol/server";
import { FastMCPError } from "../errors.js";
import type { CallToolOptions } from "./client-options.js";

export interface Deadline {
  signal: AbortSignal;
  dispose: () => void;
}

const NOTHING = () => {};

/** Controllers kept for reuse per connection: enough for the calls a client usually has in flight. */
const POOL_MAX = 32;

/**
 * The calls one connection has in flight, each with its deadline: a call's signal aborts with the
 * caller's signal, when the connection closes, or after its timeout. Closing aborts them from this
 * set, so a call adds no listener to a shared "closed" signal (an add and a remove per call on a
 * 2026-07-28 call, with the closures linkSignals keeps, showed in the in-memory profile).
 *
 * A call's controller is reused by a later call when it ended unaborted and nothing still listens
 * on its signal: on Node 20 making an AbortController costs about as much as all the rest of a
 * deadline (~3-5 µs), once per 2026-07-28 call. Nothing outside a call keeps its signal: the SDK
 * removes its listeners when the call settles and hands handlers signals of its own per round.
 */
export class LiveCalls {
  private readonly controllers = new Set<AbortController>();
  private readonly pool: AbortController[] = [];
  private endReason: unknown;
  private ended = false;

  /** `message` is built only if the deadline passes. */
  deadline(outer: AbortSignal | undefined, timeoutMs: number, message: () => string): Deadline {
    const controller = this.pool.pop() ?? new AbortController();
    if (this.ended || outer?.aborted === true) {
      controller.abort(this.ended ? this.endReason : outer?.reason);
      return { signal: controller.signal, dispose: NOTHING };
    }
    this.controllers.add(controller);
    const timer = setTimeout(() => controller.abort(new FastMCPError("TIMEOUT", message())), timeoutMs);
    const onOuter = outer === undefined ? undefined : () => controller.abort(outer.reason);
    if (onOuter !== undefined) outer?.addEventListener("abort", onOuter, { once: true });
    let disposed = false;
    return {
      signal: controller.signal,
      dispose: () => {
        // Once only: a second release would pool the controller twice, for two calls at once.
        if (disposed) return;
        disposed = true;
        clearTimeout(timer);
        this.controllers.delete(controller);
        if (onOuter !== undefined) outer?.removeEventListener("abort", onOuter);
        this.release(controller);
      },
    };
  }

  /** The connection closed: every call in flight, and every later one, aborts with `reason`. */
  end(reason: unknown): void {
    this.ended = true;
    this.endReason = reason;
    for (const controller of this.controllers) controller.abort(reason);
    this.controllers.clear();
    this.pool.length = 0;
  }

  private release(controller: AbortController): void {
    const { signal } = controller;
    if (this.ended || signal.aborted || this.pool.length >= POOL_MAX) return;
    // A listener left behind (a leg still pending, a handler's own) would hear a later call's abort.
    // (AbortSignal.any's dependants are not listeners and go unseen here; nothing on a call's path
    // combines its signal that way: the SDK's HTTP transport combines its own per-request signal.)
    if (getEventListeners(signal, "abort").length > 0) return;
    this.pool.push(controller);
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
