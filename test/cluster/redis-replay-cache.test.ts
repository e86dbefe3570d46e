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
      const soon = Date.now() + 1_200;
      const claims = await Promise.all([
        a.claim("state-1", soon),
        b.claim("state-1", soon),
        a.claim("state-1", soon),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await b.claim("state-2", soon)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await b.claim("state-1", Date.now() + 60_000)).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
