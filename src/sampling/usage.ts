import type { SamplingUsage } from "./types.js";

function tokenCount(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * The usage an answer carries in `_meta.usage` (provider handlers put it there; a client's answer
 * may too). Anything that is not a non-negative number is ignored, so a peer cannot poison totals.
 */
export function usageFromMeta(meta: unknown): SamplingUsage | undefined {
  if (typeof meta !== "object" || meta === null) return undefined;
  const raw = (meta as { usage?: unknown }).usage;
  if (typeof raw !== "object" || raw === null) return undefined;
  const inputTokens = tokenCount((raw as SamplingUsage).inputTokens);
  const outputTokens = tokenCount((raw as SamplingUsage).outputTokens);
  if (inputTokens === undefined && outputTokens === undefined) return undefined;
  const usage: SamplingUsage = {};
  if (inputTokens !== undefined) usage.inputTokens = inputTokens;
  if (outputTokens !== undefined) usage.outputTokens = outputTokens;
  return usage;
}

/** Sums two usages; a count stays absent only when neither side reported it. */
export function addUsage(
  total: SamplingUsage | undefined,
  more: SamplingUsage | undefined,
): SamplingUsage | undefined {
  if (more === undefined) return total;
  if (total === undefined) return { ...more };
  const sum: SamplingUsage = { ...total };
  if (more.inputTokens !== undefined) sum.inputTokens = (sum.inputTokens ?? 0) + more.inputTokens;
  if (more.outputTokens !== undefined) sum.outputTokens = (sum.outputTokens ?? 0) + more.outputTokens;
  return sum;
}

/** Splits `tools/call:name` (what a request state is bound to) into method and target. */
export function splitCall(call: string): { method: string; target: string } {
  const colon = call.indexOf(":");
  return colon < 0
    ? { method: call, target: "" }
    : { method: call.slice(0, colon), target: call.slice(colon + 1) };
}
