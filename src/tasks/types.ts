/** The tasks extension (SEP-2663): its id, as declared under `capabilities.extensions`. */
export const TASKS_EXTENSION = "io.modelcontextprotocol/tasks";

export type TaskStatus = "working" | "input_required" | "completed" | "failed" | "cancelled";

export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(["completed", "failed", "cancelled"]);

/** An embedded request a parked task waits on (`sampling/createMessage`, `elicitation/create`, `roots/list`). */
export interface TaskInputRequest {
  method: string;
  params: Record<string, unknown>;
}

/** The task envelope on the wire: flat, durations in integer milliseconds. */
export interface TaskInfo {
  taskId: string;
  status: TaskStatus;
  statusMessage?: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  lastUpdatedAt: string;
  /** How long the task stays readable after its last change. */
  ttlMs: number;
  /** How long a client should wait between two `tasks/get`. */
  pollIntervalMs: number;
}

/** What `tools/call` returns when it created a task. */
export interface CreateTaskResult extends TaskInfo {
  resultType: "task";
}

/** What `tasks/get` returns: the envelope plus what the status calls for. */
export interface DetailedTask extends TaskInfo {
  /** While `input_required`: the requests still unanswered, by key. */
  inputRequests?: Record<string, TaskInputRequest>;
  /** Once `completed`: the tool's result (a tool error is `completed` with `isError`). */
  result?: Record<string, unknown>;
  /** Once `failed`: the JSON-RPC error that ended it. */
  error?: { code: number; message: string; data?: unknown };
}
