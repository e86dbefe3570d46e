import Anthropic from "@anthropic-ai/sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AnthropicSamplingHandler } from "../../src/handlers/anthropic.js";
import { runSamplingHandler } from "../../src/sampling/handler.js";
import type { SamplingParams } from "../../src/sampling/types.js";
import { type FakeAnthropic, startFakeAnthropic, type WireJson } from "../fakes/anthropic-server.js";
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

let fake: FakeAnthropic;
let client: Anthropic;

beforeAll(async () => {
  fake = await startFakeAnthropic();
  client = new Anthropic({ baseURL: fake.url, apiKey: "sk-ant-test", maxRetries: 0 });
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

function handler(options: Partial<ConstructorParameters<typeof AnthropicSamplingHandler>[0]> = {}) {
  return new AnthropicSamplingHandler({ defaultModel: "claude-sonnet-5-5", client, ...options });
}

async function wireBody(params: SamplingParams, h = handler()): Promise<WireJson> {
  await h.createMessage(params.messages, params, requestContext());
  return fake.requests.at(-1);
}

describe("AnthropicSamplingHandler request mapping", () => {
  it("sends the system prompt as `system`, and only when given", async () => {
    const body = await wireBody(samplingParams({ systemPrompt: "Be brief." }));
    expect(body.system).toBe("Be brief.");
    expect(body.messages).toEqual([{ role: "user", content: "hello" }]);
    expect(await wireBody(samplingParams())).not.toHaveProperty("system");
  });

  it("keeps roles and order of user and assistant turns", async () => {
    const body = await wireBody(
      samplingParams({ messages: [userText("a"), assistantText("b"), userText("c")] }),
    );
    expect(body.messages).toEqual([
      { role: "user", content: "a" },
      { role: "assistant", content: "b" },
      { role: "user", content: "c" },
    ]);
  });

  it("leaves temperature out by default (API 2026-10-21 rejects it) and sends it when asked", async () => {
    expect(await wireBody(samplingParams({ temperature: 0.3 }))).not.toHaveProperty("temperature");
    const body = await wireBody(samplingParams({ temperature: 0.3 }), handler({ sendTemperature: true }));
    expect(body.temperature).toBe(0.3);
  });

  it("sends maxTokens as max_tokens and stop sequences as stop_sequences", async () => {
    const body = await wireBody(samplingParams({ maxTokens: 321, stopSequences: ["END"] }));
    expect(body.max_tokens).toBe(321);
    expect(body.stop_sequences).toEqual(["END"]);
    expect(await wireBody(samplingParams({ stopSequences: [] }))).not.toHaveProperty("stop_sequences");
  });

  it("sends only metadata.user_id, as a string", async () => {
    const body = await wireBody(samplingParams({ metadata: { user_id: "u-42", team: "x" } }));
    expect(body.metadata).toEqual({ user_id: "u-42" });
    expect((await wireBody(samplingParams({ metadata: { user_id: 7 } }))).metadata).toEqual({ user_id: "7" });
    expect(await wireBody(samplingParams({ metadata: { team: "x" } }))).not.toHaveProperty("metadata");
    const off = await wireBody(
      samplingParams({ metadata: { user_id: "u-42" } }),
      handler({ sendMetadata: false }),
    );
    expect(off).not.toHaveProperty("metadata");
  });

  it("sends user images as base64 image blocks", async () => {
    const body = await wireBody(
      samplingParams({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is this?" },
              { type: "image", data: PNG_1PX, mimeType: "image/png" },
            ],
          },
        ],
      }),
    );
    expect(body.messages[0]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "What is this?" },
        { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_1PX } },
      ],
    });
  });

  it("refuses audio, assistant images and odd image types, naming the content type, before any request", async () => {
    const h = handler();
    const run = (params: SamplingParams) => h.createMessage(params.messages, params, requestContext());
    const image = { type: "image" as const, data: PNG_1PX, mimeType: "image/png" };
    await expect(
      run(
        samplingParams({
          messages: [{ role: "user", content: { type: "audio", data: AUDIO_B64, mimeType: "audio/wav" } }],
        }),
      ),
    ).rejects.toThrow(/Anthropic does not accept audio content/);
    await expect(
      run(samplingParams({ messages: [{ role: "assistant", content: [image] }] })),
    ).rejects.toThrow(/image content in assistant messages/);
    await expect(
      run(samplingParams({ messages: [{ role: "user", content: [{ ...image, mimeType: "image/bmp" }] }] })),
    ).rejects.toThrow(/image content of type image\/bmp/);
    expect(fake.requests).toHaveLength(0);
  });

  it("maps MCP tools to Anthropic tools and toolChoice to {type: auto|any|none}", async () => {
    const expected = { auto: { type: "auto" }, required: { type: "any" }, none: { type: "none" } };
    for (const mode of ["auto", "required", "none"] as const) {
      const body = await wireBody(samplingParams({ tools: [WEATHER_TOOL], toolChoice: { mode } }));
      expect(body.tools).toEqual([
        { name: "get_weather", description: "Weather for a city", input_schema: WEATHER_TOOL.inputSchema },
      ]);
      expect(body.tool_choice).toEqual(expected[mode]);
    }
    expect(await wireBody(samplingParams({ tools: [WEATHER_TOOL] }))).not.toHaveProperty("tool_choice");
  });

  it("sends tool_use and tool_result blocks, with is_error when the result says", async () => {
    const body = await wireBody(samplingParams({ messages: toolTurns(), tools: [WEATHER_TOOL] }));
    expect(body.messages).toEqual([
      { role: "user", content: "Weather in Paris?" },
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
          { type: "tool_result", tool_use_id: "call_1", content: [{ type: "text", text: "72F and sunny" }] },
        ],
      },
    ]);
    const failed = await wireBody(samplingParams({ messages: toolTurns(true), tools: [WEATHER_TOOL] }));
    expect(failed.messages[2].content[0]).toEqual({
      type: "tool_result",
      tool_use_id: "call_1",
      content: [{ type: "text", text: "city not found" }],
      is_error: true,
    });
  });

  it("sends images inside tool results as image blocks", async () => {
    const messages = toolTurns();
    messages[2] = {
      role: "user",
      content: [
        {
          type: "tool_result",
          toolUseId: "call_1",
          content: [
            { type: "text", text: "chart:" },
            { type: "image", data: PNG_1PX, mimeType: "image/png" },
          ],
        },
      ],
    };
    const body = await wireBody(samplingParams({ messages, tools: [WEATHER_TOOL] }));
    expect(body.messages[2].content[0].content).toEqual([
      { type: "text", text: "chart:" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_1PX } },
    ]);
  });
});

describe("AnthropicSamplingHandler response mapping", () => {
  it("answers with text, the model the provider reports, endTurn and usage in _meta", async () => {
    fake.enqueue({
      text: "Hi there",
      model: "claude-sonnet-5-5-20261001",
      usage: { input_tokens: 9, output_tokens: 2 },
    });
    const result = await runSamplingHandler(handler(), samplingParams(), requestContext());
    expect(result).toEqual({
      role: "assistant",
      content: { type: "text", text: "Hi there" },
      model: "claude-sonnet-5-5-20261001",
      stopReason: "endTurn",
      _meta: { usage: { inputTokens: 9, outputTokens: 2 } },
    });
  });

  it.each([
    ["end_turn", "endTurn"],
    ["max_tokens", "maxTokens"],
    ["stop_sequence", "stopSequence"],
    ["refusal", "refusal"],
    ["pause_turn", "pause_turn"],
  ])("maps stop_reason %s to %s", async (stop, expected) => {
    fake.enqueue({ text: "x", stopReason: stop });
    const params = samplingParams();
    expect((await handler().createMessage(params.messages, params, requestContext())).stopReason).toBe(
      expected,
    );
  });

  it("turns tool_use blocks into MCP tool_use with stopReason toolUse, dropping thinking", async () => {
    fake.enqueue({
      extraBlocks: [{ type: "thinking", thinking: "hmm", signature: "sig" }],
      text: "Checking",
      toolUses: [{ id: "toolu_1", name: "get_weather", input: { city: "Paris" } }],
    });
    const params = samplingParams({ tools: [WEATHER_TOOL] });
    const result = await runSamplingHandler(handler(), params, requestContext());
    expect(result.stopReason).toBe("toolUse");
    expect(result.content).toEqual([
      { type: "text", text: "Checking" },
      { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
    ]);
  });

  it("echoes by default and selects models by hint", async () => {
    const h = handler({ models: ["claude-sonnet-5-5", "claude-haiku-5-5"] });
    const params = samplingParams({
      messages: [userText("ping")],
      modelPreferences: { hints: [{ name: "haiku" }] },
    });
    const result = await h.createMessage(params.messages, params, requestContext());
    expect(result.content).toEqual({ type: "text", text: "echo: ping" });
    expect(fake.requests.at(-1).model).toBe("claude-haiku-5-5");
    expect(result.model).toBe("claude-haiku-5-5");
  });
});
