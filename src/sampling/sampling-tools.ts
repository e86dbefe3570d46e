import { toCallToolResult } from "../content.js";
import { toolErrorText } from "../error-policy.js";
import { FastMCPError } from "../errors.js";
import { toJsonSchema, validateWith } from "../schema.js";
import type { SamplingHost } from "./round-trip.js";
import type {
  SamplingMessageContentBlock,
  SamplingTool,
  Tool,
  ToolChoiceMode,
  ToolResultContent,
  ToolUseContent,
} from "./types.js";

export interface PreparedTools {
  /** As sent in `sampling/createMessage` `tools`. */
  wire: Tool[];
  byName: Map<string, SamplingTool>;
}

// A tool's wire form is computed once per tool object, not on every ctx.sample.
const wireCache = new WeakMap<SamplingTool, Tool>();

/** Checks the tools given to `ctx.sample`/`ctx.sampleStep` and builds their wire form. */
export function prepareTools(tools: unknown, reserved?: Tool): PreparedTools {
  const byName = new Map<string, SamplingTool>();
  const wire: Tool[] = [];
  tools ??= [];
  if (!Array.isArray(tools)) {
    throw new FastMCPError(
      "INVALID_ARGUMENT",
      "ctx.sample `tools` must be an array of { name, execute } tools.",
    );
  }
  tools.forEach((tool: SamplingTool, index) => {
    if (typeof tool?.name !== "string" || tool.name.length === 0 || typeof tool.execute !== "function") {
      throw new FastMCPError(
        "INVALID_ARGUMENT",
        `ctx.sample tools[${index}] must be { name, execute, parameters? }.`,
      );
    }
    if (byName.has(tool.name)) {
      throw new FastMCPError("INVALID_ARGUMENT", `ctx.sample tools: two tools are named '${tool.name}'.`);
    }
    if (reserved !== undefined && tool.name === reserved.name) {
      throw new FastMCPError(
        "INVALID_ARGUMENT",
        `ctx.sample tools: '${tool.name}' is reserved for the typed result when \`result\` is given.`,
      );
    }
    byName.set(tool.name, tool);
    wire.push(wireTool(tool));
  });
  if (reserved !== undefined) wire.push(reserved);
  return { wire, byName };
}

function wireTool(tool: SamplingTool): Tool {
  let entry = wireCache.get(tool);
  if (entry === undefined) {
    const inputSchema = toJsonSchema(
      tool.parameters,
      `Sampling tool '${tool.name}'`,
      "INVALID_ARGUMENT", // an argument of this ctx.sample, like the other checks of prepareTools
    ) as Tool["inputSchema"];
    entry = {
      name: tool.name,
      inputSchema,
      ...(tool.description !== undefined && { description: tool.description }),
    };
    wireCache.set(tool, entry);
  }
  return entry;
}

export function parseToolChoice(value: unknown): ToolChoiceMode | undefined {
  if (value === undefined || value === "auto" || value === "required" || value === "none") return value;
  throw new FastMCPError(
    "INVALID_ARGUMENT",
    `Invalid toolChoice: ${JSON.stringify(value)}. Must be "auto", "required", or "none".`,
  );
}

export function parseToolConcurrency(value: unknown): number | undefined {
  if (value === undefined || (typeof value === "number" && Number.isInteger(value) && value >= 0)) {
    return value as number | undefined;
  }
  throw new FastMCPError(
    "INVALID_ARGUMENT",
    `toolConcurrency must be undefined (sequential), 0 (unlimited), or a positive integer, got ${String(value)}.`,
  );
}

/** The tool_use blocks of a response, whatever its stopReason says. */
export function toolUses(blocks: readonly SamplingMessageContentBlock[]): ToolUseContent[] {
  return blocks.filter((block): block is ToolUseContent => block.type === "tool_use");
}

export function errorBlock(toolUseId: string, text: string): ToolResultContent {
  return { type: "tool_result", toolUseId, content: [{ type: "text", text }], isError: true };
}

/** A tool's return value as a tool_result: strings as they are, content blocks kept, anything else JSON. */
export function resultBlock(toolUseId: string, value: unknown): ToolResultContent {
  if (value === undefined || value === null)
    return { type: "tool_result", toolUseId, content: [{ type: "text", text: "null" }] };
  const result = toCallToolResult(value);
  const block: ToolResultContent = { type: "tool_result", toolUseId, content: result.content };
  if (result.isError === true) block.isError = true;
  return block;
}

export interface ToolRunner {
  host: SamplingHost;
  byName: Map<string, SamplingTool>;
  maskErrorDetails: boolean;
  exposeProviderErrors?: boolean;
  concurrency: number | undefined;
}

/**
 * Runs one batch of tool calls and returns one tool_result per call, in call order. Sequential
 * unless `concurrency` is set and no tool of the batch is `sequential`. Every execution goes
 * through `host.once`, so under 2026-07-28 replay a tool runs once per call, not once per round;
 * `once` is entered in call order (synchronously for parallel batches) so its keys are stable.
 */
export async function executeToolCalls(
  calls: readonly ToolUseContent[],
  runner: ToolRunner,
): Promise<ToolResultContent[]> {
  const parallel =
    runner.concurrency !== undefined &&
    calls.length > 1 &&
    !calls.some((call) => runner.byName.get(call.name)?.sequential === true);
  if (!parallel) {
    const results: ToolResultContent[] = [];
    for (const call of calls) results.push(await runCall(call, runner, (task) => task()));
    return results;
  }
  const limit = createLimiter(runner.concurrency!);
  return Promise.all(calls.map((call) => runCall(call, runner, limit)));
}

function runCall(
  call: ToolUseContent,
  runner: ToolRunner,
  limit: (task: () => Promise<ToolResultContent>) => Promise<ToolResultContent>,
): Promise<ToolResultContent> {
  const tool = runner.byName.get(call.name);
  if (tool === undefined) {
    const known = [...runner.byName.keys()];
    const hint = known.length > 0 ? ` Available tools: ${known.join(", ")}.` : "";
    return Promise.resolve(errorBlock(call.id, `Unknown tool '${call.name}'.${hint}`));
  }
  // The stored value is plain JSON (a tool_result block), so later rounds see exactly what the first saw.
  return runner.host.once(() => limit(() => executeTool(tool, call, runner)));
}

async function executeTool(
  tool: SamplingTool,
  call: ToolUseContent,
  runner: ToolRunner,
): Promise<ToolResultContent> {
  try {
    let args: unknown = call.input ?? {};
    if (tool.parameters !== undefined) {
      const checked = await validateWith(tool.parameters, args);
      if (!checked.ok)
        return errorBlock(call.id, `Invalid arguments for tool '${call.name}': ${checked.message}`);
      args = checked.value;
    }
    const value = await tool.execute(args, runner.host.toolContext());
    // Plain JSON, so the first 2026 round sees exactly what later rounds read from the state.
    return JSON.parse(JSON.stringify(resultBlock(call.id, value))) as ToolResultContent;
  } catch (error) {
    // Cancellation and misuse end the whole sample; anything else is the LLM's to see and handle.
    if (runner.host.signal.aborted || NESTED_INPUT in Object(error)) throw error;
    return errorBlock(call.id, toolErrorText(error, call.name, runner));
  }
}

const NESTED_INPUT = Symbol("fastmcp-ts.nested-input");

/**
 * Under 2026-07-28 a sampling tool runs inside `ctx.once`: input requests (sample, elicit, roots)
 * cannot be replayed from inside it, so the context it gets refuses them with this error (which
 * ends the whole sample instead of reaching the LLM as a tool result).
 */
export function nestedInputError(what: string): FastMCPError {
  const error = new FastMCPError(
    "UNSUPPORTED",
    `ctx.${what} inside a sampling tool is not supported under protocol 2026-07-28: the tool runs once ` +
      "(ctx.once) and its input requests cannot be replayed. Do it in the calling tool instead.",
  );
  Object.defineProperty(error, NESTED_INPUT, { value: true });
  return error;
}

/** Runs tasks with at most `limit` in flight (0: no limit); results keep the tasks' order. */
export function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  if (limit === 0) return (task) => task();
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
