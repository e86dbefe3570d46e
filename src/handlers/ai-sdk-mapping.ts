import type {
  Tool as AITool,
  AssistantContent,
  FinishReason,
  JSONSchema7,
  ModelMessage,
  Schema,
  ToolResultPart,
  UserContent,
} from "ai";
import { asBlocks } from "../content.js";
import { FastMCPError } from "../errors.js";
import type {
  CreateMessageResultWithTools,
  SamplingMessage,
  SamplingMessageContentBlock,
  Tool,
  ToolResultContent,
} from "../sampling/types.js";
import {
  answerContent,
  errorPrefixed,
  objectSchema,
  toolResultParts,
  unsupportedContent,
  usageMeta,
} from "./shared.js";

const PROVIDER = "The AI SDK handler";

/** MCP messages as AI SDK `ModelMessage`s; tool results become `tool` messages placed before other user content. */
export function toModelMessages(messages: SamplingMessage[]): ModelMessage[] {
  // AI SDK tool results name their tool; MCP ones carry only the id, so look the name up in the history.
  const toolNames = new Map<string, string>();
  for (const message of messages) {
    for (const block of asBlocks(message.content)) {
      if (block.type === "tool_use") toolNames.set(block.id, block.name);
    }
  }
  return messages.flatMap((message) =>
    message.role === "assistant"
      ? [toAssistant(asBlocks(message.content))]
      : toUser(asBlocks(message.content), toolNames),
  );
}

function toUser(blocks: SamplingMessageContentBlock[], toolNames: Map<string, string>): ModelMessage[] {
  const results: ToolResultPart[] = [];
  const parts: Exclude<UserContent, string> = [];
  for (const block of blocks) {
    switch (block.type) {
      case "text":
        parts.push({ type: "text", text: block.text });
        break;
      case "image":
      case "audio":
        // File parts with the media type; the provider turns them into its image or audio input.
        parts.push({ type: "file", data: bytesOf(block.data), mediaType: block.mimeType });
        break;
      case "tool_result":
        results.push(toToolResult(block, toolNames));
        break;
      case "tool_use":
        throw unsupportedContent(PROVIDER, "tool_use content in user messages");
      default:
        throw unsupportedContent(PROVIDER, `${(block as { type: string }).type} content`);
    }
  }
  const out: ModelMessage[] = [];
  if (results.length > 0) out.push({ role: "tool", content: results });
  if (parts.length > 0) out.push({ role: "user", content: parts });
  return out;
}

function toAssistant(blocks: SamplingMessageContentBlock[]): ModelMessage {
  const parts: Exclude<AssistantContent, string> = blocks.map((block) => {
    switch (block.type) {
      case "text":
        return { type: "text", text: block.text };
      case "tool_use":
        return { type: "tool-call", toolCallId: block.id, toolName: block.name, input: block.input };
      case "image":
      case "audio":
        // File parts: whether an assistant turn may carry media is the provider's call.
        return { type: "file", data: bytesOf(block.data), mediaType: block.mimeType };
      case "tool_result":
        throw unsupportedContent(PROVIDER, "tool_result content in assistant messages");
      default:
        throw unsupportedContent(PROVIDER, `${(block as { type: string }).type} content`);
    }
  });
  return { role: "assistant", content: parts };
}

/** Text results become `text` / `error-text` outputs; media results a `content` output of text and file parts. */
function toToolResult(block: ToolResultContent, toolNames: Map<string, string>): ToolResultPart {
  const toolName = toolNames.get(block.toolUseId);
  if (toolName === undefined) {
    throw new FastMCPError(
      "INVALID_ARGUMENT",
      `tool_result ${block.toolUseId} answers no tool_use in the conversation; the AI SDK needs the tool's name`,
    );
  }
  const parts = toolResultParts(PROVIDER, block);
  const failed = block.isError === true;
  let output: ToolResultPart["output"];
  if (parts.every((part) => part.type === "text")) {
    const text = parts.map((part) => (part.type === "text" ? part.text : "")).join("\n");
    output = failed
      ? { type: "error-text", value: errorPrefixed(text === "" ? "the tool failed" : text) }
      : { type: "text", value: text };
  } else {
    const value = parts.map((part) =>
      part.type === "text"
        ? { type: "text" as const, text: part.text }
        : // "file-data": the part AI SDK 6 (the last for Node 20) and 7 (deprecated there) both accept.
          { type: "file-data" as const, data: part.data, mediaType: part.mimeType },
    );
    output = {
      type: "content",
      value: failed ? [{ type: "text", text: "Error: the tool failed" }, ...value] : value,
    };
  }
  return { type: "tool-result", toolCallId: block.toolUseId, toolName, output };
}

/** MCP tools as an AI SDK tool set without `execute`, so calls come back to the caller instead of running. */
export function toToolSet(
  tools: Tool[],
  jsonSchema: (schema: JSONSchema7) => Schema<unknown>,
): Record<string, AITool> {
  const set: Record<string, AITool> = {};
  for (const tool of tools) {
    set[tool.name] = {
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      inputSchema: jsonSchema(objectSchema(tool) as JSONSchema7),
    };
  }
  return set;
}

/** What we read from a `generateText` result (a structural subset, so AI SDK versions may differ). */
export interface GenerateTextOutcome {
  content: ReadonlyArray<{
    type: string;
    text?: string;
    toolCallId?: string;
    toolName?: string;
    input?: unknown;
  }>;
  finishReason: FinishReason | string;
  rawFinishReason?: string | undefined;
  usage?: { inputTokens?: number | undefined; outputTokens?: number | undefined };
  response?: { modelId?: string };
}

/** The MCP result for a `generateText` outcome; reasoning and other parts are left out. */
export function fromGenerateText(
  outcome: GenerateTextOutcome,
  requestedModel: string,
): CreateMessageResultWithTools {
  const blocks: Parameters<typeof answerContent>[0] = [];
  for (const part of outcome.content) {
    if (part.type === "text" && typeof part.text === "string") blocks.push({ type: "text", text: part.text });
    else if (part.type === "tool-call" && part.toolCallId !== undefined && part.toolName !== undefined) {
      const input = typeof part.input === "object" && part.input !== null ? part.input : {};
      blocks.push({
        type: "tool_use",
        id: part.toolCallId,
        name: part.toolName,
        input: input as Record<string, unknown>,
      });
    }
  }
  const calledTools = blocks.some((block) => block.type === "tool_use");
  const stopReason = mapFinishReason(outcome.finishReason, outcome.rawFinishReason, calledTools);
  return {
    role: "assistant",
    content: answerContent(blocks),
    model: outcome.response?.modelId || requestedModel,
    ...(stopReason !== undefined ? { stopReason } : {}),
    ...usageMeta(outcome.usage?.inputTokens, outcome.usage?.outputTokens),
  };
}

/** The AI SDK's unified reasons map to MCP's; the rest pass through as the provider said them. */
export function mapFinishReason(
  finishReason: string | undefined,
  raw: string | undefined,
  calledTools: boolean,
): string | undefined {
  switch (finishReason) {
    case "stop":
      if (calledTools) return "toolUse";
      return raw === "stop_sequence" ? "stopSequence" : "endTurn";
    case "length":
      return "maxTokens";
    case "tool-calls":
      return "toolUse";
    case undefined:
    case "":
      return undefined;
    default:
      return raw !== undefined && raw !== "" ? raw : finishReason;
  }
}

/**
 * MCP carries media as base64; handed to the AI SDK as bytes, never as a string, which the AI SDK
 * would fetch when it parses as a URL (a server could make the host fetch any address it names).
 */
function bytesOf(base64: string): Uint8Array {
  return new Uint8Array(Buffer.from(base64, "base64"));
}
