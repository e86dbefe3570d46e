import type { AuthInfo } from "@modelcontextprotocol/server";
import { FastMCPError } from "../errors.js";
import type { SamplingParams, SamplingUsage } from "../sampling/types.js";

/** One sample the server's own handler is about to answer (the server's owner pays for it). */
export interface BudgetRequest {
  /** Who asked (see principal.ts); `undefined` on an unauthenticated server (everyone alike). */
  principal: string | undefined;
  auth: AuthInfo | undefined;
  /** `tools/call:name` and friends. */
  call: string | undefined;
  params: SamplingParams;
}

/**
 * Decides whether the server's own LLM answers a sample, per caller. `admit` throws (or rejects) to
 * refuse: the sample fails with that error and the handler never runs. `record` is told what an
 * answered sample used. Client-answered samples cost the server nothing and never reach it.
 */
export interface SamplingBudget {
  admit(request: BudgetRequest): void | Promise<void>;
  record?(request: BudgetRequest, usage: SamplingUsage | undefined): void;
}

export interface SamplingBudgetOptions {
  /** The window the limits apply to, in milliseconds (sliding). */
  perMs: number;
  /** Server-answered samples per principal in any window. */
  maxCalls?: number;
  /**
   * Tokens per principal in any window: the usage the handler reported, or the request's `maxTokens`
   * when it reported none. A sample is refused once the window's total has reached it.
   */
  maxTokens?: number;
}

interface Spent {
  at: number;
  tokens: number;
}

/** A sliding-window budget per principal, in memory (one process; share state yourself across instances). */
export function createSamplingBudget(options: SamplingBudgetOptions): SamplingBudget {
  const { perMs, maxCalls, maxTokens } = options;
  const positive = (value: number | undefined) =>
    value === undefined || (Number.isFinite(value) && value > 0);
  if (!(perMs > 0) || !positive(maxCalls) || !positive(maxTokens) || (maxCalls ?? maxTokens) === undefined) {
    throw new FastMCPError(
      "CONFIG",
      "createSamplingBudget needs perMs > 0 and maxCalls and/or maxTokens (positive numbers).",
    );
  }
  const ledger = new Map<string, Spent[]>();
  const recent = (who: string, now: number) => {
    const entries = (ledger.get(who) ?? []).filter((entry) => now - entry.at < perMs);
    if (entries.length === 0) ledger.delete(who);
    else ledger.set(who, entries);
    return entries;
  };
  const keyOf = (request: BudgetRequest) => request.principal ?? "";
  return {
    admit(request) {
      const now = Date.now();
      const entries = recent(keyOf(request), now);
      if (maxCalls !== undefined && entries.length >= maxCalls) {
        throw new FastMCPError(
          "BUDGET_EXCEEDED",
          `Sampling budget spent: at most ${maxCalls} server-answered samples per ${perMs} ms for this caller`,
        );
      }
      const tokens = entries.reduce((sum, entry) => sum + entry.tokens, 0);
      if (maxTokens !== undefined && tokens >= maxTokens) {
        throw new FastMCPError(
          "BUDGET_EXCEEDED",
          `Sampling budget spent: at most ${maxTokens} tokens per ${perMs} ms for this caller`,
        );
      }
      entries.push({ at: now, tokens: 0 });
      ledger.set(keyOf(request), entries);
      // Sweep callers whose windows emptied, so the ledger does not grow with every caller ever seen.
      if (ledger.size > 1_000) for (const who of [...ledger.keys()]) recent(who, now);
    },
    record(request, usage) {
      const entries = ledger.get(keyOf(request));
      const entry = entries?.findLast((candidate) => candidate.tokens === 0);
      if (entry === undefined) return;
      const reported = (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0);
      entry.tokens = usage === undefined ? request.params.maxTokens : reported;
    },
  };
}
