import type { CallToolResult, JSONRPCMessage, Client as SdkClient } from "@modelcontextprotocol/client";
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { raceAbort } from "../abort.js";
import { FastMCPError } from "../errors.js";
import { anyObject } from "../schema.js";
import type { CreateTaskResult, DetailedTask, TaskInputRequest } from "../tasks/types.js";

/** Where a created task rides through the SDK's `callTool`, which knows no `resultType: "task"`. */
const CREATED_TASK_KEY = "fastmcp-ts/created-task";

/**
 * The SDK client rejects a result it cannot classify, and `resultType: "task"` (SEP-2663) is one.
 * A created task is handed on as an empty complete result that carries the task in `_meta`, so
 * `callTool` resolves and the caller follows the task. Returns that replacement for an inbound
 * message announcing a created task, else undefined (nothing else is touched).
 */
export function carriedTask(message: JSONRPCMessage): JSONRPCMessage | undefined {
  const result = (message as { result?: Record<string, unknown> }).result;
  if (result?.resultType !== "task" || typeof result.taskId !== "string") return undefined;
  const carried = { resultType: "complete", content: [], _meta: { [CREATED_TASK_KEY]: result } };
  return { ...message, result: carried } as JSONRPCMessage;
}

/** The task a `callTool` result stands for, if the server created one. */
export function createdTaskOf(result: { _meta?: Record<string, unknown> }): CreateTaskResult | undefined {
  return result._meta?.[CREATED_TASK_KEY] as CreateTaskResult | undefined;
}

/** Passes any object through: what the server says is checked where it is used. */
const ANY_OBJECT = anyObject("expected an object");

export interface TaskRequestOptions {
  signal?: AbortSignal;
  timeoutMs: number;
}

export async function getTask(sdk: SdkClient, taskId: string, options: TaskRequestOptions) {
  const task = await request(sdk, "tasks/get", { taskId }, options);
  if (typeof task.status !== "string" || task.taskId !== taskId) {
    throw new FastMCPError("INVALID_RESULT", `tasks/get for ${taskId} answered without the task's status`);
  }
  return task as unknown as DetailedTask;
}

export async function updateTask(
  sdk: SdkClient,
  taskId: string,
  inputResponses: Record<string, unknown>,
  options: TaskRequestOptions,
): Promise<void> {
  await request(sdk, "tasks/update", { taskId, inputResponses }, options);
}

export async function cancelTask(sdk: SdkClient, taskId: string, options: TaskRequestOptions) {
  await request(sdk, "tasks/cancel", { taskId }, options);
}

function request(
  sdk: SdkClient,
  method: string,
  params: Record<string, unknown>,
  { signal, timeoutMs }: TaskRequestOptions,
) {
  return sdk.request({ method, params } as never, ANY_OBJECT, {
    timeout: timeoutMs,
    ...(signal !== undefined && { signal }),
  });
}

export interface FollowOptions extends TaskRequestOptions {
  /** Called with every state `tasks/get` reports. */
  onStatus?: (task: DetailedTask) => void;
}

/**
 * Follows a task to its end like the call it stands for: polls `tasks/get` at the server's
 * interval (at once after answering), answers every input request with the client's own handlers
 * and sends them in one `tasks/update`. Aborting (or a failed answer) cancels the task on the server.
 */
export async function followTask(
  sdk: SdkClient,
  created: CreateTaskResult,
  options: FollowOptions,
): Promise<CallToolResult> {
  const { taskId } = created;
  const interval =
    Number.isInteger(created.pollIntervalMs) && created.pollIntervalMs > 0 ? created.pollIntervalMs : 1000;
  let settled = false;
  try {
    let task: DetailedTask = { ...created };
    let now = true; // the first look, and the one right after answering, need no wait
    for (;;) {
      if (!now) await pause(task.pollIntervalMs ?? interval, options.signal);
      now = false;
      task = await getTask(sdk, taskId, options);
      options.onStatus?.(task);
      if (task.status === "completed") {
        settled = true;
        return (task.result ?? { content: [] }) as CallToolResult;
      }
      if (task.status === "failed") {
        settled = true;
        const error = task.error ?? { code: ProtocolErrorCode.InternalError, message: "The task failed" };
        throw new ProtocolError(error.code, error.message, error.data);
      }
      if (task.status === "cancelled") {
        settled = true;
        throw new FastMCPError("CANCELLED", `The server cancelled task ${taskId}`);
      }
      if (task.status === "input_required" && task.inputRequests !== undefined) {
        const entries = Object.entries(task.inputRequests);
        const answers = await Promise.all(
          entries.map(([key, input]) => answerInput(sdk, key, input, options.signal)),
        );
        const responses = Object.fromEntries(entries.map(([key], i) => [key, answers[i]]));
        await updateTask(sdk, taskId, responses, options);
        now = true;
      }
    }
  } catch (error) {
    // The call is over for us (aborted, timed out, or an answer failed): stop the work on the server too.
    if (!settled) await cancelTask(sdk, taskId, { timeoutMs: 2_000 }).catch(() => undefined);
    throw error;
  }
}

/**
 * Answers one embedded request through the SDK client's own handler for its method (the sampling
 * bridge, or what `configureSdk` registered), exactly as the SDK does for an input_required round.
 */
async function answerInput(
  sdk: SdkClient,
  key: string,
  input: TaskInputRequest,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const internals = sdk as unknown as {
    _getRequestHandler(method: string): ((request: unknown, ctx: unknown) => Promise<unknown>) | undefined;
  };
  const handler = typeof input?.method === "string" ? internals._getRequestHandler(input.method) : undefined;
  if (handler === undefined) {
    throw new FastMCPError(
      "CAPABILITY_MISSING",
      `The task asks for ${String(input?.method)}, which this client has no handler for`,
    );
  }
  const params = typeof input.params === "object" && input.params !== null ? input.params : undefined;
  const unavailable = () => Promise.reject(new Error("No related messaging while answering a task's input"));
  const ctx = {
    sessionId: undefined,
    mcpReq: {
      id: key,
      method: input.method,
      _meta: params?._meta,
      signal: signal ?? new AbortController().signal,
      send: unavailable,
      notify: unavailable,
    },
  };
  const request = { jsonrpc: "2.0", id: key, method: input.method, ...(params !== undefined && { params }) };
  return handler(request, ctx);
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  const wait = new Promise<void>((resolve) => setTimeout(resolve, ms));
  return signal === undefined ? wait : raceAbort(wait, signal);
}
