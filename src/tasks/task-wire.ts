import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { FastMCPError } from "../errors.js";
import type { TaskRecord } from "./task-store.js";
import type { DetailedTask } from "./types.js";

/** The task envelope of a record, as `tools/call` and `tasks/get` send it. */
export function envelope(record: TaskRecord) {
  const { taskId, status, statusMessage, createdAt, lastUpdatedAt, ttlMs, pollIntervalMs } = record;
  return {
    taskId,
    status,
    ...(statusMessage !== undefined && { statusMessage }),
    createdAt,
    lastUpdatedAt,
    ttlMs,
    pollIntervalMs,
  };
}

/** What `tasks/get` shows of a record: the envelope plus what its status calls for. */
export function view(record: TaskRecord): DetailedTask {
  const out: DetailedTask = envelope(record);
  if (record.status === "input_required" && record.inputRequests !== undefined) {
    out.inputRequests = { ...record.inputRequests };
  }
  if (record.status === "completed" && record.result !== undefined) out.result = record.result;
  if (record.status === "failed" && record.error !== undefined) out.error = record.error;
  return out;
}

export function notHere(taskId: string): ProtocolError {
  return new ProtocolError(
    ProtocolErrorCode.InternalError,
    `Task ${taskId} runs on another server instance; send tasks/update and tasks/cancel to the instance that created it`,
  );
}

export function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new FastMCPError("CONFIG", `${name} must be a positive integer (milliseconds), got ${value}.`);
  }
  return value;
}
