import type { RequestContext, SamplingMessage, SamplingParams } from "../../src/sampling/types.js";

/** A 1×1 transparent PNG, base64. */
export const PNG_1PX =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
/** Not real audio; the fakes never decode it. */
export const AUDIO_B64 = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=";

export function requestContext(signal: AbortSignal = new AbortController().signal): RequestContext {
  return { requestId: 1, signal, side: "server" };
}

export function userText(text: string): SamplingMessage {
  return { role: "user", content: { type: "text", text } };
}

export function assistantText(text: string): SamplingMessage {
  return { role: "assistant", content: { type: "text", text } };
}

/** Sampling params with `maxTokens` 100 and one user message unless told otherwise. */
export function samplingParams(overrides: Partial<SamplingParams> = {}): SamplingParams {
  return { messages: [userText("hello")], maxTokens: 100, ...overrides };
}

export const WEATHER_TOOL = {
  name: "get_weather",
  description: "Weather for a city",
  inputSchema: {
    type: "object" as const,
    properties: { city: { type: "string" } },
    required: ["city"],
  },
};

/** A conversation in which the assistant called `get_weather` and the tool answered. */
export function toolTurns(isError?: boolean): SamplingMessage[] {
  return [
    userText("Weather in Paris?"),
    {
      role: "assistant",
      content: [
        { type: "text", text: "Let me check." },
        { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
      ],
    },
    {
      role: "user",
      content: [
        {
          type: "tool_result",
          toolUseId: "call_1",
          content: [{ type: "text", text: isError ? "city not found" : "72F and sunny" }],
          ...(isError !== undefined ? { isError } : {}),
        },
      ],
    },
  ];
}
