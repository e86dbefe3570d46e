import { FastMCPError } from "../errors.js";

/** The few node-redis calls the store uses (typed here so the peer's generics stay out of ours). */
export interface RedisConnection {
  connect(): Promise<unknown>;
  on(event: "error", listener: (error: Error) => void): unknown;
  duplicate(): RedisConnection;
  sendCommand(args: string[]): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  unsubscribe(channel: string, listener: (message: string) => void): Promise<void>;
  close(): Promise<unknown>;
  destroy(): void;
}

export interface ConnectOptions {
  url: string;
  onerror?: (error: Error) => void;
}

/**
 * Opens a node-redis connection. The peer is imported here, on first use, so a server that never
 * asks for Redis never loads it, and one that does without it installed gets a clear error.
 */
export async function openRedis(options: ConnectOptions): Promise<RedisConnection> {
  let redis: { createClient(options: object): unknown };
  try {
    redis = (await import("redis")) as unknown as typeof redis;
  } catch (error) {
    throw new FastMCPError(
      "CONFIG",
      `fastmcp-ts/redis needs the "redis" package (node-redis): npm install redis. (${String(error)})`,
    );
  }
  const client = redis.createClient({
    url: options.url,
    // A command sent while Redis is down fails at once instead of waiting, unbounded, for a reconnect:
    // the request that needed it gets a clear 503 and nothing hangs.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5_000,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1_000),
    },
  }) as RedisConnection;
  // node-redis emits every connection loss as "error"; without a listener Node would crash the process.
  client.on("error", (error) => options.onerror?.(error));
  await client.connect();
  return client;
}

export async function closeRedis(client: RedisConnection): Promise<void> {
  try {
    await client.close();
  } catch {
    client.destroy();
  }
}

/** A command connection and a subscriber connection, each opened on first use and shared after. */
export interface LazyRedis {
  commands(): Promise<RedisConnection>;
  subscriber(): Promise<RedisConnection>;
  close(): Promise<void>;
}

export function lazyRedis(options: ConnectOptions): LazyRedis {
  let commands: Promise<RedisConnection> | undefined;
  let subscriber: Promise<RedisConnection> | undefined;
  // A failed first connect is retried by the next call instead of being remembered forever.
  const remember = (opening: Promise<RedisConnection>, forget: () => void) => {
    opening.catch(forget);
    return opening;
  };
  const lazy: LazyRedis = {
    commands() {
      commands ??= remember(openRedis(options), () => {
        commands = undefined;
      });
      return commands;
    },
    subscriber() {
      subscriber ??= remember(
        (async () => {
          const client = (await lazy.commands()).duplicate();
          client.on("error", (error) => options.onerror?.(error));
          await client.connect();
          return client;
        })(),
        () => {
          subscriber = undefined;
        },
      );
      return subscriber;
    },
    async close() {
      const opened = [subscriber, commands];
      subscriber = undefined;
      commands = undefined;
      for (const client of opened) {
        const ready = await client?.catch(() => undefined);
        if (ready !== undefined) await closeRedis(ready);
      }
    },
  };
  return lazy;
}
