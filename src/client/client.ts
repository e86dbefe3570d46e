import { setMaxListeners } from "node:events";
import type {
  CallToolResult,
  ClientCapabilities,
  GetPromptResult,
  LoggingLevel,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplateType as ResourceTemplate,
  Client as SdkClient,
  Tool,
  Transport,
} from "@modelcontextprotocol/client";
// The SDK brands its error classes, so these match the client package's errors too; importing them
// from the server package (always loaded) keeps the client package out of processes that only serve.
import { SdkError, SdkErrorCode } from "@modelcontextprotocol/server";
import { linkSignals } from "../abort.js";
import { FastMCPError, ToolError } from "../errors.js";
import { loadClientSdk } from "../lazy-modules.js";
import { isSamplingHandler } from "../sampling/handler.js";
import type { ProtocolEra } from "../sampling/types.js";
import { type CreateTaskResult, type DetailedTask, TASKS_EXTENSION } from "../tasks/types.js";
import { instrumentClient } from "../telemetry/mcp-spans.js";
import { loadTelemetry } from "../telemetry/otel.js";
import { LiveCalls, requestOptions } from "./call-deadline.js";
import { sameShapeOnBothEras } from "./call-errors.js";
import type { CallToolOptions, ClientOptions, ToolCallResult } from "./client-options.js";
import { explainConnectFailure } from "./connect-errors.js";
import { installFastToolCall } from "./fast-tool-call.js";
import { capabilitiesFor, configureAndCollect, type RequestMeta, RequestMetaFor } from "./request-meta.js";
import { installSamplingBridge } from "./sampling-bridge.js";
import { inputRoundLimit, SampleGate } from "./sampling-limits.js";
import { type ClientTarget, connectContext, createTransport, targetKind } from "./target.js";
import * as tasks from "./tasks.js";
import { toOutput } from "./tool-output.js";
import { endHttpSession, hookInbound } from "./transport-hooks.js";

export type { CallToolOptions, ClientOptions, ProtocolChoice, ToolCallResult } from "./client-options.js";

const DEFAULT_TIMEOUT_MS = 60_000;

/** An MCP client whose `samplingHandler` answers servers' sampling requests, in both protocol eras. */
export class Client {
  private readonly target: ClientTarget;
  private readonly options: ClientOptions;
  private readonly capabilities: ClientCapabilities;
  private readonly mode: "auto" | "legacy" | { pin: "2026-07-28" };
  private client: SdkClient | undefined;
  private connected = false;
  private connecting: Promise<this> | undefined;
  private transport: Transport | undefined;
  /** Aborts when the connection closes, so a call waiting on its own sampling handler (2026-07-28) ends too. */
  private closed = new AbortController();
  /** The calls in flight on this connection, each with its deadline; ended when it closes. */
  private calls = new LiveCalls();
  private logLevel?: LoggingLevel;
  /** What a 2026-07-28 request adds to the SDK's `_meta` envelope on this connection. */
  private requestMeta = new RequestMetaFor(undefined);
  private readonly gate: SampleGate;

  constructor(target: ClientTarget, options: ClientOptions = {}) {
    if (options.samplingHandler !== undefined && !isSamplingHandler(options.samplingHandler)) {
      throw new FastMCPError(
        "CONFIG",
        "samplingHandler must be a function or an object with a createMessage method.",
      );
    }
    this.target = target;
    this.options = options;
    this.gate = new SampleGate(options); // one per server: its bound holds on both eras
    const capabilities: ClientCapabilities = {};
    if (options.samplingHandler !== undefined) {
      const sampling: Record<string, object> = {};
      if (options.samplingCapabilities?.tools === true) sampling.tools = {};
      if (options.samplingCapabilities?.context === true) sampling.context = {};
      capabilities.sampling = sampling;
    }
    if (options.tasks !== false) capabilities.extensions = { [TASKS_EXTENSION]: {} };
    this.capabilities = capabilities;
    const protocol = options.protocol ?? (targetKind(target) === "http" ? "auto" : "2025");
    this.mode = protocol === "auto" ? "auto" : protocol === "2026" ? { pin: "2026-07-28" } : "legacy";
  }

  /**
   * The SDK client underneath, for anything this wrapper does not cover. It exists once `connect()`
   * has started (the SDK's client half loads then, so a process that only serves never loads it);
   * to reach it before it connects, use the `configureSdk` option.
   */
  get sdk(): SdkClient {
    if (this.client === undefined) {
      throw new FastMCPError(
        "NOT_CONNECTED",
        "client.sdk exists once connect() has started; use the configureSdk option to reach it earlier.",
      );
    }
    return this.client;
  }

  /** Connects once; concurrent calls share the attempt, and a failed attempt can be retried. */
  connect(): Promise<this> {
    this.connecting ??= this.open().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async open(): Promise<this> {
    const [sdk] = await Promise.all([loadClientSdk(), loadTelemetry()]);
    const client = new sdk.Client(
      { name: this.options.name ?? "fastmcp-ts-client", version: this.options.version ?? "1.0.0" },
      {
        capabilities: this.capabilities,
        versionNegotiation: { mode: this.mode },
        inputRequired: { maxRounds: this.options.maxInputRounds ?? 10 },
      },
    );
    this.client = client;
    installFastToolCall(client);
    if (this.options.telemetry !== false) instrumentClient(client); // OpenTelemetry spans, when the app has it
    this.installHandlers(client);
    const declared = configureAndCollect(client, this.capabilities, this.options.configureSdk);
    const transport = await createTransport(this.target, this.options);
    try {
      await client.connect(transport, { timeout: this.timeout() });
    } catch (error) {
      // Stops a half-started stdio server and frees the transport; the caller gets the cause.
      await client.close().catch(() => undefined);
      throw explainConnectFailure(error, connectContext(this.target, transport));
    }
    this.transport = transport;
    this.requestMeta = new RequestMetaFor(capabilitiesFor(declared, client.getServerCapabilities()));
    const closed = new AbortController();
    // Every concurrent 2026-07-28 call listens on it; without this, 11 of them print MaxListenersExceededWarning.
    setMaxListeners(0, closed.signal);
    this.closed = closed;
    const calls = new LiveCalls();
    this.calls = calls;
    const onclose = client.onclose;
    client.onclose = () => {
      onclose?.();
      const reason = new FastMCPError("TRANSPORT", "The connection to the server closed");
      closed.abort(reason);
      calls.end(reason);
    };
    const refuseRound = inputRoundLimit(this.options.maxInputRequestsPerRound);
    hookInbound(transport, (message) => {
      const carried = tasks.carriedTask(message);
      return refuseRound?.(carried ?? message) ?? carried;
    });
    this.connected = true;
    return this;
  }

  private installHandlers(client: SdkClient): void {
    const { options } = this;
    if (options.samplingHandler !== undefined) {
      installSamplingBridge(client, {
        handler: options.samplingHandler,
        toolsDeclared: options.samplingCapabilities?.tools === true,
        ...(options.maxTokensCap !== undefined && { maxTokensCap: options.maxTokensCap }),
        ...(options.maxSamplingRequestBytes !== undefined && {
          maxRequestBytes: options.maxSamplingRequestBytes,
        }),
        ...(options.maxSamplingResultBytes !== undefined && {
          maxResultBytes: options.maxSamplingResultBytes,
        }),
        serverName: () => client.getServerVersion()?.name,
        gate: this.gate,
      });
    }
    if (options.onLog !== undefined) {
      const onLog = options.onLog;
      client.setNotificationHandler("notifications/message", (notification) => {
        const { level, data, logger } = notification.params;
        onLog(level, data, logger);
      });
    }
  }

  /** "legacy" (2025 sessions) or "modern" (2026-07-28), once connected. */
  get era(): ProtocolEra | undefined {
    return this.client?.getProtocolEra();
  }

  get serverInfo() {
    return this.client?.getServerVersion();
  }

  async listTools(): Promise<Tool[]> {
    return (await this.ready().listTools(undefined, { timeout: this.timeout() })).tools;
  }

  /** Calls a tool; throws `ToolError` when the result has `isError`. Aborting cancels it on the server. */
  async callTool(
    name: string,
    args: Record<string, unknown> = {},
    options: CallToolOptions = {},
  ): Promise<ToolCallResult> {
    const client = this.ready();
    const timeoutMs = options.timeoutMs ?? this.timeout();
    // Our own deadline covers every round of a 2026-07-28 call, not just one request. A 2025 call is one
    // request, so the SDK's timeout is the deadline there (an AbortController per call costs µs and GC).
    const deadline =
      client.getProtocolEra() === "legacy"
        ? undefined
        : this.calls.deadline(
            options.signal,
            timeoutMs,
            () => `Tool call '${name}' timed out after ${timeoutMs} ms`,
          );
    const signal = deadline?.signal ?? options.signal;
    try {
      let result = (await client.callTool(
        { name, arguments: args, ...this.logMeta() },
        requestOptions(signal, timeoutMs, deadline !== undefined, options.onProgress),
      )) as CallToolResult;
      const created = tasks.createdTaskOf(result);
      if (created !== undefined) result = await this.follow(created, timeoutMs, signal, options.onTask);
      return toOutput(result, name);
    } catch (error) {
      if (signal?.aborted && !ToolError.isInstance(error)) throw signal.reason;
      if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout) {
        throw new FastMCPError("TIMEOUT", `Tool call '${name}' timed out after ${timeoutMs} ms`, {
          cause: error,
        });
      }
      if (error instanceof SdkError && error.code === SdkErrorCode.InputRequiredRoundsExceeded) {
        throw new FastMCPError(
          "ROUNDS_EXCEEDED",
          `Tool call '${name}' needed more than ${this.options.maxInputRounds ?? 10} input rounds (raise Client option maxInputRounds).`,
          { cause: error },
        );
      }
      throw sameShapeOnBothEras(error);
    } finally {
      deadline?.dispose();
    }
  }

  /**
   * Starts a tool call and hands back the task the server created for it, for callers who follow it
   * themselves (`getTask`, `updateTask`, `cancelTask`, or `followTask`); `{ result }` when the server
   * answered at once (not a task tool, or a client without the tasks extension).
   */
  async callToolAsTask(
    name: string,
    args: Record<string, unknown> = {},
  ): Promise<{ task: CreateTaskResult } | { result: ToolCallResult }> {
    const client = this.ready();
    const result = (await client.callTool(
      { name, arguments: args, ...this.logMeta() },
      { timeout: this.timeout() },
    )) as CallToolResult;
    const task = tasks.createdTaskOf(result);
    return task !== undefined ? { task } : { result: toOutput(result, name) };
  }

  /** Follows a task to its end as `callTool` does; aborting `signal` cancels it on the server. */
  async followTask(
    task: CreateTaskResult,
    options: Omit<CallToolOptions, "onProgress"> = {},
  ): Promise<ToolCallResult> {
    const timeoutMs = options.timeoutMs ?? this.timeout();
    const deadline = linkSignals(
      [options.signal, this.closed.signal],
      timeoutMs,
      `Task ${task.taskId} timed out after ${timeoutMs} ms`,
    );
    try {
      return toOutput(await this.follow(task, timeoutMs, deadline.signal, options.onTask), task.taskId);
    } catch (error) {
      if (deadline.signal.aborted && !ToolError.isInstance(error)) throw deadline.signal.reason;
      throw error;
    } finally {
      deadline.dispose();
    }
  }

  /** The task's state now (`tasks/get`). */
  getTask(taskId: string): Promise<DetailedTask> {
    return tasks.getTask(this.ready(), taskId, { timeoutMs: this.timeout() });
  }

  /** Answers some or all of a task's input requests, by key (`tasks/update`). */
  updateTask(taskId: string, inputResponses: Record<string, unknown>): Promise<void> {
    return tasks.updateTask(this.ready(), taskId, inputResponses, { timeoutMs: this.timeout() });
  }

  /** Cancels a task (`tasks/cancel`); cancelling a finished one changes nothing. */
  cancelTask(taskId: string): Promise<void> {
    return tasks.cancelTask(this.ready(), taskId, { timeoutMs: this.timeout() });
  }

  private follow(
    task: CreateTaskResult,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    onStatus: ((task: DetailedTask) => void) | undefined,
  ): Promise<CallToolResult> {
    return tasks.followTask(this.ready(), task, {
      timeoutMs,
      ...(signal !== undefined && { signal }),
      ...(onStatus !== undefined && { onStatus }),
    });
  }

  async listResources(): Promise<Resource[]> {
    return (await this.ready().listResources(undefined, { timeout: this.timeout() })).resources;
  }

  async listResourceTemplates(): Promise<ResourceTemplate[]> {
    return (await this.ready().listResourceTemplates(undefined, { timeout: this.timeout() }))
      .resourceTemplates;
  }

  async readResource(uri: string): Promise<ReadResourceResult> {
    const params = { uri, ...this.logMeta() };
    return this.ready().readResource(params, { timeout: this.timeout() }) as Promise<ReadResourceResult>;
  }

  async listPrompts(): Promise<Prompt[]> {
    return (await this.ready().listPrompts(undefined, { timeout: this.timeout() })).prompts;
  }

  async getPrompt(name: string, args: Record<string, string> = {}): Promise<GetPromptResult> {
    const params = { name, arguments: args, ...this.logMeta() };
    return this.ready().getPrompt(params, { timeout: this.timeout() }) as Promise<GetPromptResult>;
  }

  /** The least severe log level the server should send (2025: logging/setLevel; 2026-07-28: sent on each request). */
  async setLoggingLevel(level: LoggingLevel): Promise<void> {
    const client = this.ready();
    this.logLevel = level;
    if (this.era !== "modern") await client.setLoggingLevel(level);
  }

  async close(): Promise<void> {
    // Closing while connecting closes what that attempt opens.
    if (!this.connected && this.connecting !== undefined) await this.connecting.catch(() => undefined);
    if (!this.connected) return;
    this.connected = false;
    this.connecting = undefined;
    await endHttpSession(this.transport);
    await this.client?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private ready(): SdkClient {
    if (!this.connected || this.client === undefined) {
      throw new FastMCPError("NOT_CONNECTED", "Call await client.connect() first.");
    }
    return this.client;
  }

  /**
   * 2026-07-28 has no logging/setLevel: a request asks for log messages by carrying a level in its
   * `_meta`, and the server sends none without it. With `onLog` we ask for all, as 2025 servers do by
   * default. The `_meta` also declares only the capabilities this server can use (request-meta.ts).
   */
  private logMeta(): RequestMeta {
    if (this.era !== "modern") return {};
    return this.requestMeta.meta(this.logLevel ?? (this.options.onLog !== undefined ? "debug" : undefined));
  }

  private timeout(): number {
    return this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }
}
