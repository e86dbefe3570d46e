import type {
  Content,
  FunctionCallingConfigMode,
  GenerateContentConfig,
  GenerateContentResponse,
  Part,
} from "@google/genai";
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

const PROVIDER = "Google";

/** What `generateContent` takes besides the model: the turns and the config. */
export interface GoogleRequest {
  contents: Content[];
  config: GenerateContentConfig;
}

// String values of the SDK's FunctionCallingConfigMode enum (a type-only import keeps the SDK optional).
const TOOL_MODES: Readonly<Record<string, FunctionCallingConfigMode>> = {
  auto: "AUTO" as FunctionCallingConfigMode,
  required: "ANY" as FunctionCallingConfigMode,
  none: "NONE" as FunctionCallingConfigMode,
};

/** The Gemini request for one sampling request. */
export function toGoogleRequest(messages: SamplingMessage[], params: SamplingParams): GoogleRequest {
  // Function responses name their function; MCP tool results carry only the call id.
  const toolNames = new Map<string, string>();
  for (const message of messages) {
    for (const block of asBlocks(message.content)) {
      if (block.type === "tool_use") toolNames.set(block.id, block.name);
    }
  }
  const config: GenerateContentConfig = { maxOutputTokens: params.maxTokens };
  if (params.systemPrompt) config.systemInstruction = params.systemPrompt;
  if (params.temperature !== undefined) config.temperature = params.temperature;
  if (params.stopSequences !== undefined && params.stopSequences.length > 0) {
    config.stopSequences = params.stopSequences;
  }
  if (params.tools !== undefined && params.tools.length > 0) {
    config.tools = [
      {
        functionDeclarations: params.tools.map((tool) => ({
          name: tool.name,
          ...(tool.description !== undefined ? { description: tool.description } : {}),
          parametersJsonSchema: objectSchema(tool),
        })),
      },
    ];
    const mode = params.toolChoice?.mode;
    if (mode !== undefined) {
      config.toolConfig = { functionCallingConfig: { mode: TOOL_MODES[mode] ?? TOOL_MODES.auto! } };
    }
  }
  return { contents: messages.map((message) => toGoogleContent(message, toolNames)), config };
}

/** One MCP message as a Gemini turn: `user`, or `model` for the assistant. */
export function toGoogleContent(message: SamplingMessage, toolNames: Map<string, string>): Content {
  const role = message.role === "assistant" ? "model" : "user";
  const parts = asBlocks(message.content).flatMap((block) => toParts(block, message.role, toolNames));
  return { role, parts };
}

function toParts(
  block: SamplingMessageContentBlock,
  role: "user" | "assistant",
  toolNames: Map<string, string>,
): Part[] {
  switch (block.type) {
    case "text":
      return [{ text: block.text }];
    case "image":
      if (role !== "user") {
        throw unsupportedContent(PROVIDER, "image content in assistant messages", "use a user message");
      }
      checkImageMime(PROVIDER, block.mimeType);
      return [{ inlineData: { mimeType: block.mimeType, data: block.data } }];
    case "audio":
      if (role !== "user") {
        throw unsupportedContent(PROVIDER, "audio content in assistant messages", "use a user message");
      }
      return [{ inlineData: { mimeType: block.mimeType, data: block.data } }];
    case "tool_use":
      if (role !== "assistant") throw unsupportedContent(PROVIDER, "tool_use content in user messages");
      return [{ functionCall: { id: block.id, name: block.name, args: block.input } }];
    case "tool_result":
      if (role !== "user") throw unsupportedContent(PROVIDER, "tool_result content in assistant messages");
      return toolResult(block, toolNames);
    default:
      throw unsupportedContent(PROVIDER, `${(block as { type: string }).type} content`);
  }
}

/**
 * A tool result is a `functionResponse` (`{ output }`, or `{ error }` when it failed) naming the
 * function its call named; images and audio it returned follow as inline data in the same turn.
 */
function toolResult(block: ToolResultContent, toolNames: Map<string, string>): Part[] {
  const name = toolNames.get(block.toolUseId);
  if (name === undefined) {
    throw unsupportedContent(
      PROVIDER,
      `a tool_result for unknown call ${block.toolUseId}`,
      "Gemini function responses name their function, so the tool_use must be in the history",
    );
  }
  const texts: string[] = [];
  const media: Part[] = [];
  for (const part of toolResultParts(PROVIDER, block)) {
    if (part.type === "text") texts.push(part.text);
    else media.push({ inlineData: { mimeType: part.mimeType, data: part.data } });
  }
  const text = texts.join("\n");
  const response =
    block.isError === true ? { error: text === "" ? "the tool failed" : text } : { output: text };
  return [{ functionResponse: { id: block.toolUseId, name, response } }, ...media];
}

const STOP_REASONS: Readonly<Record<string, string>> = {
  STOP: "endTurn",
  MAX_TOKENS: "maxTokens",
};

/** The MCP result for a Gemini answer; thought parts are left out. */
export function fromGoogleResponse(
  response: Pick<GenerateContentResponse, "candidates" | "usageMetadata" | "modelVersion">,
  requestedModel: string,
): CreateMessageResultWithTools {
  const candidate = response.candidates?.[0];
  const blocks: Parameters<typeof answerContent>[0] = [];
  let calls = 0;
  for (const part of candidate?.content?.parts ?? []) {
    if (part.thought === true) continue;
    if (typeof part.text === "string" && part.text !== "") blocks.push({ type: "text", text: part.text });
    else if (part.functionCall?.name !== undefined) {
      const args = part.functionCall.args;
      blocks.push({
        type: "tool_use",
        // Gemini API calls carry no id; one unique within the answer is enough to pair its result.
        id: part.functionCall.id ?? `call_${calls}_${part.functionCall.name}`,
        name: part.functionCall.name,
        input: typeof args === "object" && args !== null ? (args as Record<string, unknown>) : {},
      });
      calls += 1;
    }
  }
  let stopReason = mapStopReason(candidate?.finishReason, STOP_REASONS);
  // Gemini ends a function-calling turn with STOP.
  if (calls > 0 && (stopReason === "endTurn" || stopReason === undefined)) stopReason = "toolUse";
  return {
    role: "assistant",
    content: answerContent(blocks),
    model: response.modelVersion || requestedModel,
    ...(stopReason !== undefined ? { stopReason } : {}),
    ...usageMeta(response.usageMetadata?.promptTokenCount, response.usageMetadata?.candidatesTokenCount),
  };
}

/**
 * Folds a `generateContentStream` into one response, calling `onToken` with each text delta:
 * text parts are joined in order, function calls kept, and the last chunk's finish reason, usage
 * and model version win.
 */
export async function collectGoogleStream(
  stream: AsyncIterable<GenerateContentResponse>,
  onToken: (delta: string) => void,
): Promise<Pick<GenerateContentResponse, "candidates" | "usageMetadata" | "modelVersion">> {
  let text = "";
  const calls: Part[] = [];
  let finishReason: string | undefined;
  let usageMetadata: GenerateContentResponse["usageMetadata"];
  let modelVersion: string | undefined;
  for await (const chunk of stream) {
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.thought === true) continue;
      if (typeof part.text === "string" && part.text !== "") {
        text += part.text;
        onToken(part.text);
      } else if (part.functionCall !== undefined) calls.push(part);
    }
    if (candidate?.finishReason !== undefined) finishReason = candidate.finishReason;
    if (chunk.usageMetadata !== undefined) usageMetadata = chunk.usageMetadata;
    if (chunk.modelVersion !== undefined) modelVersion = chunk.modelVersion;
  }
  const parts: Part[] = [...(text !== "" ? [{ text }] : []), ...calls];
  return {
    candidates: [
      { content: { role: "model", parts }, ...(finishReason !== undefined && { finishReason }) } as never,
    ],
    ...(usageMetadata !== undefined && { usageMetadata }),
    ...(modelVersion !== undefined && { modelVersion }),
  };
}
