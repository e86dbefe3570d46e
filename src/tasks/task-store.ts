import type { DetailedTask } from "./types.js";

/** A task as stored: what `tasks/get` shows, plus who may see it. */
export interface TaskRecord extends DetailedTask {
  /** The principal that created the task; `""` when the endpoint has no auth. Never sent. */
  owner: string;
}

/**
 * Where task records live. Records are plain JSON, so a shared store (Redis, a database) can hold
 * them; the running body and its pending answers stay in the process that started the task.
 * A record stays readable for `ttlMs` after its `lastUpdatedAt`, then the store drops it.
 */
export interface TaskStore {
  /** Stores or replaces a record. The write is done when the promise resolves. */
  put(record: TaskRecord): Promise<void>;
  get(taskId: string): Promise<TaskRecord | undefined>;
  delete(taskId: string): Promise<void>;
  /** Frees timers and connections. */
  close?(): Promise<void>;
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
