import { randomBytes, randomUUID } from "node:crypto";
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { errorMessage } from "../errors.js";
import type { SharedTaskStore, TaskRecord } from "./task-store.js";
import { TERMINAL_STATUSES } from "./types.js";

/** What the instance running a task does with a request another instance forwarded to it. */
export interface TaskClusterHost {
  /** `tasks/update` for a task running here; `owner` is checked again against the task's creator. */
  update(taskId: string, owner: string, responses: unknown): Promise<void>;
  cancel(taskId: string, owner: string): Promise<void>;
}

type Forwarded = { k: "update"; responses: unknown } | { k: "cancel" };
type Envelope =
  | (Forwarded & { id: string; from: string; taskId: string; owner: string })
  | { k: "reply"; id: string; error?: { code: number; message: string } }
  | { k: "ping" };

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

const channel = (node: string) => `tasks:${node}`;
/** Asks nothing: published only to learn whether anyone still listens on a channel. */
const PING = JSON.stringify({ k: "ping" });
/** Nobody subscribed to the owner's channel: it died, or it is re-subscribing after a reconnect. */
const PUBLISH_ATTEMPTS = 20;
const PUBLISH_RETRY_MS = 100;
/** How long a client takes to reconnect to the store after an outage (node-redis backs off to 1 s). */
const RECONNECT_MS = 1_000;
/** The owner only hands answers to a waiting body and writes one record: this is generous. */
const REPLY_TIMEOUT_MS = 10_000;

/**
 * One instance's part in tasks shared by several instances: it names itself in the records of the
 * tasks it runs, keeps its heartbeat current, forwards `tasks/update` and `tasks/cancel` for a task
 * running elsewhere to that instance (and relays the outcome back), and marks a task failed once the
 * instance running it has stopped beating.
 */
export class TaskCluster {
  /** Names this instance in the records of the tasks it runs. */
  readonly node = randomBytes(6).toString("hex");
  private ready: Promise<void> | undefined;
  private beat: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  private readonly pending = new Map<string, Pending>();
  private closed = false;

  constructor(
    readonly store: SharedTaskStore,
    private readonly host: TaskClusterHost,
  ) {}

  /**
   * Subscribed to this instance's channel, heartbeat written and then renewed until `close()`.
   * Awaited before a task's record names this instance, so no reader ever finds it without a heartbeat.
   */
  join(): Promise<void> {
    if (this.ready === undefined) {
      const attempt = (async () => {
        this.unsubscribe ??= await this.store.subscribe(channel(this.node), (raw) => void this.receive(raw));
        await this.store.heartbeat(this.node);
        if (this.beat === undefined && !this.closed) {
          // A failed renewal is reported by the store (its onerror); the next one tries again.
          this.beat = setInterval(
            () => {
              this.store.heartbeat(this.node).catch(() => undefined);
            },
            Math.max(1, Math.floor(this.store.leaseMs / 3)),
          );
          this.beat.unref();
        }
      })();
      attempt.catch(() => {
        if (this.ready === attempt) this.ready = undefined;
      });
      this.ready = attempt;
    }
    return this.ready;
  }

  /**
   * The record as it stands: a task whose instance has no current heartbeat and no longer listens
   * on its channel is marked failed (and stored so) here, by whichever instance reads it first.
   */
  async vouch(record: TaskRecord): Promise<TaskRecord> {
    const { node } = record;
    if (node === undefined || node === this.node || TERMINAL_STATUSES.has(record.status)) return record;
    return (await this.gone(node)) ? this.markLost(record) : record;
  }

  /**
   * Hands `tasks/update` or `tasks/cancel` to the instance running the task and waits for its outcome
   * (its error is thrown here). Sent once: an answer reaches the body at most once, and the running
   * instance ignores keys already answered. Resolves false when that instance turned out to be gone
   * (the task is then marked failed).
   */
  async forward(record: TaskRecord, owner: string, request: Forwarded): Promise<boolean> {
    const node = record.node!;
    await this.join();
    const id = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const reply = new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
    });
    reply.catch(() => undefined); // awaited below unless the publish fails first
    const message = JSON.stringify({ ...request, id, from: this.node, taskId: record.taskId, owner });
    try {
      for (let attempt = 0; ; attempt++) {
        if ((await this.store.publish(channel(node), message)) > 0) break;
        if (await this.gone(node)) {
          await this.markLost(record);
          return false;
        }
        if (attempt === PUBLISH_ATTEMPTS) {
          throw new ProtocolError(
            ProtocolErrorCode.InternalError,
            `The server instance running task ${record.taskId} is not reachable; try again`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, PUBLISH_RETRY_MS));
      }
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new ProtocolError(
                ProtocolErrorCode.InternalError,
                `The server instance running task ${record.taskId} did not confirm the ${request.k} within ${REPLY_TIMEOUT_MS / 1000} s`,
              ),
            ),
          REPLY_TIMEOUT_MS,
        );
      });
      await Promise.race([reply, timeout]);
      return true;
    } finally {
      clearTimeout(timer);
      this.pending.delete(id);
    }
  }

  /** Stops the heartbeat and drops it (this instance's tasks have been ended by then). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.beat);
    this.beat = undefined;
    for (const waiter of this.pending.values()) {
      waiter.reject(new ProtocolError(ProtocolErrorCode.InternalError, "The server shut down"));
    }
    this.pending.clear();
    const joined = await this.ready?.then(
      () => true,
      () => false,
    );
    await this.unsubscribe?.().catch(() => undefined);
    if (joined === true) await this.store.endHeartbeat(this.node).catch(() => undefined);
  }

  /**
   * Whether instance `node` stopped: no current heartbeat and nobody on its channel, twice. Both
   * also lapse while the store is unreachable (an outage longer than the lease); an instance that
   * comes back resubscribes at once and renews its heartbeat within a third of the lease, so the
   * second look waits that long (plus a reconnect) before calling it dead.
   */
  private async gone(node: string): Promise<boolean> {
    const present = async () =>
      (await this.store.alive(node)) || (await this.store.publish(channel(node), PING)) > 0;
    if (await present()) return false;
    await new Promise((resolve) => setTimeout(resolve, this.store.leaseMs / 3 + RECONNECT_MS));
    return !(await present());
  }

  private async markLost(record: TaskRecord): Promise<TaskRecord> {
    const seconds = this.store.leaseMs / 1000;
    const message = `The server instance running this task stopped (no heartbeat for ${seconds} s); the task did not finish`;
    const failed: TaskRecord = {
      ...record,
      status: "failed",
      statusMessage: message,
      lastUpdatedAt: new Date().toISOString(),
      error: { code: ProtocolErrorCode.InternalError, message },
    };
    delete failed.inputRequests;
    // Another reader may have ended it first (or its instance, just before dying): that outcome stays.
    if (await this.store.put(failed)) return failed;
    return (await this.store.get(record.taskId)) ?? failed;
  }

  private async receive(raw: string): Promise<void> {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(raw) as Envelope;
    } catch {
      return;
    }
    if (envelope.k === "reply") {
      const waiter = this.pending.get(envelope.id);
      if (envelope.error === undefined) waiter?.resolve();
      else waiter?.reject(new ProtocolError(envelope.error.code, envelope.error.message));
      return;
    }
    if (envelope.k === "ping") return;
    if (typeof envelope.from !== "string" || typeof envelope.taskId !== "string") return;
    let error: { code: number; message: string } | undefined;
    try {
      if (envelope.k === "update")
        await this.host.update(envelope.taskId, envelope.owner, envelope.responses);
      else await this.host.cancel(envelope.taskId, envelope.owner);
    } catch (failure) {
      error =
        failure instanceof ProtocolError
          ? { code: failure.code, message: failure.message }
          : { code: ProtocolErrorCode.InternalError, message: errorMessage(failure) };
    }
    const answer = JSON.stringify({ k: "reply", id: envelope.id, ...(error !== undefined && { error }) });
    // Undeliverable (the asking instance is gone): its own timeout tells its client.
    await this.store.publish(channel(envelope.from), answer).catch(() => undefined);
  }
}
