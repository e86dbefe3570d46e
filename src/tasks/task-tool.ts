import {
  type CallToolResult,
  type ClientCapabilities,
  MissingRequiredClientCapabilityError,
  type ServerContext,
} from "@modelcontextprotocol/server";
import type { ProtocolEra } from "../sampling/types.js";
import { Context, type ServerRuntime } from "../server/context.js";
import type { ToolDefinition } from "../server/definitions.js";
import { setDetachHook } from "./detach-hooks.js";
import type { TaskEngine } from "./task-runner.js";
import { type CreateTaskResult, TASKS_EXTENSION } from "./types.js";

export type TaskSupport = "optional" | "required";

/**
 * `task: true` → the tool may run as a task; `"required"` → only as a task; `"detach"` → it starts as
 * an ordinary call and becomes a task where the body calls `ctx.detach()`.
 */
export function taskSupportOf(tool: ToolDefinition): TaskSupport | undefined {
  if (tool.task === true || tool.task === "detach") return "optional";
  if (tool.task === "required") return "required";
  return undefined;
}

/** Whether a request's client capabilities declare the tasks extension. */
export function declaresTasks(capabilities: ClientCapabilities | undefined): boolean {
  const extensions = (capabilities as { extensions?: Record<string, unknown> } | undefined)?.extensions;
  return typeof extensions === "object" && extensions !== null && extensions[TASKS_EXTENSION] !== undefined;
}

export interface ToolTaskInput {
  engine: TaskEngine;
  tool: ToolDefinition;
  sdk: ServerContext;
  era: ProtocolEra;
  runtime: ServerRuntime;
  clientCapabilities: ClientCapabilities | undefined;
  owner: string;
  /** The tool body. */
  execute: (ctx: Context) => unknown;
  /** A body's outcome as the result a task completes with (tool errors → `isError`; protocol errors thrown). */
  toResult: (outcome: Promise<unknown>) => Promise<CallToolResult>;
}

const DETACHED = Symbol("fastmcp-ts.detached-task");

/**
 * The `tools/call` hook. `{ created }` when the call runs as a task from the start (a `task: true` or
 * `"required"` tool, on 2026-07-28, from a client that declared the extension); otherwise `{ run }`,
 * the body to run as usual (replay on 2026-07-28, push on 2025) — for a `task: "detach"` tool, one
 * whose `ctx.detach()` turns the rest into a task (see `detachedTask`). A `"required"` tool without
 * the extension is refused with -32021.
 */
export async function toolTaskCall(
  input: ToolTaskInput,
): Promise<{ created: CreateTaskResult } | { run: (ctx: Context) => Promise<unknown> }> {
  const { tool, sdk, runtime, clientCapabilities } = input;
  const run = async (ctx: Context) => input.execute(ctx);
  const declared = input.era === "modern" && declaresTasks(clientCapabilities);
  if (tool.task === "detach") return { run: declared ? detachable(input, run) : run };
  const support = taskSupportOf(tool);
  if (support === undefined || (!declared && support === "optional")) return { run };
  if (!declared) {
    throw new MissingRequiredClientCapabilityError(
      { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } } as never,
      `Tool '${tool.name}' runs only as a task: the request must declare the ${TASKS_EXTENSION} extension (protocol 2026-07-28)`,
    );
  }
  const call = `tools/call:${tool.name}`;
  const created = await input.engine.start(input.owner, (replay, signal) =>
    input.toResult(
      run(new Context({ sdk, era: "modern", runtime, clientCapabilities, signal, replay, call })),
    ),
  );
  return { created };
}

/** The task a detached call became, when `outcome` is one (see `toolTaskCall`). */
export function detachedTask(outcome: unknown): CreateTaskResult | undefined {
  return typeof outcome === "object" && outcome !== null && DETACHED in outcome
    ? (outcome as { [DETACHED]: CreateTaskResult })[DETACHED]
    : undefined;
}

/**
 * Wraps a body so that `ctx.detach()` ends the current round with a new task: the call answers
 * `CreateTaskResult`, and the same running body goes on as that task (its Context switches to the
 * task's input and signal), never replayed again.
 */
function detachable(input: ToolTaskInput, run: (ctx: Context) => Promise<unknown>) {
  return (ctx: Context) =>
    new Promise<unknown>((resolve, reject) => {
      let detached = false;
      let running: Promise<unknown> = Promise.resolve();
      setDetachHook(ctx, () => {
        detached = true;
        return new Promise((handOff, fail) => {
          input.engine
            .start(input.owner, (taskInput, signal) => {
              handOff({ input: taskInput, signal });
              return input.toResult(running);
            })
            .then(
              (task) => resolve({ [DETACHED]: task }),
              (error: unknown) => {
                fail(error);
                reject(error);
              },
            );
        });
      });
      running = run(ctx);
      running.then(
        (value) => {
          if (!detached) resolve(value);
        },
        (error: unknown) => {
          if (!detached) reject(error);
        },
      );
    });
}
