import type {
  Tool as AnthropicTool,
  Base64ImageSource,
  ContentBlockParam,
  ImageBlockParam,
  Message,
  MessageCreateParamsNonStreaming,
  MessageParam,
  TextBlockParam,
  ToolChoice,
  ToolResultBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import { asBlocks } from "../content.js";
import type {
  CreateMessageResultWithTools,
  SamplingMessage,
  SamplingMessageContentBlock,
  SamplingParams,
  ToolResultContent,
} from "../sampling/types.js";
import {
  answerContent,
  checkImageMime,
  mapStopReason,
  objectSchema,
  toolResultParts,
  unsupportedContent,
  usageMeta,
} from "./shared.js";

const PROVIDER = "Anthropic";

export interface AnthropicRequestOptions {
  /** Send `params.metadata.user_id` as Anthropic `metadata.user_id`. */
  sendMetadata: boolean;
  /** Send `params.temperature` (only API version 2023-06-01 and some proxies take it). */
  sendTemperature: boolean;
}

/** The body we send: the SDK's params plus `temperature`, which API version 2026-10-21 dropped. */
export type AnthropicRequestBody = MessageCreateParamsNonStreaming & { temperature?: number };

const TOOL_CHOICE: Readonly<Record<string, ToolChoice>> = {
  auto: { type: "auto" },
  required: { type: "any" },
  none: { type: "none" },
};

/** The Messages API request body for one sampling request. */
export function toAnthropicRequest(
  messages: SamplingMessage[],
  params: SamplingParams,
  model: string,
  options: AnthropicRequestOptions,
): AnthropicRequestBody {
  const body: AnthropicRequestBody = {
    model,
    max_tokens: params.maxTokens,
    messages: messages.map(toAnthropicMessage),
  };
  if (params.systemPrompt) body.system = params.systemPrompt;
  // API version 2026-10-21 (the SDK 1.x default) answers 400 to any temperature, even 1.0.
  if (options.sendTemperature && params.temperature !== undefined) body.temperature = params.temperature;
  if (params.stopSequences !== undefined && params.stopSequences.length > 0) {
    body.stop_sequences = params.stopSequences;
  }
  const userId = options.sendMetadata ? anthropicUserId(params.metadata) : undefined;
  if (userId !== undefined) body.metadata = { user_id: userId };
  if (params.tools !== undefined && params.tools.length > 0) {
    body.tools = params.tools.map(
      (tool): AnthropicTool => ({
        name: tool.name,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        input_schema: objectSchema(tool) as AnthropicTool.InputSchema,
      }),
    );
    const mode = params.toolChoice?.mode;
    if (mode !== undefined) body.tool_choice = TOOL_CHOICE[mode] ?? { type: "auto" };
  }
  return body;
}

/** Anthropic `metadata` takes only `user_id` (a string); every other key is left out. */
export function anthropicUserId(metadata: Record<string, unknown> | undefined): string | undefined {
  const value = metadata?.user_id;
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

/** One MCP message as a Messages API turn: a lone text stays a string, anything else a block list. */
export function toAnthropicMessage(message: SamplingMessage): MessageParam {
  const blocks = asBlocks(message.content);
  const only = blocks[0];
  if (blocks.length === 1 && only?.type === "text") return { role: message.role, content: only.text };
  return { role: message.role, content: blocks.map((block) => toContentBlock(block, message.role)) };
}

function toContentBlock(block: SamplingMessageContentBlock, role: "user" | "assistant"): ContentBlockParam {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "image":
      if (role !== "user") {
        throw unsupportedContent(PROVIDER, "image content in assistant messages", "use a user message");
      }
      return imageBlock(block.data, block.mimeType);
    case "audio":
      throw unsupportedContent(
        PROVIDER,
        `audio content (${block.mimeType})`,
        "the Messages API takes no audio input",
      );
    case "tool_use":
      if (role !== "assistant") throw unsupportedContent(PROVIDER, "tool_use content in user messages");
      return { type: "tool_use", id: block.id, name: block.name, input: block.input };
    case "tool_result":
      if (role !== "user") throw unsupportedContent(PROVIDER, "tool_result content in assistant messages");
      return toolResultBlock(block);
    default:
      throw unsupportedContent(PROVIDER, `${(block as { type: string }).type} content`);
  }
}

function imageBlock(data: string, mimeType: string): ImageBlockParam {
  checkImageMime(PROVIDER, mimeType);
  return {
    type: "image",
    source: { type: "base64", media_type: mimeType.toLowerCase() as Base64ImageSource["media_type"], data },
  };
}

function toolResultBlock(block: ToolResultContent): ToolResultBlockParam {
  const content = toolResultParts(PROVIDER, block).map((part): TextBlockParam | ImageBlockParam => {
    if (part.type === "text") return { type: "text", text: part.text };
    if (part.type === "image") return imageBlock(part.data, part.mimeType);
    throw unsupportedContent(PROVIDER, `audio content in tool_result (${part.mimeType})`);
  });
  return {
    type: "tool_result",
    tool_use_id: block.toolUseId,
    content,
    ...(block.isError !== undefined ? { is_error: block.isError } : {}),
  };
}

const STOP_REASONS: Readonly<Record<string, string>> = {
  end_turn: "endTurn",
  max_tokens: "maxTokens",
  stop_sequence: "stopSequence",
  tool_use: "toolUse",
};

/** The MCP result for a Messages API answer; thinking and server-tool blocks are left out. */
export function fromAnthropicResponse(
  message: Message,
  requestedModel: string,
): CreateMessageResultWithTools {
  const blocks: Parameters<typeof answerContent>[0] = [];
  for (const block of message.content ?? []) {
    if (block.type === "text") blocks.push({ type: "text", text: block.text });
    else if (block.type === "tool_use") {
      const input = typeof block.input === "object" && block.input !== null ? block.input : {};
      blocks.push({
        type: "tool_use",
        id: block.id,
        name: block.name,
        input: input as Record<string, unknown>,
      });
    }
  }
  const stopReason = mapStopReason(message.stop_reason, STOP_REASONS);
  return {
    role: "assistant",
    content: answerContent(blocks),
    model: message.model || requestedModel,
    ...(stopReason !== undefined ? { stopReason } : {}),
    ...usageMeta(message.usage?.input_tokens, message.usage?.output_tokens),
  };
}
