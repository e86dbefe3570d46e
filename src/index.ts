export type { AuthInfo, OAuthTokenVerifier } from "@modelcontextprotocol/server";
export {
  type CallToolOptions,
  Client,
  type ClientOptions,
  type ProtocolChoice,
  type ToolCallResult,
} from "./client/client.js";
export { type ClientOAuthOptions, FastMcpOAuthProvider } from "./client/oauth/oauth-provider.js";
export { memoryStateStore, type OAuthClientState, type OAuthStateStore } from "./client/oauth/state-store.js";
export { RATE_LIMITED, type RateLimitOptions, withRateLimit } from "./client/rate-limit.js";
export type { ClientTarget, StdioTarget } from "./client/target.js";
// Codes, not message texts: match a failure on `error.code` (or a JSON-RPC error on these numbers).
export { WireErrorCode } from "./error-codes.js";
export {
  ErrorCode,
  FastMCPError,
  type FastMCPErrorCode,
  ProviderError,
  ToolError,
  type ToolErrorCode,
} from "./errors.js";
export {
  createHumanSamplingHandler,
  type HumanIOOptions,
  type HumanSamplingHandler,
  type HumanSamplingHandlerOptions,
  USER_REJECTED_CODE,
} from "./human/human-handler.js";
export {
  type ApprovalOptions,
  type ApprovedSamplingHandler,
  withApproval,
} from "./human/with-approval.js";
export { selectModel } from "./sampling/model-selection.js";
export { memoryReplayCache, type ReplayCache } from "./sampling/replay-cache.js";
export { SAMPLE_TIMEOUT_META_KEY, type SamplingHandlerBehavior } from "./sampling/round-trip.js";
export type {
  ContentBlock,
  CreateMessageResult,
  CreateMessageResultWithTools,
  IncludeContext,
  ModelPreferences,
  ProtocolEra,
  /** @deprecated The same type as `ProtocolEra`. */
  ProtocolEra as ProtocolEraName,
  RequestContext,
  SampleOptions,
  SampleStep,
  SampleStepOptions,
  SamplingAnswerer,
  SamplingHandler,
  SamplingHandlerFunction,
  SamplingHandlerObject,
  SamplingHandlerResult,
  SamplingMessage,
  SamplingParams,
  SamplingResult,
  SamplingTool,
  SamplingToolContext,
  SamplingUsage,
  ToolChoiceMode,
  ToolResultContent,
  ToolUseContent,
  UsageEvent,
  UsageHook,
} from "./sampling/types.js";
export type { ConnectionHandle } from "./server/connection-entry.js";
export { Context } from "./server/context.js";
export {
  type Completer,
  type Completers,
  defineTool,
  type PromptDefinition,
  type PromptRender,
  type ResourceDefinition,
  type ResourceTemplateDefinition,
  type ToolDefinition,
} from "./server/definitions.js";
export { FastMCP, type FastMCPOptions, type RunOptions } from "./server/fastmcp.js";
export type { HttpAuthOptions } from "./server/http-auth.js";
export type { HttpHandlerOptions, McpFetchHandler } from "./server/http-handler.js";
export type { HttpRunOptions } from "./server/http-types.js";
export {
  type IntrospectionVerifierOptions,
  introspectionVerifier,
} from "./server/oauth/introspection-verifier.js";
export { type JwtVerifierOptions, jwtVerifier } from "./server/oauth/jwt-verifier.js";
export type { OAuthResourceOptions } from "./server/oauth/resource-server.js";
export { defaultPrincipal, type PrincipalOf } from "./server/principal.js";
export { SAMPLE_DELTA_META_KEY } from "./server/sample-progress.js";
export {
  type BudgetRequest,
  createSamplingBudget,
  type SamplingBudget,
  type SamplingBudgetOptions,
} from "./server/sampling-budget.js";
export type { SessionLimitOptions } from "./server/session-limits.js";
export {
  type MemorySessionStoreOptions,
  memorySessionStore,
  type SessionPatch,
  type SessionRecord,
  type SessionStore,
} from "./server/session-store.js";
export type { TaskOptions } from "./tasks/task-runner.js";
export {
  InMemoryTaskStore,
  type SharedTaskStore,
  type TaskRecord,
  type TaskStore,
} from "./tasks/task-store.js";
export {
  type CreateTaskResult,
  type DetailedTask,
  TASKS_EXTENSION,
  type TaskInfo,
  type TaskInputRequest,
  type TaskStatus,
} from "./tasks/types.js";
