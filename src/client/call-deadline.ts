import { FastMCPError } from "../errors.js";

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
