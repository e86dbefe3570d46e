// Single-use 2026-07-28 request states across instances: two caches (as two instances would hold)
// on one real redis-server; a state claimed by one is refused by the other until it expires.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisReplayCache } from "../../src/redis/index.js";
import { type RedisServer, startRedis } from "./infra.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe("redisReplayCache", () => {
  it("lets exactly one instance claim a state, and frees it when the state expires", async () => {
    const [a, b] = [redisReplayCache({ url: redis.url }), redisReplayCache({ url: redis.url })];
    try {
      // Both connections open first, so the race below is between claims, not between connects.
      expect(await a.claim("warm-a", Date.now() + 60_000)).toBe(true);
      expect(await b.claim("warm-b", Date.now() + 60_000)).toBe(true);
      // A long-lived state: however slow the machine, it cannot expire between these claims.
      const later = Date.now() + 60_000;
      const claims = await Promise.all([
        a.claim("state-1", later),
        b.claim("state-1", later),
        a.claim("state-1", later),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await b.claim("state-1", later)).toBe(false);
      // A short-lived one is claimable again once it has expired (the key lives at least 1 s).
      expect(await b.claim("state-2", Date.now() + 1_200)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(await a.claim("state-2", Date.now() + 60_000)).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
