import type { ReplayCache } from "../sampling/replay-cache.js";
import { closeRedis, openRedis, type RedisConnection } from "./redis-connection.js";

export interface RedisReplayCacheOptions {
  /** `redis://…`, the same Redis every instance uses. */
  url: string;
  /** Prefix of its keys. Default "fastmcp:". */
  keyPrefix?: string;
  onerror?: (error: Error) => void;
}

/**
 * Single-use 2026-07-28 request states across instances (FastMCP option `requestStateReplayCache`):
 * a state is claimed with one `SET NX` expiring with the state, so exactly one instance accepts it.
 */
export function redisReplayCache(options: RedisReplayCacheOptions): ReplayCache & { close(): Promise<void> } {
  if (typeof options?.url !== "string" || options.url.length === 0) {
    throw new TypeError("redisReplayCache({ url }) needs a Redis URL, e.g. redis://127.0.0.1:6379");
  }
  const prefix = options.keyPrefix ?? "fastmcp:";
  let client: Promise<RedisConnection> | undefined;
  const redis = () => {
    if (client === undefined) {
      const opening = openRedis({
        url: options.url,
        ...(options.onerror !== undefined && { onerror: options.onerror }),
      });
      opening.catch(() => {
        if (client === opening) client = undefined;
      });
      client = opening;
    }
    return client;
  };
  return {
    async claim(id, expiresAt) {
      // Never a time already past (Redis would refuse it); the state's own expiry is checked anyway.
      const at = Math.max(Math.ceil(expiresAt), Date.now() + 1_000);
      const reply = await (await redis()).sendCommand([
        "SET",
        `${prefix}rs:${id}`,
        "1",
        "NX",
        "PXAT",
        String(at),
      ]);
      return reply === "OK";
    },
    async close() {
      const opened = await client?.catch(() => undefined);
      client = undefined;
      if (opened !== undefined) await closeRedis(opened);
    },
  };
}
