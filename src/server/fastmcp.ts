import { randomBytes } from "node:crypto";
import { InMemoryTransport, type Server, type Transport } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { FastMCPError } from "../errors.js";
import { loadHttpServer } from "../lazy-modules.js";
import { isSamplingHandler } from "../sampling/handler.js";
import type { ReplayState } from "../sampling/replay.js";
import { type ReplayCache, singleUse } from "../sampling/replay-cache.js";
import type { SamplingHandlerBehavior } from "../sampling/round-trip.js";
import { createStateCodec } from "../sampling/state-codec.js";
import type { ProtocolEra, SamplingHandler, UsageHook } from "../sampling/types.js";
import { TaskEngine, type TaskOptions } from "../tasks/task-runner.js";
import { loadTelemetry } from "../telemetry/otel.js";
import { buildServer, type ServerSetup } from "./build-server.js";
import { type ConnectionHandle, serveConnection } from "./connection-entry.js";
import type { ServerRuntime } from "./context.js";
import type {
  PromptDefinition,
  ResourceDefinition,
  ResourceTemplateDefinition,
  ToolDefinition,
} from "./definitions.js";
import { createHttpHandler, type HttpHandlerOptions, type McpFetchHandler } from "./http-handler.js";
import type { RunningHttpServer, RunOptions } from "./http-types.js";
import { type PrincipalOf, principalOf } from "./principal.js";
import { Registry } from "./registry.js";
import { runWithOverride } from "./run-override.js";
import type { SamplingBudget } from "./sampling-budget.js";
import { ResourceSubscriptions } from "./subscriptions.js";

export interface FastMCPOptions {
  name: string;
  version?: string;
  instructions?: string;
  /** The server's own LLM: answers when the client can't ("fallback") or always ("always"). */
  samplingHandler?: SamplingHandler;
  /** Default "fallback". */
  samplingHandlerBehavior?: SamplingHandlerBehavior;
  /** Replace unexpected error texts with a generic message (ToolError texts always pass). */
  maskErrorDetails?: boolean;
  /** Bound on one `ctx.sample` round trip when the tool gives no `timeoutMs`. Default 5 minutes. */
  sampleTimeoutMs?: number;
  /**
   * Key (>= 32 bytes) that signs 2026-07-28 request state. Give every instance behind a load
   * balancer the same key and any of them can serve any round. Default: random per process.
   */
  requestStateKey?: string | Uint8Array;
  /** How long a signed request state stays valid. Default 600 s. */
  requestStateTtlSeconds?: number;
  /**
   * Largest 2026-07-28 request state, in bytes. The state carries every earlier answer of a call
   * (and its ctx.once results) on every round; a call that would outgrow it fails with a tool
   * error, and a longer state sent by a client is refused unread. Default 1 MiB.
   */
  maxRequestStateBytes?: number;
  /** Tasks (`task: true` tools on 2026-07-28): record store, TTL and poll interval. */
  tasks?: TaskOptions;
  /**
   * Who an authenticated request acts for; 2025 sessions and 2026-07-28 request state are bound to
   * it. Default: the verifier's `extra.sub` when it gives one, else `clientId` (see docs/security.md).
   */
  principal?: PrincipalOf;
  /**
   * Sees every sample's answer once: token usage, model, who answered, the tool and the caller
   * (`auth`, `sessionId`). Throw from it to fail that sample, e.g. once a caller's budget is spent.
   */
  onUsage?: UsageHook;
  /**
   * Stream samples your own `samplingHandler` answers and forward their text deltas to the tool's
   * caller as progress notifications (when it sent a progress token). Per sample: `streamProgress`.
   */
  streamSampleProgress?: boolean;
  /**
   * Asked before the server's own `samplingHandler` answers a sample, per caller: throw to refuse.
   * `createSamplingBudget({ perMs, maxCalls, maxTokens })` is a ready-made one (see docs/security.md).
   */
  samplingBudget?: SamplingBudget;
  /**
   * Makes each 2026-07-28 request state single-use: a round replayed with the same state is refused,
   * so a client cannot make the server's LLM answer it again. `memoryReplayCache()` for one process;
   * a shared store (implementing `claim`) behind a load balancer.
   */
  requestStateReplayCache?: ReplayCache;
  /** false: no OpenTelemetry spans or metrics from this server even when the application registered a provider. */
  telemetry?: boolean;
  /**
   * When the server's own LLM fails, the client is told only the provider, status and error type;
   * true sends the provider's (redacted) error text too. Default false.
   */
  exposeProviderErrors?: boolean;
}

export type { RunOptions } from "./http-types.js";

const DEFAULT_SAMPLE_TIMEOUT_MS = 300_000;
const DEFAULT_MAX_REQUEST_STATE_BYTES = 1024 * 1024;

/** An MCP server whose tools can ask an LLM for completions with `ctx.sample`. */
export class FastMCP {
  readonly options: FastMCPOptions;
  /** Samples in flight across all connections; zero when nothing is pending. */
  readonly pending = { samples: 0 };
  private readonly registry = new Registry();
  private readonly setup: ServerSetup;
  private readonly subscriptions = new ResourceSubscriptions();
  private readonly closers = new Set<() => Promise<void>>();
  /** The tasks this server runs (`task: true` tools on 2026-07-28). */
  readonly tasks: TaskEngine;
  private http?: RunningHttpServer;

  constructor(options: FastMCPOptions) {
    if (typeof options?.name !== "string" || options.name.length === 0) {
      throw new FastMCPError("CONFIG", "new FastMCP({ name }) needs a non-empty name.");
    }
    const behavior = options.samplingHandlerBehavior ?? "fallback";
    if (behavior !== "fallback" && behavior !== "always") {
      throw new FastMCPError(
        "CONFIG",
        `samplingHandlerBehavior must be "fallback" or "always", got ${JSON.stringify(behavior)}.`,
      );
    }
    if (options.samplingHandler !== undefined && !isSamplingHandler(options.samplingHandler)) {
      throw new FastMCPError(
        "CONFIG",
        "samplingHandler must be a function or an object with a createMessage method.",
      );
    }
    if (behavior === "always" && options.samplingHandler === undefined) {
      throw new FastMCPError(
        "CONFIG",
        'samplingHandlerBehavior is "always" but no samplingHandler was given.',
      );
    }
    if (options.onUsage !== undefined && typeof options.onUsage !== "function") {
      throw new FastMCPError("CONFIG", "onUsage must be a function.");
    }
    this.options = options;
    void loadTelemetry(); // in the background: servers built once it has loaded are traced
    const runtime: ServerRuntime = {
      name: options.name,
      samplingHandler: options.samplingHandler,
      samplingHandlerBehavior: behavior,
      sampleTimeoutMs: options.sampleTimeoutMs ?? DEFAULT_SAMPLE_TIMEOUT_MS,
      maskErrorDetails: options.maskErrorDetails ?? false,
      pending: this.pending,
      ...(options.onUsage !== undefined && { onUsage: options.onUsage }),
      ...(options.streamSampleProgress === true && { streamSampleProgress: true }),
      ...(options.principal !== undefined && { principal: options.principal }),
      ...(options.samplingBudget !== undefined && { samplingBudget: options.samplingBudget }),
      ...(options.exposeProviderErrors === true && { exposeProviderErrors: true }),
    };
    const ttlSeconds = options.requestStateTtlSeconds ?? 600;
    const signed = createStateCodec<ReplayState>({
      key: options.requestStateKey ?? randomBytes(32),
      ttlSeconds,
      maxBytes: options.maxRequestStateBytes ?? DEFAULT_MAX_REQUEST_STATE_BYTES,
      // A state minted for one authenticated caller is refused when another echoes it.
      bind: (ctx) => principalOf(ctx?.http?.authInfo, options.principal) ?? "",
    });
    const cache = options.requestStateReplayCache;
    const codec = cache === undefined ? signed : singleUse(signed, cache, ttlSeconds);
    this.tasks = new TaskEngine(options.tasks);
    this.setup = {
      info: { name: options.name, version: options.version ?? "1.0.0" },
      ...(options.telemetry === false && { telemetry: false }),
      registry: this.registry,
      runtime,
      codec,
      subscriptions: this.subscriptions,
      tasks: this.tasks,
      ownerOf: (sdk) => principalOf(sdk.http?.authInfo, options.principal) ?? "",
      ...(options.instructions !== undefined && { instructions: options.instructions }),
    };
  }

  get name(): string {
    return this.options.name;
  }

  tool<Args>(definition: ToolDefinition<Args>): this {
    this.registry.addTool(definition as ToolDefinition);
    return this;
  }

  resource(definition: ResourceDefinition): this {
    this.registry.addResource(definition);
    return this;
  }

  resourceTemplate<Vars extends Record<string, string>>(definition: ResourceTemplateDefinition<Vars>): this {
    this.registry.addTemplate(definition as unknown as ResourceTemplateDefinition);
    return this;
  }

  prompt<Args>(definition: PromptDefinition<Args>): this {
    this.registry.addPrompt(definition as PromptDefinition);
    return this;
  }

  /** Tells every 2025-era session subscribed to `uri` (`resources/subscribe`) that it changed. */
  notifyResourceUpdated(uri: string): Promise<void> {
    return this.subscriptions.notify(uri);
  }

  /** @internal The 2025-era resource subscriptions, for HTTP handlers whose sessions live in a store. */
  get resourceSubscriptions(): ResourceSubscriptions {
    return this.subscriptions;
  }

  /** The registered tools, e.g. to offer them to the LLM in `ctx.sample({ tools })`. */
  get tools(): ToolDefinition[] {
    return [...this.registry.tools.values()];
  }

  /** A fresh SDK server for one serving unit; the factory behind every transport. */
  createServer(era: ProtocolEra): Server {
    return buildServer(this.setup, era);
  }

  /**
   * Serves one connection over any SDK transport; its opening message picks the era
   * (2025 `initialize` or 2026-07-28 requests).
   */
  connect(transport: Transport): ConnectionHandle {
    const handle = serveConnection(transport, (era) => this.createServer(era));
    const close = () => handle.close();
    this.closers.add(close);
    return {
      close: async () => {
        this.closers.delete(close);
        await handle.close();
      },
    };
  }

  /** A linked in-memory connection; returns the client's end. */
  connectInMemory(): Transport {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    this.connect(serverSide);
    return clientSide;
  }

  /**
   * The web-standard `(Request) => Promise<Response>` endpoint serving both eras; mount it in Hono,
   * Next.js route handlers, Workers, or Node (`toNodeHandler` from @modelcontextprotocol/node).
   */
  httpHandler(options: HttpHandlerOptions = {}): McpFetchHandler {
    const handler = createHttpHandler(this, options);
    this.closers.add(() => handler.close());
    return handler;
  }

  /**
   * Serves stdio (default) or Streamable HTTP. HTTP resolves once listening. Under
   * `fastmcp-ts run --transport …` the command line's transport, host, port and path win.
   */
  run(options: RunOptions = {}): Promise<void> {
    return runWithOverride(this, options, (effective) => this.serve(effective));
  }

  private async serve(options: RunOptions): Promise<void> {
    await loadTelemetry(); // servers built from here on are traced when the application has OpenTelemetry
    if (options.transport === undefined || options.transport === "stdio") {
      const handle = serveStdio(({ era }) => this.createServer(era));
      this.closers.add(() => handle.close());
      return;
    }
    if (options.transport === "http") {
      const { startHttpServer } = await loadHttpServer();
      this.http = await startHttpServer(this, options);
      return;
    }
    throw new FastMCPError(
      "CONFIG",
      `Unknown transport ${JSON.stringify((options as { transport: unknown }).transport)}; use "stdio" or "http".`,
    );
  }

  /** The URL an HTTP server listens on, once `run({ transport: "http" })` resolved. */
  get url(): string | undefined {
    return this.http?.url;
  }

  async close(): Promise<void> {
    const closers = [...this.closers];
    this.closers.clear();
    await Promise.allSettled(closers.map((close) => close()));
    await this.tasks.close();
    await this.http?.close();
    this.http = undefined;
  }
}
