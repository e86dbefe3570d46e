import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";

interface ToolCallParts {
  id: string;
  name: string;
  arguments: string;
}

/**
 * Folds a Chat Completions stream into the completion it stands for, calling `onToken` with each
 * text delta as it arrives: content is concatenated, tool calls are assembled by index (their id
 * and name come in the first piece, the arguments in pieces), and the usage comes in the last
 * chunk (`stream_options.include_usage`).
 */
export async function collectChatStream(
  stream: AsyncIterable<ChatCompletionChunk>,
  onToken: (delta: string) => void,
): Promise<ChatCompletion> {
  let id = "";
  let model = "";
  let created = 0;
  let content = "";
  let refusal = "";
  let finishReason: ChatCompletion.Choice["finish_reason"] | null = null;
  let usage: ChatCompletion["usage"];
  let stopReason: unknown;
  const tools: ToolCallParts[] = [];
  for await (const chunk of stream) {
    id ||= chunk.id;
    model ||= chunk.model;
    created ||= chunk.created;
    if (chunk.usage != null) usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (choice === undefined) continue;
    const delta = choice.delta ?? {};
    if (typeof delta.content === "string" && delta.content !== "") {
      content += delta.content;
      onToken(delta.content);
    }
    if (typeof delta.refusal === "string") refusal += delta.refusal;
    for (const call of delta.tool_calls ?? []) {
      const slot = tools[call.index] ?? { id: "", name: "", arguments: "" };
      tools[call.index] = slot;
      if (call.id) slot.id = call.id;
      if (call.function?.name) slot.name += call.function.name;
      if (call.function?.arguments) slot.arguments += call.function.arguments;
    }
    if (choice.finish_reason != null) finishReason = choice.finish_reason;
    // vLLM reports the matched stop string; keep it as the non-streaming answer would.
    const matched = (choice as { stop_reason?: unknown }).stop_reason;
    if (matched !== undefined && matched !== null) stopReason = matched;
  }
  const toolCalls = tools
    .filter((call) => call !== undefined)
    .map((call) => ({
      id: call.id,
      type: "function" as const,
      function: { name: call.name, arguments: call.arguments },
    }));
  const choice: ChatCompletion.Choice & { stop_reason?: unknown } = {
    index: 0,
    message: {
      role: "assistant",
      content: content === "" && toolCalls.length > 0 ? null : content,
      refusal: refusal === "" ? null : refusal,
      ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
    },
    logprobs: null,
    finish_reason: finishReason ?? "stop",
    ...(stopReason !== undefined && { stop_reason: stopReason }),
  };
  return {
    id,
    object: "chat.completion",
    created,
    model,
    choices: [choice],
    ...(usage !== undefined && { usage }),
  };
}
