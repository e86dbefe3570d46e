import type { EventStore } from "@modelcontextprotocol/server";
import { MemoryEventStore } from "./memory-event-store.js";

/**
 * What any instance needs to serve a 2025-era session it did not open: the client's `initialize`
 * (replayed to rebuild the session's server: protocol version, capabilities, client info), who
 * opened it, and what the client set since (log level, resource subscriptions).
 */
export interface SessionRecord {
  /** The `initialize` request's params, as the client sent them. */
  initialize: Record<string, unknown>;
  /** The caller that opened the session; a request from any other caller is refused. */
  principal?: string;
  logLevel?: string;
  subscriptions: string[];
}

/** One change to a session's record. */
export type SessionPatch = { logLevel: string } | { subscribe: string } | { unsubscribe: string };

/**
 * Where 2025-era sessions live when several instances serve one endpoint, and how those instances
 * reach each other. `redisSessionStore` (fastmcp-ts/redis) is the shared one; `memorySessionStore`
 * serves handlers inside one process (tests, or several mounts sharing sessions).
 */
export interface SessionStore {
  /** Stores a new session's record. */
  create(id: string, record: SessionRecord): Promise<void>;
  /** The session's record with its idle TTL restarted; `undefined` when unknown, ended or expired. */
  load(id: string): Promise<SessionRecord | undefined>;
  /** Applies one change to a live session (a no-op on an unknown one). */
  update(id: string, patch: SessionPatch): Promise<void>;
  /** Ends the session for every instance. */
  remove(id: string): Promise<void>;
  /** Sends `message` to every current subscriber of `channel`, on any instance; resolves how many got it. */
  publish(channel: string, message: string): Promise<number>;
  /** Listens on `channel` until the returned function is called. */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  /**
   * The SDK event store behind one session's resumable streams (`Last-Event-ID`, on any instance),
   * or `undefined` when streams are not resumable.
   */
  eventStore?(sessionId: string): EventStore | undefined;
  /** Releases connections; called by the handler's `close()`. */
  close(): Promise<void>;
}

export interface MemorySessionStoreOptions {
  /** A session idle this long is forgotten. Default 1800 s. */
  ttlSeconds?: number;
  /** Keep streams resumable with an in-memory event store. Default true. */
  resumable?: boolean;
}

/**
 * Sessions and messages inside one process. Several handlers given the same store behave like
 * instances behind a balancer sharing Redis: any of them serves any session.
 */
export function memorySessionStore(options: MemorySessionStoreOptions = {}): SessionStore {
  const ttlMs = (options.ttlSeconds ?? 1800) * 1000;
  const records = new Map<string, { record: SessionRecord; expires: number }>();
  const listeners = new Map<string, Set<(message: string) => void>>();
  const events = options.resumable === false ? undefined : new MemoryEventStore();
  const live = (id: string) => {
    const entry = records.get(id);
    if (entry === undefined) return undefined;
    if (entry.expires <= Date.now()) {
      records.delete(id);
      events?.forgetSession(id);
      return undefined;
    }
    entry.expires = Date.now() + ttlMs;
    return entry;
  };
  return {
    async create(id, record) {
      records.set(id, { record: structuredClone(record), expires: Date.now() + ttlMs });
    },
    async load(id) {
      const entry = live(id);
      return entry === undefined ? undefined : structuredClone(entry.record);
    },
    async update(id, patch) {
      const entry = live(id);
      if (entry !== undefined) applyPatch(entry.record, patch);
    },
    async remove(id) {
      records.delete(id);
      events?.forgetSession(id);
    },
    async publish(channel, message) {
      // Later, like a network hop: a publisher never re-enters its own listener synchronously.
      const current = [...(listeners.get(channel) ?? [])];
      for (const listener of current) queueMicrotask(() => listener(message));
      return current.length;
    },
    async subscribe(channel, listener) {
      let set = listeners.get(channel);
      if (set === undefined) {
        set = new Set();
        listeners.set(channel, set);
      }
      set.add(listener);
      return async () => {
        set.delete(listener);
      };
    },
    eventStore: events === undefined ? undefined : (sessionId) => events.forSession(sessionId),
    async close() {},
  };
}

/** Applies a patch to a record in place. */
export function applyPatch(record: SessionRecord, patch: SessionPatch): void {
  if ("logLevel" in patch) record.logLevel = patch.logLevel;
  else if ("subscribe" in patch) {
    if (!record.subscriptions.includes(patch.subscribe)) record.subscriptions.push(patch.subscribe);
  } else record.subscriptions = record.subscriptions.filter((uri) => uri !== patch.unsubscribe);
}
