import type {
  ChatCompletion,
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolMessageParam,
} from "openai/resources/chat/completions";
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
  errorPrefixed,
  mapStopReason,
  objectSchema,
  ProviderError,
  toolResultParts,
  unsupportedContent,
  usageMeta,
} from "./shared.js";

const PROVIDER = "OpenAI";

export type MaxTokensField = "max_completion_tokens" | "max_tokens";

export interface OpenAIRequestOptions {
  /** `max_completion_tokens` (OpenAI's current name) or `max_tokens` (older OpenAI-compatible servers). */
  maxTokensField: MaxTokensField;
  /** Send `params.metadata` as OpenAI `metadata` (string values). */
  sendMetadata: boolean;
  /** Send `store: true` (OpenAI keeps the completion; it is also what makes OpenAI accept `metadata`). */
  store: boolean;
}

/** The Chat Completions request body for one sampling request. */
export function toOpenAIRequest(
  messages: SamplingMessage[],
  params: SamplingParams,
  model: string,
  options: OpenAIRequestOptions,
): ChatCompletionCreateParamsNonStreaming {
  const wire: ChatCompletionMessageParam[] = [];
  if (params.systemPrompt) wire.push({ role: "system", content: params.systemPrompt });
  for (const message of messages) wire.push(...toOpenAIMessages(message));

  const body: ChatCompletionCreateParamsNonStreaming = { model, messages: wire };
  body[options.maxTokensField] = params.maxTokens;
  if (params.temperature !== undefined) body.temperature = params.temperature;
  if (params.stopSequences !== undefined && params.stopSequences.length > 0) body.stop = params.stopSequences;
  if (options.store) body.store = true;
  const metadata = options.sendMetadata ? toOpenAIMetadata(params.metadata) : undefined;
  if (metadata !== undefined) body.metadata = metadata;
  if (params.tools !== undefined && params.tools.length > 0) {
    body.tools = params.tools.map(
      (tool): ChatCompletionTool => ({
        type: "function",
        function: {
          name: tool.name,
          ...(tool.description !== undefined ? { description: tool.description } : {}),
          parameters: objectSchema(tool),
        },
      }),
    );
    // OpenAI rejects tool_choice without tools, so it is only sent alongside them.
    if (params.toolChoice?.mode !== undefined) body.tool_choice = params.toolChoice.mode;
  }
  return body;
}

/**
 * OpenAI `metadata` holds string values only: strings pass, numbers and booleans become their
 * string form, objects and arrays their JSON; null and undefined are dropped. OpenAI's own limits
 * (16 keys, 64-char keys, 512-char values) are left to the API, whose 400 names the offender.
 */
export function toOpenAIMetadata(
  metadata: Record<string, unknown> | undefined,
): Record<string, string> | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (value === null || value === undefined) continue;
    out[key] =
      typeof value === "string"
        ? value
        : typeof value === "number" || typeof value === "boolean" || typeof value === "bigint"
          ? String(value)
          : JSON.stringify(value);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** One MCP message becomes one or more Chat Completions messages (each tool result is its own `tool` message). */
export function toOpenAIMessages(message: SamplingMessage): ChatCompletionMessageParam[] {
  const blocks = asBlocks(message.content);
  return message.role === "assistant" ? [toAssistantMessage(blocks)] : toUserMessages(blocks);
}

function toUserMessages(blocks: SamplingMessageContentBlock[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  const parts: ChatCompletionContentPart[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case "text":
        parts.push({ type: "text", text: block.text });
        break;
      case "image":
        checkImageMime(PROVIDER, block.mimeType);
        parts.push({ type: "image_url", image_url: { url: `data:${block.mimeType};base64,${block.data}` } });
        break;
      case "audio":
        parts.push({
          type: "input_audio",
          input_audio: { data: block.data, format: audioFormat(block.mimeType) },
        });
        break;
      case "tool_result":
        out.push(toToolMessage(block));
        break;
      case "tool_use":
        throw unsupportedContent(PROVIDER, "tool_use content in user messages");
      default:
        throw unsupportedContent(PROVIDER, `${(block as { type: string }).type} content`);
    }
  }
  // Tool messages must follow the assistant's tool_calls directly, so any other user content goes after them.
  if (parts.length > 0) {
    const only = parts[0];
    out.push({ role: "user", content: parts.length === 1 && only?.type === "text" ? only.text : parts });
  }
  return out;
}

function toAssistantMessage(blocks: SamplingMessageContentBlock[]): ChatCompletionAssistantMessageParam {
  const texts: string[] = [];
  const toolCalls: ChatCompletionMessageFunctionToolCall[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case "text":
        texts.push(block.text);
        break;
      case "tool_use":
        toolCalls.push({
          id: block.id,
          type: "function",
          function: { name: block.name, arguments: JSON.stringify(block.input) },
        });
        break;
      case "image":
      case "audio":
        throw unsupportedContent(
          PROVIDER,
          `${block.type} content in assistant messages`,
          "use a user message",
        );
      case "tool_result":
        throw unsupportedContent(PROVIDER, "tool_result content in assistant messages");
      default:
        throw unsupportedContent(PROVIDER, `${(block as { type: string }).type} content`);
    }
  }
  const message: ChatCompletionAssistantMessageParam = {
    role: "assistant",
    content: texts.length > 0 ? texts.join("\n") : toolCalls.length > 0 ? null : "",
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

/** Tool messages take text only and have no error flag: a failed result's text starts with "Error: ". */
function toToolMessage(block: ToolResultContent): ChatCompletionToolMessageParam {
  const texts = toolResultParts(PROVIDER, block).map((part) => {
    if (part.type !== "text") {
      throw unsupportedContent(
        PROVIDER,
        `${part.type} content in tool_result`,
        "tool messages take text only",
      );
    }
    return part.text;
  });
  const text = texts.join("\n");
  return {
    role: "tool",
    tool_call_id: block.toolUseId,
    content: block.isError === true ? errorPrefixed(text === "" ? "the tool failed" : text) : text,
  };
}

function audioFormat(mimeType: string): "wav" | "mp3" {
  switch (mimeType.toLowerCase()) {
    case "audio/wav":
    case "audio/x-wav":
    case "audio/wave":
    case "audio/vnd.wave":
      return "wav";
    case "audio/mpeg":
    case "audio/mp3":
      return "mp3";
    default:
      throw unsupportedContent(PROVIDER, `audio content of type ${mimeType}`, "use audio/wav or audio/mpeg");
  }
}

const STOP_REASONS: Readonly<Record<string, string>> = {
  stop: "endTurn",
  length: "maxTokens",
  tool_calls: "toolUse",
  function_call: "toolUse",
};

/** The MCP result for a Chat Completions answer. */
export function fromOpenAIResponse(
  completion: ChatCompletion,
  params: SamplingParams,
  requestedModel: string,
): CreateMessageResultWithTools {
  const choice = completion.choices?.[0];
  if (choice === undefined) throw new ProviderError(PROVIDER, "OpenAI returned no choices");
  const message = choice.message;
  const blocks: Parameters<typeof answerContent>[0] = [];
  // A refusal arrives instead of content; surface it as the answer's text rather than an empty reply.
  const text = message.content ?? message.refusal ?? "";
  if (text !== "") blocks.push({ type: "text", text });
  for (const call of message.tool_calls ?? []) {
    if (call.type !== "function") continue; // only function tools are ever offered
    blocks.push({
      type: "tool_use",
      id: call.id,
      name: call.function.name,
      input: parseArguments(call.function.name, call.function.arguments),
    });
  }
  let stopReason = mapStopReason(choice.finish_reason, STOP_REASONS);
  const calledTools = blocks.some((block) => block.type === "tool_use");
  // Some compatible servers answer tool calls with finish_reason "stop".
  if (calledTools && stopReason === "endTurn") stopReason = "toolUse";
  // vLLM reports the matched stop string in `stop_reason`; OpenAI itself cannot tell stop sequences apart.
  const matched = (choice as { stop_reason?: unknown }).stop_reason;
  if (stopReason === "endTurn" && typeof matched === "string" && params.stopSequences?.includes(matched)) {
    stopReason = "stopSequence";
  }
  return {
    role: "assistant",
    content: answerContent(blocks),
    model: completion.model || requestedModel,
    ...(stopReason !== undefined ? { stopReason } : {}),
    ...usageMeta(completion.usage?.prompt_tokens, completion.usage?.completion_tokens),
  };
}

function parseArguments(name: string, raw: string): Record<string, unknown> {
  if (raw.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new ProviderError(PROVIDER, `OpenAI returned invalid JSON arguments for tool "${name}": ${raw}`, {
      cause: error,
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ProviderError(PROVIDER, `OpenAI returned non-object arguments for tool "${name}": ${raw}`);
  }
  return value as Record<string, unknown>;
}
