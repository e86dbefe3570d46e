import {
  type CallToolResult,
  type GetPromptResult,
  type InputRequiredResult,
  ProtocolError,
  ProtocolErrorCode,
  type ReadResourceResult,
  Server,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { toCallToolResult } from "../content.js";
import { ERROR_CODE_KEY, failureCode } from "../error-codes.js";
import { type ToolErrorPolicy, toolErrorText } from "../error-policy.js";
import type { ToolErrorCode } from "../errors.js";
import type { ReplayState } from "../sampling/replay.js";
import type { StateCodec } from "../sampling/state-codec.js";
import type { ProtocolEra } from "../sampling/types.js";
import { validateWith } from "../schema.js";
import { installTaskHandlers } from "../tasks/task-handlers.js";
import type { TaskEngine } from "../tasks/task-runner.js";
import { detachedTask, toolTaskCall } from "../tasks/task-tool.js";
import { instrumentServer } from "../telemetry/mcp-spans.js";
import { installCompletion } from "./completion.js";
import type { Context, ServerRuntime } from "./context.js";
import { clientCapabilitiesOf, invokeWithContext } from "./invoke.js";
import { promptArguments, renderPrompt } from "./prompt-result.js";
import type { Registry } from "./registry.js";
import type { ResourceSubscriptions } from "./subscriptions.js";

export interface ServerSetup {
  info: { name: string; version: string };
  /** false: never instrumented (FastMCP option `telemetry`). */
  telemetry?: boolean;
  instructions?: string;
  registry: Registry;
  runtime: ServerRuntime;
  codec: StateCodec<ReplayState>;
  subscriptions: ResourceSubscriptions;
  /** Runs `task: true` tools as tasks; shared by every server of one FastMCP. */
  tasks: TaskEngine;
  /** Who a request acts for (a task is visible to its creator only). */
  ownerOf: (sdk: ServerContext) => string;
}

/** One SDK Server for one serving unit (a connection, or one 2026-07-28 HTTP request). */
export function buildServer(setup: ServerSetup, era: ProtocolEra): Server {
  const { registry, runtime, codec } = setup;
  const server = new Server(setup.info, {
    // resources/subscribe exists only in 2025-era sessions (2026-07-28 removed it).
    capabilities: {
      tools: {},
      resources: era === "legacy" ? { subscribe: true } : {},
      prompts: {},
      logging: {},
      completions: {},
    },
    // No requestState hook: invokeWithContext verifies the state itself, synchronously when it can
    // (the SDK's hook is awaited, and rebuilds the request's context to carry the decoded value).
    ...(setup.instructions !== undefined && { instructions: setup.instructions }),
  });
  if (setup.telemetry !== false) instrumentServer(server, era); // OpenTelemetry spans, when the app has it
  const legacyCapabilities = () => server.getClientCapabilities();
  const invoke = <T>(
    sdk: ServerContext,
    call: string,
    args: unknown,
    run: Parameters<typeof invokeWithContext<T>>[0]["run"],
  ) => invokeWithContext<T>({ sdk, era, runtime, legacyCapabilities, codec, call, args, run });

  installCompletion(server, registry);
  if (era === "legacy") setup.subscriptions.install(server);
  if (era === "modern" && registry.hasTaskTools) installTaskHandlers(server, setup.tasks, setup.ownerOf);

  server.setRequestHandler("tools/list", () => ({ tools: registry.listTools() }));

  server.setRequestHandler(
    "tools/call",
    async (request, sdk): Promise<CallToolResult | InputRequiredResult> => {
      const { name } = request.params;
      const tool = registry.tools.get(name);
      if (tool === undefined)
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${name}`);
      const rawArgs = request.params.arguments ?? {};
      let args: unknown = rawArgs;
      if (tool.parameters !== undefined) {
        let checked = validateWith(tool.parameters, rawArgs);
        if (checked instanceof Promise) checked = await checked;
        // Spec 2025-11-25: bad arguments are a tool execution error, so the model can correct itself.
        if (!checked.ok)
          return errorResult(`Invalid arguments for tool '${name}': ${checked.message}`, "INVALID_ARGUMENT");
        args = checked.value;
      }
      // A tool that can never be a task (no `task` option) runs straight away: the task hook, its
      // input object, the caller's principal and two closures per request were all for nothing.
      const call =
        tool.task === undefined || tool.task === false
          ? { run: (ctx: Context) => runNow(() => tool.execute(args, ctx)) }
          : await toolTaskCall({
              engine: setup.tasks,
              tool,
              sdk,
              era,
              runtime,
              clientCapabilities: clientCapabilitiesOf(sdk, era, legacyCapabilities),
              owner: setup.ownerOf(sdk),
              execute: (ctx) => tool.execute(args, ctx),
              toResult: (outcome) => taskResult(outcome, name, runtime),
            });
      if ("created" in call) return call.created as unknown as CallToolResult;
      try {
        const outcome = await invoke(sdk, `tools/call:${name}`, rawArgs, call.run);
        if ("inputRequired" in outcome) return outcome.inputRequired;
        const detached = detachedTask(outcome.complete);
        if (detached !== undefined) return detached as unknown as CallToolResult;
        return toCallToolResult(outcome.complete);
      } catch (error) {
        if (error instanceof ProtocolError) throw error; // wire errors (-32021, -32602) stay wire errors
        return errorResult(toolErrorText(error, name, runtime), failureCode(error));
      }
    },
  );

  server.setRequestHandler("resources/list", () => ({
    resources: [...registry.resources.values()].map(({ read: _read, ...resource }) => resource),
  }));

  server.setRequestHandler("resources/templates/list", () => ({
    resourceTemplates: registry.templates.map(({ definition: { read: _read, ...template } }) => template),
  }));

  server.setRequestHandler(
    "resources/read",
    async (request, sdk): Promise<ReadResourceResult | InputRequiredResult> => {
      const { uri } = request.params;
      const direct = registry.resources.get(uri);
      const matched = direct === undefined ? registry.matchTemplate(uri) : undefined;
      if (direct === undefined && matched === undefined) {
        throw new ProtocolError(ProtocolErrorCode.ResourceNotFound, `Resource not found: ${uri}`, { uri });
      }
      const mimeType = direct?.mimeType ?? matched?.definition.mimeType;
      const outcome = await invoke(sdk, `resources/read:${uri}`, {}, async (ctx) =>
        direct !== undefined ? direct.read(ctx) : matched!.definition.read(matched!.variables, ctx, uri),
      );
      if ("inputRequired" in outcome) return outcome.inputRequired;
      const body = outcome.complete;
      const contents =
        typeof body === "string"
          ? { uri, text: body, ...(mimeType !== undefined && { mimeType }) }
          : {
              uri,
              blob: Buffer.from(body).toString("base64"),
              mimeType: mimeType ?? "application/octet-stream",
            };
      return { contents: [contents] };
    },
  );

  server.setRequestHandler("prompts/list", () => ({
    prompts: [...registry.prompts.values()].map((prompt) => {
      const entry: {
        name: string;
        title?: string;
        description?: string;
        arguments: ReturnType<typeof promptArguments>;
      } = {
        name: prompt.name,
        arguments: promptArguments(prompt),
      };
      if (prompt.title !== undefined) entry.title = prompt.title;
      if (prompt.description !== undefined) entry.description = prompt.description;
      return entry;
    }),
  }));

  server.setRequestHandler(
    "prompts/get",
    async (request, sdk): Promise<GetPromptResult | InputRequiredResult> => {
      const { name } = request.params;
      const prompt = registry.prompts.get(name);
      if (prompt === undefined)
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown prompt: ${name}`);
      const rawArgs = request.params.arguments ?? {};
      let args: unknown = rawArgs;
      if (prompt.parameters !== undefined) {
        const checked = await validateWith(prompt.parameters, rawArgs);
        if (!checked.ok) {
          throw new ProtocolError(
            ProtocolErrorCode.InvalidParams,
            `Invalid arguments for prompt '${name}': ${checked.message}`,
          );
        }
        args = checked.value;
      }
      const outcome = await invoke(sdk, `prompts/get:${name}`, rawArgs, async (ctx) =>
        prompt.render(args, ctx),
      );
      if ("inputRequired" in outcome) return outcome.inputRequired;
      return renderPrompt(prompt, outcome.complete);
    },
  );

  return server;
}

/** A task body's outcome as the tool result a task completes with; protocol errors fail the task. */
async function taskResult(
  outcome: Promise<unknown>,
  tool: string,
  policy: ToolErrorPolicy,
): Promise<CallToolResult> {
  try {
    return toCallToolResult(await outcome);
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    return errorResult(toolErrorText(error, tool, policy), failureCode(error));
  }
}

/** The failure's code rides in `_meta`, so our Client reports the same `code` as on 2026-07-28. */
function errorResult(text: string, code: ToolErrorCode): CallToolResult {
  return { content: [{ type: "text", text }], isError: true, _meta: { [ERROR_CODE_KEY]: code } };
}

/** A body's outcome as a promise, a synchronous throw included (as the async task hook gave it). */
function runNow(body: () => unknown): Promise<unknown> {
  try {
    return Promise.resolve(body());
  } catch (error) {
    return Promise.reject(error);
  }
}
