import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OpenAISamplingHandler } from "../../src/handlers/openai.js";
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
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  client = new OpenAI({ baseURL: fake.url, apiKey: "sk-test", maxRetries: 0 });
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

function handler(options: Partial<ConstructorParameters<typeof OpenAISamplingHandler>[0]> = {}) {
  return new OpenAISamplingHandler({ defaultModel: "gpt-4o-mini", client, ...options });
}

/** Runs one request and returns the body the fake server received. */
async function wireBody(params: SamplingParams, h = handler()): Promise<WireJson> {
  await h.createMessage(params.messages, params, requestContext());
  return fake.requests.at(-1);
}

describe("OpenAISamplingHandler request mapping", () => {
  it("puts the system prompt first as a system message, and only when given", async () => {
    const body = await wireBody(samplingParams({ systemPrompt: "Be brief." }));
    expect(body.messages[0]).toEqual({ role: "system", content: "Be brief." });
    expect(body.messages[1]).toEqual({ role: "user", content: "hello" });
    const plain = await wireBody(samplingParams());
    expect(plain.messages).toEqual([{ role: "user", content: "hello" }]);
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

  it("sends temperature only when set", async () => {
    expect((await wireBody(samplingParams({ temperature: 0.3 }))).temperature).toBe(0.3);
    expect(await wireBody(samplingParams())).not.toHaveProperty("temperature");
  });

  it("sends maxTokens as max_completion_tokens, or max_tokens when asked", async () => {
    const body = await wireBody(samplingParams({ maxTokens: 300 }));
    expect(body.max_completion_tokens).toBe(300);
    expect(body).not.toHaveProperty("max_tokens");
    const legacy = await wireBody(
      samplingParams({ maxTokens: 300 }),
      handler({ maxTokensField: "max_tokens" }),
    );
    expect(legacy.max_tokens).toBe(300);
    expect(legacy).not.toHaveProperty("max_completion_tokens");
  });

  it("sends stop sequences as stop, none when empty", async () => {
    expect((await wireBody(samplingParams({ stopSequences: ["END", "##"] }))).stop).toEqual(["END", "##"]);
    expect(await wireBody(samplingParams({ stopSequences: [] }))).not.toHaveProperty("stop");
  });

  it("sends metadata only with store (OpenAI 400s without it), values as strings", async () => {
    const metadata = { user: "u-1", attempt: 2, cached: false, tags: ["a"], gone: null };
    // Default: neither store nor metadata.
    const plain = await wireBody(samplingParams({ metadata }));
    expect(plain).not.toHaveProperty("metadata");
    expect(plain).not.toHaveProperty("store");
    // store: true brings metadata along: numbers and booleans stringified, objects as JSON, null dropped.
    const stored = await wireBody(samplingParams({ metadata }), handler({ store: true }));
    expect(stored.store).toBe(true);
    expect(stored.metadata).toEqual({ user: "u-1", attempt: "2", cached: "false", tags: '["a"]' });
    expect(
      await wireBody(samplingParams({ metadata: { gone: null } }), handler({ store: true })),
    ).not.toHaveProperty("metadata");
    // sendMetadata alone: for compatible servers that take metadata without store.
    const bare = await wireBody(
      samplingParams({ metadata: { user: "u-1" } }),
      handler({ sendMetadata: true }),
    );
    expect(bare.metadata).toEqual({ user: "u-1" });
    expect(bare).not.toHaveProperty("store");
  });

  it("sends user images as image_url data URLs and user audio as input_audio", async () => {
    const body = await wireBody(
      samplingParams({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is this?" },
              { type: "image", data: PNG_1PX, mimeType: "image/png" },
              { type: "audio", data: AUDIO_B64, mimeType: "audio/wav" },
              { type: "audio", data: AUDIO_B64, mimeType: "audio/mpeg" },
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
        { type: "input_audio", input_audio: { data: AUDIO_B64, format: "mp3" } },
      ],
    });
  });

  it("refuses what Chat Completions cannot take, naming the content type, before any request", async () => {
    const h = handler();
    const run = (params: SamplingParams) => h.createMessage(params.messages, params, requestContext());
    const image = { type: "image" as const, data: PNG_1PX, mimeType: "image/png" };
    await expect(run(samplingParams({ messages: [{ role: "assistant", content: image }] }))).rejects.toThrow(
      /image content in assistant messages/,
    );
    await expect(
      run(samplingParams({ messages: [{ role: "user", content: { ...image, mimeType: "image/bmp" } }] })),
    ).rejects.toThrow(/image content of type image\/bmp/);
    await expect(
      run(
        samplingParams({
          messages: [{ role: "user", content: { type: "audio", data: "x", mimeType: "audio/ogg" } }],
        }),
      ),
    ).rejects.toThrow(/audio content of type audio\/ogg/);
    const withImageResult = toolTurns();
    withImageResult[2] = {
      role: "user",
      content: [{ type: "tool_result", toolUseId: "call_1", content: [image] }],
    };
    await expect(run(samplingParams({ messages: withImageResult }))).rejects.toThrow(
      /image content in tool_result/,
    );
    expect(fake.requests).toHaveLength(0);
  });

  it("maps MCP tools to function tools and toolChoice modes to tool_choice", async () => {
    for (const mode of ["auto", "required", "none"] as const) {
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
    const noChoice = await wireBody(samplingParams({ tools: [WEATHER_TOOL] }));
    expect(noChoice).not.toHaveProperty("tool_choice");
    // OpenAI rejects tool_choice without tools.
    const noTools = await wireBody(samplingParams({ toolChoice: { mode: "auto" } }));
    expect(noTools).not.toHaveProperty("tool_choice");
    expect(noTools).not.toHaveProperty("tools");
  });

  it("sends tool_use as assistant tool_calls and tool_result as tool messages", async () => {
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
  });

  it("puts tool messages before other user content and flattens text resources and links", async () => {
    const messages = toolTurns();
    messages[2] = {
      role: "user",
      content: [
        {
          type: "tool_result",
          toolUseId: "call_1",
          content: [
            { type: "resource", resource: { uri: "file:///w.txt", text: "72F" } },
            { type: "resource_link", uri: "file:///more.txt", name: "more" },
          ],
        },
        { type: "text", text: "Thanks" },
      ],
    };
    const body = await wireBody(samplingParams({ messages, tools: [WEATHER_TOOL] }));
    expect(body.messages.slice(2)).toEqual([
      { role: "tool", tool_call_id: "call_1", content: "72F\nResource link: more <file:///more.txt>" },
      { role: "user", content: "Thanks" },
    ]);
  });

  it("marks a failed tool result by prefixing its text with 'Error: ' (OpenAI has no isError)", async () => {
    const body = await wireBody(samplingParams({ messages: toolTurns(true), tools: [WEATHER_TOOL] }));
    expect(body.messages[2]).toEqual({
      role: "tool",
      tool_call_id: "call_1",
      content: "Error: city not found",
    });
  });
});

describe("OpenAISamplingHandler response mapping", () => {
  it("answers with text, the model the provider reports, endTurn and usage in _meta", async () => {
    fake.enqueue({
      text: "Hi there",
      model: "gpt-4o-mini-2024-07-18",
      usage: { prompt_tokens: 12, completion_tokens: 3 },
    });
    const result = await runSamplingHandler(handler(), samplingParams(), requestContext());
    expect(result).toEqual({
      role: "assistant",
      content: { type: "text", text: "Hi there" },
      model: "gpt-4o-mini-2024-07-18",
      stopReason: "endTurn",
      _meta: { usage: { inputTokens: 12, outputTokens: 3 } },
    });
  });

  it("echoes by default", async () => {
    const params = samplingParams({ messages: [userText("ping")] });
    const result = await handler().createMessage(params.messages, params, requestContext());
    expect(result.content).toEqual({ type: "text", text: "echo: ping" });
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

  it("reports stopSequence when the server names the matched stop string (vLLM stop_reason)", async () => {
    fake.enqueue({ text: "x", finishReason: "stop", choiceExtra: { stop_reason: "END" } });
    const params = samplingParams({ stopSequences: ["END"] });
    expect((await handler().createMessage(params.messages, params, requestContext())).stopReason).toBe(
      "stopSequence",
    );
  });

  it("turns tool_calls into tool_use blocks with stopReason toolUse", async () => {
    fake.enqueue({
      text: "Checking",
      toolCalls: [
        { id: "call_a", name: "get_weather", arguments: { city: "Paris" } },
        { id: "call_b", name: "get_weather", arguments: "" },
      ],
    });
    const params = samplingParams({ tools: [WEATHER_TOOL] });
    const result = await runSamplingHandler(handler(), params, requestContext());
    expect(result.stopReason).toBe("toolUse");
    expect(result.content).toEqual([
      { type: "text", text: "Checking" },
      { type: "tool_use", id: "call_a", name: "get_weather", input: { city: "Paris" } },
      { type: "tool_use", id: "call_b", name: "get_weather", input: {} },
    ]);
  });

  it("reports toolUse even when a compatible server says finish_reason stop with tool calls", async () => {
    fake.enqueue({ toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }], finishReason: "stop" });
    const params = samplingParams({ tools: [WEATHER_TOOL] });
    expect((await handler().createMessage(params.messages, params, requestContext())).stopReason).toBe(
      "toolUse",
    );
  });

  it("rejects tool arguments that are not JSON, naming the tool", async () => {
    fake.enqueue({ toolCalls: [{ name: "get_weather", arguments: "{not json" }] });
    const params = samplingParams({ tools: [WEATHER_TOOL] });
    await expect(handler().createMessage(params.messages, params, requestContext())).rejects.toThrow(
      /invalid JSON arguments for tool "get_weather"/,
    );
  });

  it("surfaces a refusal as the answer text", async () => {
    fake.enqueue({ text: null, refusal: "I can't help with that." });
    const params = samplingParams();
    const result = await handler().createMessage(params.messages, params, requestContext());
    expect(result.content).toEqual({ type: "text", text: "I can't help with that." });
  });
});

describe("OpenAISamplingHandler model selection", () => {
  it("sends the model a hint selects from `models`, else the default", async () => {
    const h = handler({ defaultModel: "gpt-4o-mini", models: ["gpt-4o-mini", "gpt-4o", "llama3.2:3b"] });
    expect(
      (await wireBody(samplingParams({ modelPreferences: { hints: [{ name: "LLAMA3" }] } }), h)).model,
    ).toBe("llama3.2:3b");
    expect(
      (await wireBody(samplingParams({ modelPreferences: { hints: [{ name: "gpt-4o" }] } }), h)).model,
    ).toBe("gpt-4o");
    expect(
      (await wireBody(samplingParams({ modelPreferences: { hints: [{ name: "claude" }] } }), h)).model,
    ).toBe("gpt-4o-mini");
  });
});
