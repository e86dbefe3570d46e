import type { SessionRecord, SessionStore } from "../server/session-store.js";
import { lazyRedis } from "./redis-connection.js";
import { redisEventStore } from "./redis-event-store.js";

export interface RedisSessionStoreOptions {
  /** `redis://[[user]:password@]host[:port][/db]` (or `rediss://` for TLS). */
  url: string;
  /** Prefix of every key and channel, so several servers can share one Redis. Default "fastmcp:". */
  keyPrefix?: string;
  /** A session idle this long expires (every request restarts the clock). Default 1800 s. */
  ttlSeconds?: number;
  /** Keep SSE streams in Redis so a client can resume one on any instance. Default true. */
  resumable?: boolean;
  /** Connection errors and reconnects, reported (node-redis retries on its own). */
  onerror?: (error: Error) => void;
}

// Each operation is one round trip; the record's TTL slides on every read and write.
const CREATE = `redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])`;
const LOAD = `local fields = redis.call('HGETALL', KEYS[1])
if #fields > 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return fields`;
const UPDATE = `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[2] == 'set' then redis.call('HSET', KEYS[1], ARGV[3], ARGV[4]) else redis.call('HDEL', KEYS[1], ARGV[3]) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1`;

const SUBSCRIPTION = "sub:";

/**
 * 2025-era sessions in Redis, shared by every instance given the same URL and prefix: any
 * instance serves any request of any session, sampling answers reach the instance that waits for
 * them over Redis pub/sub, and streams resume on any instance. Connects on first use.
 */
export function redisSessionStore(options: RedisSessionStoreOptions): SessionStore {
  if (typeof options?.url !== "string" || options.url.length === 0) {
    throw new TypeError("redisSessionStore({ url }) needs a Redis URL, e.g. redis://127.0.0.1:6379");
  }
  const prefix = options.keyPrefix ?? "fastmcp:";
  const ttl = String(options.ttlSeconds ?? 1800);
  const clients = lazyRedis({
    url: options.url,
    ...(options.onerror !== undefined && { onerror: options.onerror }),
  });
  const redis = () => clients.commands();
  const key = (id: string) => `${prefix}s:${id}`;
  const run = async (script: string, id: string, ...args: string[]) =>
    (await redis()).sendCommand(["EVAL", script, "1", key(id), ttl, ...args]);

  return {
    async create(id, record) {
      const fields = ["init", JSON.stringify(record.initialize)];
      if (record.principal !== undefined) fields.push("principal", record.principal);
      if (record.logLevel !== undefined) fields.push("logLevel", record.logLevel);
      for (const uri of record.subscriptions) fields.push(SUBSCRIPTION + uri, "1");
      await run(CREATE, id, ...fields);
    },
    async load(id) {
      const flat = (await run(LOAD, id)) as string[];
      return toRecord(flat);
    },
    async update(id, patch) {
      if ("logLevel" in patch) await run(UPDATE, id, "set", "logLevel", patch.logLevel);
      else if ("subscribe" in patch) await run(UPDATE, id, "set", SUBSCRIPTION + patch.subscribe, "1");
      else await run(UPDATE, id, "del", SUBSCRIPTION + patch.unsubscribe);
    },
    async remove(id) {
      await (await redis()).sendCommand(["DEL", key(id)]);
    },
    async publish(channel, message) {
      return Number(await (await redis()).publish(prefix + channel, message));
    },
    async subscribe(channel, listener) {
      const client = await clients.subscriber();
      await client.subscribe(prefix + channel, listener);
      return async () => {
        await client.unsubscribe(prefix + channel, listener).catch(() => undefined);
      };
    },
    eventStore:
      options.resumable === false
        ? undefined
        : (sessionId) => redisEventStore(redis, prefix, sessionId, Number(ttl)),
    close: () => clients.close(),
  };
}

function toRecord(flat: string[]): SessionRecord | undefined {
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!, flat[i + 1]!);
  const init = fields.get("init");
  if (init === undefined) return undefined;
  const principal = fields.get("principal");
  const logLevel = fields.get("logLevel");
  return {
    initialize: JSON.parse(init) as Record<string, unknown>,
    subscriptions: [...fields.keys()]
      .filter((field) => field.startsWith(SUBSCRIPTION))
      .map((field) => field.slice(SUBSCRIPTION.length)),
    ...(principal !== undefined && { principal }),
    ...(logLevel !== undefined && { logLevel }),
  };
}

export type { SessionPatch, SessionRecord, SessionStore } from "../server/session-store.js";
export type { SharedTaskStore, TaskRecord, TaskStore } from "../tasks/task-store.js";
export { type RedisTaskStoreOptions, redisTaskStore } from "./redis-task-store.js";
export { type RedisReplayCacheOptions, redisReplayCache } from "./replay-cache.js";
