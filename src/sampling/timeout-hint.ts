import type { SamplingParams } from "./types.js";

/**
 * `_meta` key that carries a sample's `timeoutMs` inside a 2026-07-28 input request. The server is
 * not waiting while the client answers, so it cannot bound the answer itself; our client bounds its
 * handler by this (other clients ignore it).
 */
export const SAMPLE_TIMEOUT_META_KEY = "fastmcp-ts/timeoutMs";

export function withTimeoutHint(params: SamplingParams, timeoutMs: number | undefined): SamplingParams {
  if (timeoutMs === undefined) return params;
  return { ...params, _meta: { ...params._meta, [SAMPLE_TIMEOUT_META_KEY]: timeoutMs } };
}

/** The bound hinted in a request's `_meta`, when it is a usable number of milliseconds. */
export function timeoutHintOf(meta: object | undefined): number | undefined {
  const value = (meta as Record<string, unknown> | undefined)?.[SAMPLE_TIMEOUT_META_KEY];
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}
