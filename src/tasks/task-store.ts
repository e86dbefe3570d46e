import type { DetailedTask } from "./types.js";

/** A task as stored: what `tasks/get` shows, plus who may see it. */
export interface TaskRecord extends DetailedTask {
  /** The principal that created the task; `""` when the endpoint has no auth. Never sent. */
  owner: string;
  /** The instance running the task (shared stores only), whose heartbeat says it still runs. Never sent. */
  node?: string;
}

/**
 * Where task records live. Records are plain JSON, so a shared store (Redis, a database) can hold
 * them; the running body and its pending answers stay in the process that started the task.
 * A record stays readable for `ttlMs` after its `lastUpdatedAt`, then the store drops it.
 */
export interface TaskStore {
  /**
   * Stores or replaces a record. The write is done when the promise resolves (with nothing, or
   * with false from a shared store that refused it: see `SharedTaskStore`).
   */
  put(record: TaskRecord): Promise<unknown>;
  get(taskId: string): Promise<TaskRecord | undefined>;
  delete(taskId: string): Promise<void>;
  /** Frees timers and connections. */
  close?(): Promise<void>;
}

/**
 * A `TaskStore` several instances share (`redisTaskStore` in fastmcp-ts/redis): besides the records,
 * a heartbeat per instance (a dead instance's tasks read as failed) and a message bus (`tasks/update`
 * and `tasks/cancel` reach the instance running the task, whichever instance received them).
 */
export interface SharedTaskStore extends TaskStore {
  /**
   * Stores a record unless the stored one has already ended (the first outcome stays).
   * Resolves false when it was refused.
   */
  put(record: TaskRecord): Promise<boolean>;
  /** How long one heartbeat keeps an instance alive; instances renew theirs every third of it. */
  readonly leaseMs: number;
  /** Marks instance `node` alive for `leaseMs`. */
  heartbeat(node: string): Promise<void>;
  /** Whether instance `node`'s last heartbeat is younger than `leaseMs`. */
  alive(node: string): Promise<boolean>;
  /** Drops instance `node`'s heartbeat (it is shutting down). */
  endHeartbeat(node: string): Promise<void>;
  /** Sends `message` to every current subscriber of `channel`; resolves how many got it. */
  publish(channel: string, message: string): Promise<number>;
  /** Listens on `channel` until the returned function is called. */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
}

/** Whether `store` is shared between instances (it has the heartbeat and the bus). */
export function isSharedTaskStore(store: TaskStore): store is SharedTaskStore {
  const shared = store as Partial<SharedTaskStore>;
  return (
    typeof shared.heartbeat === "function" &&
    typeof shared.alive === "function" &&
    typeof shared.publish === "function" &&
    typeof shared.subscribe === "function"
  );
}

/** The default store: one process's memory, each record dropped by its own (unref'd) timer. */
export class InMemoryTaskStore implements TaskStore {
  private readonly records = new Map<string, { record: TaskRecord; timer: NodeJS.Timeout }>();

  async put(record: TaskRecord): Promise<void> {
    const previous = this.records.get(record.taskId);
    if (previous !== undefined) clearTimeout(previous.timer);
    const delay = Math.max(0, Date.parse(record.lastUpdatedAt) + record.ttlMs - Date.now());
    const timer = setTimeout(() => this.records.delete(record.taskId), delay);
    timer.unref();
    // A copy: a caller mutating its object afterwards must not change what was stored.
    this.records.set(record.taskId, { record: structuredClone(record), timer });
  }

  async get(taskId: string): Promise<TaskRecord | undefined> {
    const entry = this.records.get(taskId);
    return entry === undefined ? undefined : structuredClone(entry.record);
  }

  async delete(taskId: string): Promise<void> {
    const entry = this.records.get(taskId);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.records.delete(taskId);
  }

  /** Records held now (expired ones are already gone). */
  get size(): number {
    return this.records.size;
  }

  async close(): Promise<void> {
    for (const { timer } of this.records.values()) clearTimeout(timer);
    this.records.clear();
  }
}
