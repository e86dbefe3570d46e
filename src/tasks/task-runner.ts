import { randomUUID } from "node:crypto";
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { errorMessage, FastMCPError } from "../errors.js";
import { INPUT_KINDS, type InputMethod } from "../sampling/replay.js";
import { TaskCluster } from "./task-cluster.js";
import { InMemoryTaskStore, isSharedTaskStore, type TaskRecord, type TaskStore } from "./task-store.js";
import { envelope, notHere, positiveInteger, view } from "./task-wire.js";
import {
  type CreateTaskResult,
  type DetailedTask,
  type TaskInputRequest,
  type TaskStatus,
  TERMINAL_STATUSES,
} from "./types.js";

export interface TaskOptions {
  /**
   * Where task records live. Default: this process's memory. A shared store (`redisTaskStore` from
   * fastmcp-ts/redis) lets any instance behind a balancer serve any task's `tasks/*` requests.
   */
  store?: TaskStore;
  /** How long a task stays readable after its last change (and how long a parked task waits). Default 1 hour. */
  ttlMs?: number;
  /** The interval clients are asked to poll `tasks/get` at. Default 500 ms. */
  pollIntervalMs?: number;
}

export const DEFAULT_TASK_TTL_MS = 3_600_000;
export const DEFAULT_POLL_INTERVAL_MS = 500;
const WRITE_RETRY_MS = 250;

/** A task body's result: the tool's `CallToolResult` (tool errors included, as `isError`). */
export type TaskBody = (input: TaskInput, signal: AbortSignal) => Promise<Record<string, unknown>>;

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

interface LiveTask {
  record: TaskRecord;
  controller: AbortController;
  waiters: Map<string, Waiter>;
  input: TaskInput;
  /** The chain of store writes, so an async store receives them in order. */
  saved: Promise<void>;
  /** The state last handed to the store. */
  latest?: TaskRecord;
  expiry?: NodeJS.Timeout;
}

/**
 * What a task's Context asks through, in place of a replay run: each request parks the task in
 * `input_required` until `tasks/update` answers it. Nothing is replayed; `once` just runs its step.
 */
export class TaskInput {
  private readonly counters: Record<string, number> = {};
  private readonly used = new Set<string>();

  constructor(private readonly park: (key: string, request: TaskInputRequest) => Promise<unknown>) {}

  request(method: InputMethod, params: Record<string, unknown>, key?: string): Promise<unknown> {
    return this.park(this.mint(INPUT_KINDS[method], key), { method, params });
  }

  once<T>(step: () => T | Promise<T>): Promise<T> {
    return Promise.resolve().then(step);
  }

  /** Every answer reaches a task once (nothing is replayed), so each one is new. */
  isFresh(_answer: unknown): boolean {
    return true;
  }

  // Keys are unique over the task's life: an answer can never land on a later request by accident.
  private mint(prefix: string, wanted: string | undefined): string {
    let key = wanted;
    while (key === undefined || this.used.has(key)) {
      const k = this.counters[prefix] ?? 0;
      this.counters[prefix] = k + 1;
      key = wanted === undefined ? `${prefix}-${k}` : `${wanted}-${k}`;
    }
    this.used.add(key);
    return key;
  }
}

/**
 * Runs tool calls as tasks (SEP-2663): creates the record, runs the body once in the background,
 * parks it on input requests, and answers `tasks/get`, `tasks/update` and `tasks/cancel`.
 * Shared by every per-request server of one FastMCP instance.
 */
export class TaskEngine {
  readonly store: TaskStore;
  readonly ttlMs: number;
  readonly pollIntervalMs: number;
  private readonly live = new Map<string, LiveTask>();
  /** With a shared store: this instance's heartbeat and its route to the other instances. */
  private readonly cluster: TaskCluster | undefined;

  constructor(options: TaskOptions = {}) {
    this.ttlMs = positiveInteger(options.ttlMs ?? DEFAULT_TASK_TTL_MS, "tasks.ttlMs");
    this.pollIntervalMs = positiveInteger(
      options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      "tasks.pollIntervalMs",
    );
    this.store = options.store ?? new InMemoryTaskStore();
    this.cluster = isSharedTaskStore(this.store)
      ? new TaskCluster(this.store, {
          update: (taskId, owner, responses) => this.update(taskId, owner, responses, true),
          cancel: (taskId, owner) => this.cancel(taskId, owner, true),
        })
      : undefined;
  }

  /** Tasks whose body has not finished in this process. */
  get running(): number {
    return this.live.size;
  }

  /** Creates a task (stored before this resolves, so an immediate `tasks/get` finds it), then runs `body`. */
  async start(owner: string, body: TaskBody): Promise<CreateTaskResult> {
    const now = new Date().toISOString();
    const record: TaskRecord = {
      taskId: randomUUID(),
      status: "working",
      createdAt: now,
      lastUpdatedAt: now,
      ttlMs: this.ttlMs,
      pollIntervalMs: this.pollIntervalMs,
      owner,
    };
    if (this.cluster !== undefined) {
      // Before the record names this instance: its heartbeat and its channel must already exist.
      await this.cluster.join();
      record.node = this.cluster.node;
    }
    const controller = new AbortController();
    const task: LiveTask = {
      record,
      controller,
      waiters: new Map(),
      input: new TaskInput((key, request) => this.park(task, key, request)),
      saved: this.store.put(structuredClone(record)).then(() => undefined),
    };
    await task.saved;
    this.live.set(record.taskId, task);
    this.armExpiry(task);
    controller.signal.addEventListener("abort", () => {
      for (const waiter of task.waiters.values()) waiter.reject(controller.signal.reason);
      task.waiters.clear();
    });
    // Taken before the body starts: it may park the task before this returns.
    const created: CreateTaskResult = { resultType: "task", ...envelope(record) };
    void this.run(task, body);
    return created;
  }

  async get(taskId: unknown, owner: string): Promise<DetailedTask> {
    return view(await this.find(taskId, owner));
  }

  /**
   * Delivers answers by key; unknown or already answered keys are ignored. For a task running on
   * another instance (shared store), the answers are forwarded there; `forwarded` marks a request
   * that already was, so it is never sent on again.
   */
  async update(taskId: unknown, owner: string, responses: unknown, forwarded = false): Promise<void> {
    if (typeof responses !== "object" || responses === null || Array.isArray(responses)) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        "tasks/update needs inputResponses: an object",
      );
    }
    const record = await this.find(taskId, owner);
    const task = this.live.get(record.taskId);
    if (task === undefined) {
      if (TERMINAL_STATUSES.has(record.status)) return; // answers to a finished task change nothing
      if (this.runsElsewhere(record, forwarded)) {
        await this.cluster!.forward(record, owner, { k: "update", responses });
        return;
      }
      throw notHere(record.taskId);
    }
    const requests = { ...task.record.inputRequests };
    const answered: Array<[Waiter, unknown]> = [];
    for (const [key, value] of Object.entries(responses)) {
      const waiter = task.waiters.get(key);
      if (waiter === undefined) continue;
      task.waiters.delete(key);
      delete requests[key];
      answered.push([waiter, value]);
    }
    if (answered.length === 0) return;
    // The state changes before the body resumes, so a request it makes next parks it again.
    if (Object.keys(requests).length > 0) this.change(task, { inputRequests: requests });
    else this.change(task, { status: "working" });
    for (const [waiter, value] of answered) waiter.resolve(value);
    await task.saved;
  }

  /** Cancels a running task (its `ctx.signal` aborts); a finished one is left as it is. */
  async cancel(taskId: unknown, owner: string, forwarded = false): Promise<void> {
    const record = await this.find(taskId, owner);
    const task = this.live.get(record.taskId);
    if (task === undefined) {
      if (TERMINAL_STATUSES.has(record.status)) return;
      if (this.runsElsewhere(record, forwarded)) {
        await this.cluster!.forward(record, owner, { k: "cancel" });
        return;
      }
      throw notHere(record.taskId);
    }
    this.settle(task, { status: "cancelled", statusMessage: "Cancelled by the client" });
    task.controller.abort(new FastMCPError("CANCELLED", "The task was cancelled (tasks/cancel)"));
    await task.saved;
  }

  /**
   * Fails every running task (stored so, for whoever polls next, here or on another instance),
   * aborts their bodies, stops this instance's heartbeat and closes the store.
   */
  async close(): Promise<void> {
    const tasks = [...this.live.values()];
    const message = "The server instance running this task shut down before the task finished";
    for (const task of tasks) {
      this.settle(task, {
        status: "failed",
        statusMessage: message,
        error: { code: ProtocolErrorCode.InternalError, message },
      });
      task.controller.abort(new FastMCPError("CANCELLED", "The server shut down"));
    }
    await Promise.allSettled(tasks.map((task) => task.saved));
    await this.cluster?.close();
    await this.store.close?.();
  }

  private async run(task: LiveTask, body: TaskBody): Promise<void> {
    try {
      const result = await body(task.input, task.controller.signal);
      this.settle(task, { status: "completed", result });
    } catch (error) {
      // Tool errors arrive as results with isError; what is thrown here is a protocol-level failure.
      const rpc =
        error instanceof ProtocolError
          ? {
              code: error.code,
              message: error.message,
              ...(error.data !== undefined && { data: error.data }),
            }
          : { code: ProtocolErrorCode.InternalError, message: errorMessage(error) };
      this.settle(task, { status: "failed", error: rpc });
    }
  }

  private park(task: LiveTask, key: string, request: TaskInputRequest): Promise<unknown> {
    const { signal } = task.controller;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      task.waiters.set(key, { resolve, reject });
      this.change(task, {
        status: "input_required",
        inputRequests: { ...task.record.inputRequests, [key]: request },
      });
    });
  }

  /** Ends a task once: later outcomes (a body finishing after its cancel) are dropped. */
  private settle(
    task: LiveTask,
    patch: { status: TaskStatus; statusMessage?: string; result?: unknown; error?: unknown },
  ): void {
    if (TERMINAL_STATUSES.has(task.record.status)) return;
    this.change(task, patch as Partial<TaskRecord>);
    clearTimeout(task.expiry);
    const { taskId } = task.record;
    // Reads go to the store once its write is done; until then the live record answers.
    task.saved.finally(() => this.live.delete(taskId));
  }

  private change(task: LiveTask, patch: Partial<TaskRecord>): void {
    const record = task.record;
    Object.assign(record, patch);
    if (record.status !== "input_required") delete record.inputRequests;
    record.lastUpdatedAt = new Date().toISOString();
    if (!TERMINAL_STATUSES.has(record.status)) this.armExpiry(task);
    const snapshot = structuredClone(record);
    task.latest = snapshot;
    task.saved = task.saved.then(() => this.persist(task, snapshot));
  }

  /**
   * Writes one state of the task. A store that is briefly unreachable (a Redis restart) is retried
   * while this is still the task's latest state, so the shared record catches up with the body.
   */
  private async persist(task: LiveTask, snapshot: TaskRecord): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if ((await this.store.put(snapshot)) === false) this.lost(task);
        return;
      } catch {
        if (task.latest !== snapshot || attempt * WRITE_RETRY_MS >= this.ttlMs) return;
        await new Promise((resolve) => setTimeout(resolve, WRITE_RETRY_MS));
      }
    }
  }

  /**
   * A shared store refused a write: another instance already ended the task (it took this one for
   * dead, e.g. after heartbeats failed to reach the store). That outcome stands; the body stops.
   */
  private lost(task: LiveTask): void {
    if (this.live.get(task.record.taskId) !== task) return;
    this.live.delete(task.record.taskId);
    clearTimeout(task.expiry);
    task.record.status = "failed";
    task.controller.abort(new FastMCPError("CANCELLED", "Another server instance ended this task"));
  }

  /** A task record whose body runs on another instance this request may be forwarded to. */
  private runsElsewhere(record: TaskRecord, forwarded: boolean): boolean {
    return (
      !forwarded &&
      this.cluster !== undefined &&
      record.node !== undefined &&
      record.node !== this.cluster.node
    );
  }

  // A task nobody touches for ttlMs (a client that went away mid-input) is stopped and forgotten.
  private armExpiry(task: LiveTask): void {
    clearTimeout(task.expiry);
    task.expiry = setTimeout(() => {
      this.live.delete(task.record.taskId);
      task.controller.abort(new FastMCPError("TIMEOUT", `Task expired: no change for ${this.ttlMs} ms`));
      void this.store.delete(task.record.taskId).catch(() => undefined);
    }, this.ttlMs);
    task.expiry.unref();
  }

  private async find(taskId: unknown, owner: string): Promise<TaskRecord> {
    if (typeof taskId !== "string" || taskId.length === 0) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, "taskId must be a non-empty string");
    }
    const live = this.live.get(taskId)?.record;
    const record = live ?? (await this.store.get(taskId));
    // Another principal's task reads as unknown: its id alone must not reveal it exists.
    if (record === undefined || record.owner !== owner) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown task: ${taskId}`);
    }
    // Read from a shared store: a task whose instance stopped beating is failed from now on.
    return live !== undefined || this.cluster === undefined ? record : this.cluster.vouch(record);
  }
}
