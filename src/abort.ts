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
  if (signal.aborted) return Promise.reject(abortReason(signal));
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
