import type { CallToolResult, LoggingLevel, Client as SdkClient } from "@modelcontextprotocol/client";
import type { SamplingHandler } from "../sampling/types.js";
import type { DetailedTask } from "../tasks/types.js";
import type { SamplingLimitOptions } from "./sampling-limits.js";
import type { TransportOptions } from "./target.js";

export type ProtocolChoice = "auto" | "2025" | "2026";

export interface ClientOptions extends TransportOptions, SamplingLimitOptions {
  samplingHandler?: SamplingHandler;
  /** Declared only alongside a handler. `tools` opts in to sampling requests that carry tools. */
  samplingCapabilities?: { tools?: boolean; context?: boolean };
  name?: string;
  version?: string;
  /** Default bound on every request. Default 60 s. */
  timeoutMs?: number;
  /** "auto" (probe, fall back to 2025), "2025" (initialize), "2026" (2026-07-28 only). Default: "auto" for URLs, "2025" otherwise. */
  protocol?: ProtocolChoice;
  /** Most 2026-07-28 input_required rounds one call may take. Default 10. */
  maxInputRounds?: number;
  /** Largest maxTokens the client grants a sampling request; bigger requests are capped. */
  maxTokensCap?: number;
  /** Sampling requests larger than this many bytes of JSON are refused (-32602) before the handler runs. Default 8 MiB. */
  maxSamplingRequestBytes?: number;
  /** Handler results larger than this many bytes of JSON are refused with an error instead of sent. Default 8 MiB. */
  maxSamplingResultBytes?: number;
  onLog?: (level: LoggingLevel, data: unknown, logger?: string) => void;
  /**
   * Runs in `connect()` once the SDK client exists, before it connects: register capabilities or
   * request handlers this Client does not cover (e.g. `sdk.setRequestHandler("elicitation/create", …)`).
   */
  configureSdk?: (sdk: SdkClient) => void;
  /** false: no OpenTelemetry spans or metrics from this client even when the application registered a provider. */
  telemetry?: boolean;
  /**
   * Declare the tasks extension on 2026-07-28 (default true), to a server that offers it when the
   * Client connects: its `task: true` tools then run as tasks, which `callTool` follows to the end
   * (no round limit, the tool body runs once).
   */
  tasks?: boolean;
}

export interface CallToolOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Progress of the call; a server's streamed sample text arrives as `message` with `_meta[SAMPLE_DELTA_META_KEY]`. */
  onProgress?: (progress: {
    progress: number;
    total?: number;
    message?: string;
    _meta?: Record<string, unknown>;
  }) => void;
  /** When the server runs the call as a task: every state `tasks/get` reports. */
  onTask?: (task: DetailedTask) => void;
}

export interface ToolCallResult {
  content: CallToolResult["content"];
  structuredContent?: Record<string, unknown>;
  isError: boolean;
  /** The text blocks joined. */
  text: string;
}
