import {
  type CallToolResult,
  type ClientCapabilities,
  MissingRequiredClientCapabilityError,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { Context, type ProtocolEraName, type ServerRuntime } from "../server/context.js";
import type { ToolDefinition } from "../server/definitions.js";
import type { TaskEngine } from "./task-runner.js";
import { type CreateTaskResult, TASKS_EXTENSION } from "./types.js";

export type TaskSupport = "optional" | "required";

/** `task: true` → the tool may run as a task; `task: "required"` → only as a task. */
export function taskSupportOf(tool: ToolDefinition): TaskSupport | undefined {
  if (tool.task === true) return "optional";
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
  era: ProtocolEraName;
  runtime: ServerRuntime;
  clientCapabilities: ClientCapabilities | undefined;
  owner: string;
  /** The tool body with its result mapping (tool errors → `isError`); protocol errors are thrown. */
  run: (ctx: Context) => Promise<CallToolResult>;
}

/**
 * The `tools/call` hook: a `CreateTaskResult` when this call runs as a task (a task tool, on
 * 2026-07-28, from a client that declared the extension); `undefined` to run it as usual (replay on
 * 2026-07-28, push on 2025). A `task: "required"` tool without the extension is refused with -32021.
 */
export async function startToolTask(input: ToolTaskInput): Promise<CreateTaskResult | undefined> {
  const support = taskSupportOf(input.tool);
  if (support === undefined) return undefined;
  if (input.era !== "modern" || !declaresTasks(input.clientCapabilities)) {
    if (support === "optional") return undefined;
    throw new MissingRequiredClientCapabilityError(
      { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } } as never,
      `Tool '${input.tool.name}' runs only as a task: the request must declare the ${TASKS_EXTENSION} extension (protocol 2026-07-28)`,
    );
  }
  const { sdk, runtime, clientCapabilities } = input;
  const call = `tools/call:${input.tool.name}`;
  return input.engine.start(input.owner, (replay, signal) =>
    input.run(new Context({ sdk, era: "modern", runtime, clientCapabilities, signal, replay, call })),
  );
}
