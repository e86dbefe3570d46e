import { FastMCPError } from "../errors.js";
import type { SharedTaskStore, TaskRecord } from "../tasks/task-store.js";
import { lazyRedis } from "./redis-connection.js";

export interface RedisTaskStoreOptions {
  /** `redis://…`, the same Redis every instance uses (it may be the sessions' one). */
  url: string;
  /** Prefix of every key and channel. Default "fastmcp:". */
  keyPrefix?: string;
  /**
   * An instance that has not renewed its heartbeat for this long is taken for dead, and its
   * unfinished tasks read as failed. Instances renew every third of it. Default 15 s.
   */
  leaseMs?: number;
  /** Connection errors and failed heartbeats, reported (node-redis reconnects on its own). */
  onerror?: (error: Error) => void;
}

const DEFAULT_LEASE_MS = 15_000;

// One round trip per write. A finished record is never replaced, so the first outcome stays (an
// instance taken for dead that comes back cannot overwrite the "failed" another instance stored).
const PUT = `local status = redis.call('HGET', KEYS[1], 's')
if status == 'completed' or status == 'failed' or status == 'cancelled' then return 0 end
redis.call('HSET', KEYS[1], 's', ARGV[1], 'r', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return 1`;

/**
 * Task records in Redis, shared by every instance given the same URL and prefix (FastMCP option
 * `tasks.store`): any instance answers `tasks/get`, `tasks/update` and `tasks/cancel` reach the
 * instance running the task over Redis pub/sub, and a task whose instance stopped (no heartbeat for
 * `leaseMs`) reads as failed. Each record expires `ttlMs` after its last change. Connects on first use.
 */
export function redisTaskStore(options: RedisTaskStoreOptions): SharedTaskStore {
  if (typeof options?.url !== "string" || options.url.length === 0) {
    throw new TypeError("redisTaskStore({ url }) needs a Redis URL, e.g. redis://127.0.0.1:6379");
  }
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  if (!Number.isInteger(leaseMs) || leaseMs < 300) {
    throw new FastMCPError("CONFIG", `redisTaskStore leaseMs must be an integer >= 300, got ${leaseMs}.`);
  }
  const prefix = options.keyPrefix ?? "fastmcp:";
  const redis = lazyRedis({
    url: options.url,
    ...(options.onerror !== undefined && { onerror: options.onerror }),
  });
  const key = (taskId: string) => `${prefix}task:${taskId}`;
  const beat = (node: string) => `${prefix}task-node:${node}`;
  const send = async (args: string[]) => (await redis.commands()).sendCommand(args);

  return {
    leaseMs,
    async put(record: TaskRecord) {
      // Never a time already past (Redis would delete the record at once); the engine expires it too.
      const at = Math.max(Date.parse(record.lastUpdatedAt) + record.ttlMs, Date.now() + 1_000);
      const kept = await send([
        "EVAL",
        PUT,
        "1",
        key(record.taskId),
        record.status,
        JSON.stringify(record),
        String(at),
      ]);
      return Number(kept) === 1;
    },
    async get(taskId) {
      const raw = await send(["HGET", key(taskId), "r"]);
      return typeof raw === "string" ? (JSON.parse(raw) as TaskRecord) : undefined;
    },
    async delete(taskId) {
      await send(["DEL", key(taskId)]);
    },
    async heartbeat(node) {
      try {
        await send(["SET", beat(node), "1", "PX", String(leaseMs)]);
      } catch (error) {
        // Renewals run in the background: this is where a failing one is heard of.
        options.onerror?.(error as Error);
        throw error;
      }
    },
    async alive(node) {
      return Number(await send(["EXISTS", beat(node)])) === 1;
    },
    async endHeartbeat(node) {
      await send(["DEL", beat(node)]);
    },
    async publish(channel, message) {
      return Number(await (await redis.commands()).publish(prefix + channel, message));
    },
    async subscribe(channel, listener) {
      const client = await redis.subscriber();
      await client.subscribe(prefix + channel, listener);
      return async () => {
        await client.unsubscribe(prefix + channel, listener).catch(() => undefined);
      };
    },
    close: () => redis.close(),
  };
}
