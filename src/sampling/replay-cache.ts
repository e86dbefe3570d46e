import { createHash } from "node:crypto";
import type { StateCodec } from "./state-codec.js";

/**
 * Remembers which 2026-07-28 request states were used, so each is accepted once: a client cannot
 * replay one round (and make the server's LLM answer it again) within the state's lifetime. Backed
 * by memory here; a store shared by every instance (Redis…) implements the same one method.
 */
export interface ReplayCache {
  /**
   * Marks `id` used until `expiresAt` (epoch milliseconds). Resolves `true` the first time and
   * `false` for an id already used and not yet expired. Must be atomic across instances.
   */
  claim(id: string, expiresAt: number): boolean | Promise<boolean>;
}

/** A replay cache in this process's memory; entries leave once their state would have expired. */
export function memoryReplayCache(): ReplayCache & { readonly size: number } {
  const used = new Map<string, number>();
  let sweepAt = 0;
  return {
    claim(id, expiresAt) {
      const now = Date.now();
      if (now >= sweepAt) {
        for (const [key, until] of used) if (until <= now) used.delete(key);
        sweepAt = now + 10_000;
      }
      const until = used.get(id);
      if (until !== undefined && until > now) return false;
      used.set(id, expiresAt);
      return true;
    },
    get size() {
      return used.size;
    },
  };
}

/** `codec` whose `verify` also claims the state in `cache`: a second use is refused like a forgery. */
export function singleUse<T>(codec: StateCodec<T>, cache: ReplayCache, ttlSeconds: number): StateCodec<T> {
  return {
    mint: (payload, ctx, binding) => codec.mint(payload, ctx, binding),
    verify: async (state, ctx, binding) => {
      const value = await codec.verify(state, ctx, binding);
      // Hashed: the id is short and reveals nothing of the state to the store.
      const id = createHash("sha256").update(state).digest("base64url");
      if (!(await cache.claim(id, Date.now() + ttlSeconds * 1000))) throw new Error("replayed");
      return value;
    },
    peek: (state) => codec.peek(state),
  };
}
