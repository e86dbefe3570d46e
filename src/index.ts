export { Client, type CallToolOptions, type ClientOptions, type ProtocolChoice, type ToolCallResult } from "./client/client.js";
export type { ClientTarget, StdioTarget } from "./client/target.js";
export { FastMCPError, type FastMCPErrorCode, ToolError } from "./errors.js";
export { NO_SAMPLING, NO_SAMPLING_TOOLS, type SamplingHandlerBehavior } from "./sampling/dispatch.js";
// export { selectModel } from "./sampling/model-selection.js";
export type {
  ContentBlock,
  CreateMessageResult,
  CreateMessageResultWithTools,
  IncludeContext,
  ModelPreferences,
  RequestContext,
  SampleOptions,
  SamplingHandler,
  SamplingHandlerFunction,
  SamplingHandlerObject,
  SamplingHandlerResult,
  SamplingMessage,
  SamplingParams,
  SamplingResult,
  SamplingTool,
  ToolChoiceMode,
} from "./sampling/types.js";
export { Context, type ProtocolEraName } from "./server/context.js";
export {
  defineTool,
  type PromptDefinition,
  type ResourceDefinition,
  type ResourceTemplateDefinition,
  type ToolDefinition,
} from "./server/definitions.js";
export { FastMCP, type FastMCPOptions, type RunOptions } from "./server/fastmcp.js";
