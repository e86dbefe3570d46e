import { WireErrorCode } from "../error-codes.js";

/** How many 2025-era sessions one HTTP endpoint keeps open. */
export interface SessionLimitOptions {
  /** Open sessions in total; an `initialize` beyond it gets 503. Default 10,000. */
  maxSessions?: number;
  /**
   * Open sessions of one authenticated principal; beyond it, 429. Default 100. (Without auth every
   * caller is the same principal, so only `maxSessions` applies.)
   */
  maxSessionsPerPrincipal?: number;
  /**
   * A session that was opened but never used (no request after `initialize`, no GET stream) is closed
   * after this long: what a flood of bare initializes leaves behind. Default 60 s.
   */
  unusedSessionTimeoutMs?: number;
}

export const DEFAULT_MAX_SESSIONS = 10_000;
export const DEFAULT_MAX_SESSIONS_PER_PRINCIPAL = 100;
export const DEFAULT_UNUSED_SESSION_MS = 60_000;

/** A place held for a session being opened: `bind` it once the session has its id, else `release` it. */
export interface SessionSlot {
  bind(id: string): void;
  release(): void;
}

/**
 * Counts open sessions in total and per principal. A slot is taken before the transport sees the
 * `initialize`, so concurrent initializes cannot all slip under the cap.
 */
export class SessionCaps {
  private total = 0;
  private readonly perPrincipal = new Map<string, number>();
  private readonly owners = new Map<string, string | undefined>();
  private readonly max: number;
  private readonly maxPerPrincipal: number;

  constructor(options: SessionLimitOptions) {
    this.max = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
    this.maxPerPrincipal = options.maxSessionsPerPrincipal ?? DEFAULT_MAX_SESSIONS_PER_PRINCIPAL;
  }

  /** A slot for a new session of `principal`, or the response refusing it. */
  take(principal: string | undefined): SessionSlot | Response {
    if (this.total >= this.max) {
      return refuse(503, `Too many open sessions on this server (maxSessions ${this.max}); retry later`);
    }
    const mine = principal === undefined ? 0 : (this.perPrincipal.get(principal) ?? 0);
    if (principal !== undefined && mine >= this.maxPerPrincipal) {
      return refuse(
        429,
        `Too many open sessions for this caller (maxSessionsPerPrincipal ${this.maxPerPrincipal}); close one (DELETE) first`,
      );
    }
    this.count(principal, +1);
    let done = false;
    return {
      bind: (id) => {
        if (done) return;
        done = true;
        this.owners.set(id, principal);
      },
      release: () => {
        if (done) return;
        done = true;
        this.count(principal, -1);
      },
    };
  }

  /** A session ended (idempotent: DELETE, transport close and the sweeper may all report it). */
  closed(id: string): void {
    if (!this.owners.has(id)) return;
    const principal = this.owners.get(id);
    this.owners.delete(id);
    this.count(principal, -1);
  }

  private count(principal: string | undefined, delta: number): void {
    this.total += delta;
    if (principal === undefined) return;
    const next = (this.perPrincipal.get(principal) ?? 0) + delta;
    if (next <= 0) this.perPrincipal.delete(principal);
    else this.perPrincipal.set(principal, next);
  }
}

function refuse(status: number, message: string): Response {
  return Response.json(
    { jsonrpc: "2.0", error: { code: WireErrorCode.ServerError, message }, id: null },
    { status, ...(status === 503 && { headers: { "retry-after": "30" } }) },
  );
}
