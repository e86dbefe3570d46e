import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AISDKSamplingHandler, mapFinishReason } from "../../src/handlers/ai-sdk.js";
import { runSamplingHandler } from "../../src/sampling/handler.js";
import type { SamplingParams } from "../../src/sampling/types.js";
import { type FakeOpenAI, startFakeOpenAI, type WireJson } from "../fakes/openai-server.js";
import {
  AUDIO_B64,
  assistantText,
  PNG_1PX,
  requestContext,
  samplingParams,
  toolTurns,
  userText,
  WEATHER_TOOL,
} from "../helpers/sampling-inputs.js";

let fake: FakeOpenAI;
let provider: ReturnType<typeof createOpenAICompatible>;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  provider = createOpenAICompatible({
    name: "fake",
    baseURL: fake.url,
    apiKey: "sk-test",
    includeUsage: true,
  });
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

function handler(options: Partial<ConstructorParameters<typeof AISDKSamplingHandler>[0]> = {}) {
  return new AISDKSamplingHandler({ model: provider.chatModel("llama3.2:3b"), ...options });
}

async function wireBody(params: SamplingParams, h = handler()): Promise<WireJson> {
  await h.createMessage(params.messages, params, requestContext());
  return fake.requests.at(-1);
}

describe("AISDKSamplingHandler request mapping (through @ai-sdk/openai-compatible)", () => {
  it("maps system prompt, roles, temperature, max tokens and stop sequences", async () => {
    const body = await wireBody(
      samplingParams({
        systemPrompt: "Be brief.",
        messages: [userText("a"), assistantText("b"), userText("c")],
        temperature: 0.2,
        maxTokens: 77,
        stopSequences: ["END"],
      }),
    );
    expect(body.model).toBe("llama3.2:3b");
    expect(body.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "a" },
      { role: "assistant", content: "b" },
      { role: "user", content: "c" },
    ]);
    expect(body.temperature).toBe(0.2);
    expect(body.max_tokens).toBe(77);
    expect(body.stop).toEqual(["END"]);
  });

  it("sends no metadata (the AI SDK has no portable field) but passes providerOptions through", async () => {
    const body = await wireBody(
      samplingParams({ metadata: { user: "u-1" } }),
      handler({ providerOptions: { fake: { user: "u-1" } } }),
    );
    expect(body).not.toHaveProperty("metadata");
    expect(body.user).toBe("u-1");
  });

  it("sends user images and audio as the provider's image and audio parts", async () => {
    const body = await wireBody(
      samplingParams({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is this?" },
              { type: "image", data: PNG_1PX, mimeType: "image/png" },
              { type: "audio", data: AUDIO_B64, mimeType: "audio/wav" },
            ],
          },
        ],
      }),
    );
    expect(body.messages[0]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "What is this?" },
        { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_1PX}` } },
        { type: "input_audio", input_audio: { data: AUDIO_B64, format: "wav" } },
      ],
    });
  });

  it("maps tools and toolChoice", async () => {
    for (const mode of ["auto", "required", "none"] as const) {
      // The AI SDK itself rejects an answer without a tool call when one is required.
      if (mode === "required")
        fake.enqueue({ toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }] });
      const body = await wireBody(samplingParams({ tools: [WEATHER_TOOL], toolChoice: { mode } }));
      expect(body.tools).toEqual([
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Weather for a city",
            parameters: WEATHER_TOOL.inputSchema,
          },
        },
      ]);
      expect(body.tool_choice).toBe(mode);
    }
  });

  it("sends tool_use and tool_result turns, a failed result as error text", async () => {
    const body = await wireBody(samplingParams({ messages: toolTurns(), tools: [WEATHER_TOOL] }));
    expect(body.messages).toEqual([
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: "Let me check.",
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "72F and sunny" },
    ]);
    const failed = await wireBody(samplingParams({ messages: toolTurns(true), tools: [WEATHER_TOOL] }));
    expect(failed.messages[2]).toEqual({
      role: "tool",
      tool_call_id: "call_1",
      content: "Error: city not found",
    });
  });

  it("refuses a tool_result whose tool_use is not in the conversation", async () => {
    const params = samplingParams({
      messages: [{ role: "user", content: [{ type: "tool_result", toolUseId: "nope", content: [] }] }],
    });
    await expect(handler().createMessage(params.messages, params, requestContext())).rejects.toThrow(
      /tool_result nope answers no tool_use/,
    );
  });
});

describe("AISDKSamplingHandler response mapping", () => {
  it("answers with text, the reported model, endTurn and usage in _meta", async () => {
    fake.enqueue({
      text: "Hi there",
      model: "llama3.2:3b-instruct",
      usage: { prompt_tokens: 5, completion_tokens: 2 },
    });
    const result = await runSamplingHandler(handler(), samplingParams(), requestContext());
    expect(result).toEqual({
      role: "assistant",
      content: { type: "text", text: "Hi there" },
      model: "llama3.2:3b-instruct",
      stopReason: "endTurn",
      _meta: { usage: { inputTokens: 5, outputTokens: 2 } },
    });
  });

  it.each([
    ["stop", "endTurn"],
    ["length", "maxTokens"],
    ["content_filter", "content_filter"],
  ])("maps finish_reason %s to %s", async (finishReason, stopReason) => {
    fake.enqueue({ text: "x", finishReason });
    const params = samplingParams();
    expect((await handler().createMessage(params.messages, params, requestContext())).stopReason).toBe(
      stopReason,
    );
  });

  it("maps the AI SDK's unified finish reasons, using the provider's raw reason for stop sequences and the rest", () => {
    expect(mapFinishReason("stop", "stop_sequence", false)).toBe("stopSequence"); // e.g. @ai-sdk/anthropic
    expect(mapFinishReason("stop", "end_turn", false)).toBe("endTurn");
    expect(mapFinishReason("stop", "stop", true)).toBe("toolUse");
    expect(mapFinishReason("tool-calls", "tool_use", true)).toBe("toolUse");
    expect(mapFinishReason("length", "MAX_TOKENS", false)).toBe("maxTokens");
    expect(mapFinishReason("other", "pause_turn", false)).toBe("pause_turn");
    expect(mapFinishReason("content-filter", undefined, false)).toBe("content-filter");
  });

  it("turns tool calls into tool_use blocks with stopReason toolUse", async () => {
    fake.enqueue({
      text: "Checking",
      toolCalls: [{ id: "call_z", name: "get_weather", arguments: { city: "Rome" } }],
    });
    const params = samplingParams({ tools: [WEATHER_TOOL] });
    const result = await runSamplingHandler(handler(), params, requestContext());
    expect(result.stopReason).toBe("toolUse");
    expect(result.content).toEqual([
      { type: "text", text: "Checking" },
      { type: "tool_use", id: "call_z", name: "get_weather", input: { city: "Rome" } },
    ]);
  });

  it("selects a model of `models` by hint, else uses `model`", async () => {
    const h = handler({
      models: {
        "llama3.2:3b": provider.chatModel("llama3.2:3b"),
        "qwen2.5:7b": provider.chatModel("qwen2.5:7b"),
      },
    });
    expect(
      (await wireBody(samplingParams({ modelPreferences: { hints: [{ name: "QWEN" }] } }), h)).model,
    ).toBe("qwen2.5:7b");
    expect(
      (await wireBody(samplingParams({ modelPreferences: { hints: [{ name: "gpt" }] } }), h)).model,
    ).toBe("llama3.2:3b");
  });
});
