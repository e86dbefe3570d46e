import type { AuthInfo, RequestId } from "@modelcontextprotocol/server";

/** Token counts of one LLM answer (or of all answers of a tool loop). */
export interface SamplingUsage {
  inputTokens?: number;
  outputTokens?: number;
}

/** What `onUsage` sees for every sample a server made (one per LLM request, tool loops included). */
export interface UsageEvent {
  /** Token counts, when the answerer reported them (provider handlers do; a client may, in `_meta.usage`). */
  usage: SamplingUsage | undefined;
  /** The model that answered, as reported. */
  model: string;
  /** Who answered: the client's LLM, or the server's own handler (the server pays for those). */
  via: "client" | "server";
  /** The request that sampled: `tools/call`, `prompts/get` or `resources/read`. */
  method: string;
  /** The tool or prompt name, or the resource URI. */
  target: string;
  /** The tool's name, when a tool sampled. */
  tool?: string;
  /** JSON-RPC id of the request that sampled. */
  requestId: RequestId;
  /** The 2025 session, when there is one. */
  sessionId?: string;
  /** The caller's verified credentials on an authenticated HTTP server (`auth.clientId`, `auth.extra`…). */
  auth?: AuthInfo;
  /**
   * Who the caller is, as sessions and request state are bound to it (FastMCP option `principal`;
   * default `sub:<extra.sub>`, else `client:<clientId>`): the key for a per-user budget.
   */
  principal?: string;
  era: "legacy" | "modern";
}

/**
 * Sees every sample's usage once. A throw (or a rejection) fails that sample with the error, so
 * the hook can stop a caller whose budget is spent; it is awaited only when it returns a promise.
 */
export type UsageHook = (event: UsageEvent) => void | Promise<void>;

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
