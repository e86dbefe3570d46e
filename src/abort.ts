import { FastMCPError } from "./errors.js";

/** A signal that aborts when any input aborts or after `timeoutMs`; `dispose` clears the timer. */
export function linkSignals(
  signals: ReadonlyArray<AbortSignal | undefined>,
  timeoutMs?: number,
  timeoutMessage?: string,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const cleanups: Array<() => void> = [];
  const abort = (reason: unknown) => {
    if (!controller.signal.aborted) controller.abort(reason);
    for (const cleanup of cleanups) cleanup();
  };
  for (const signal of signals) {
    if (signal === undefined) continue;
    if (signal.aborted) {
      abort(signal.reason);
      break;
    }
    const onAbort = () => abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    cleanups.push(() => signal.removeEventListener("abort", onAbort));
  }
  if (timeoutMs !== undefined && !controller.signal.aborted) {
    const timer = setTimeout(
      () => abort(new FastMCPError("TIMEOUT", timeoutMessage ?? `Timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    cleanups.push(() => clearTimeout(timer));
  }
  return {
    signal: controller.signal,
    dispose: () => {
      for (const cleanup of cleanups) cleanup();
    },
  };
}

/** Rejects as soon as `signal` aborts, so a hung promise cannot hold its caller. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // Nobody waits for it any more; left unobserved, its rejection would be an unhandled one.
    promise.catch(() => undefined);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

export function abortReason(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error) return reason;
  return new FastMCPError("CANCELLED", typeof reason === "string" ? reason : "The request was cancelled");
}

/**
 * A stand-in for `source` to hand to the SDK's request funnel, which reads `aborted` and `reason`
 * and adds (then removes) one abort listener. On Node an abort listener added to and removed from an
 * AbortSignal costs ~2-3 µs, the one step a 2025 sampled call took on our server that the raw SDK
 * takes nowhere; most samples in memory are answered long before anything could cancel them.
 *
 * So the listener is not put on `source` at once: the stand-in is listed, and one timer shared by
 * all stand-ins moves the listeners of those still waiting onto their sources (or fires them, for a
 * source that aborted meanwhile). A cancellation is never lost, and it reaches a waiting request
 * at most one timer turn late; `aborted` reads the source itself, so the SDK drops a late answer to
 * a request whose call was cancelled exactly as before.
 */
export function deferredFollower(source: AbortSignal): AbortSignal {
  return new DeferredFollower(source) as unknown as AbortSignal;
}

const waiting = new Set<DeferredFollower>();
let scheduled = false;

function attachWaiting(): void {
  scheduled = false;
  // Taken out first: a listener fired here may start requests that list new stand-ins.
  const due = [...waiting];
  waiting.clear();
  for (const follower of due) follower.attach();
}

class DeferredFollower {
  private listener: ((event?: unknown) => void) | undefined;
  /** The listener on the source, once moved there (made then: most stand-ins never need one). */
  private onAbort: (() => void) | undefined;

  constructor(private readonly source: AbortSignal) {}

  get aborted(): boolean {
    return this.source.aborted;
  }

  get reason(): unknown {
    return this.source.reason;
  }

  addEventListener(type: string, listener: (event?: unknown) => void): void {
    // The SDK adds one abort listener per request; anything else has nothing to follow.
    if (type !== "abort" || this.listener !== undefined) return;
    this.listener = listener;
    waiting.add(this);
    if (!scheduled) {
      scheduled = true;
      // Unref'd: a timer is no reason for the process to stay up (the request's own timeout is).
      setTimeout(attachWaiting, 0).unref();
    }
  }

  removeEventListener(type: string, listener: (event?: unknown) => void): void {
    if (type !== "abort" || listener !== this.listener) return;
    this.listener = undefined;
    if (this.onAbort !== undefined) this.source.removeEventListener("abort", this.onAbort);
    else waiting.delete(this);
  }

  /** Still waiting at the timer's turn: listen on the source from now on. */
  attach(): void {
    if (this.listener === undefined) return;
    if (this.source.aborted) {
      this.fire();
      return;
    }
    this.onAbort = () => this.fire();
    this.source.addEventListener("abort", this.onAbort, { once: true });
  }

  private fire(): void {
    const listener = this.listener;
    this.listener = undefined;
    this.onAbort = undefined;
    listener?.({ type: "abort" });
  }
}
