import type { SharedTaskStore, TaskRecord } from "../../src/index.js";

const ENDED = new Set(["completed", "failed", "cancelled"]);

/**
 * A `SharedTaskStore` inside one process, so the tasks tests can run several FastMCP instances
 * against one store without Redis (the cluster suite runs the Redis one). `isolate(node)` cuts one
 * instance off, like a network partition: its heartbeats fail and messages to it are dropped.
 */
export class SharedMemoryTaskStore implements SharedTaskStore {
  private readonly records = new Map<string, TaskRecord>();
  private readonly beats = new Map<string, number>();
  private readonly listeners = new Map<string, Set<(message: string) => void>>();
  private readonly isolated = new Set<string>();

  constructor(readonly leaseMs = 60_000) {}

  async put(record: TaskRecord): Promise<boolean> {
    const current = this.records.get(record.taskId);
    if (current !== undefined && ENDED.has(current.status)) return false;
    this.records.set(record.taskId, structuredClone(record));
    return true;
  }

  async get(taskId: string): Promise<TaskRecord | undefined> {
    const record = this.records.get(taskId);
    return record === undefined ? undefined : structuredClone(record);
  }

  async delete(taskId: string): Promise<void> {
    this.records.delete(taskId);
  }

  async heartbeat(node: string): Promise<void> {
    if (this.isolated.has(node)) throw new Error(`instance ${node} is cut off from the store`);
    this.beats.set(node, Date.now() + this.leaseMs);
  }

  async alive(node: string): Promise<boolean> {
    return (this.beats.get(node) ?? 0) > Date.now();
  }

  async endHeartbeat(node: string): Promise<void> {
    this.beats.delete(node);
  }

  async publish(channel: string, message: string): Promise<number> {
    const current = [...(this.listeners.get(channel) ?? [])];
    // Later, like a network hop: a publisher never re-enters a listener synchronously.
    for (const listener of current) queueMicrotask(() => listener(message));
    return current.length;
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    const set = this.listeners.get(channel) ?? new Set();
    this.listeners.set(channel, set);
    set.add(listener);
    return async () => {
      set.delete(listener);
    };
  }

  /** Shared by several servers: one closing must not empty it for the others. */
  async close(): Promise<void> {}

  /** The instance whose record names it, as the engine wrote it. */
  nodeOf(taskId: string): string | undefined {
    return this.records.get(taskId)?.node;
  }

  /** Cuts `node` off: its heartbeat lapses now, later ones fail, and its channel hears nothing. */
  isolate(node: string): void {
    this.isolated.add(node);
    this.beats.delete(node);
    this.listeners.delete(`tasks:${node}`);
  }
}
