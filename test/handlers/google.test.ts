import { GoogleGenAI } from "@google/genai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { GoogleSamplingHandler } from "../../src/handlers/google.js";
import { Client, FastMCP } from "../../src/index.js";
import type { CreateMessageResultWithTools, SamplingParams } from "../../src/sampling/types.js";
import { type FakeGemini, startFakeGemini } from "../fakes/gemini-server.js";
import {
  PNG_1PX,
  requestContext,
  samplingParams,
  toolTurns,
  userText,
  WEATHER_TOOL,
} from "../helpers/sampling-inputs.js";

let fake: FakeGemini;
beforeAll(async () => {
  fake = await startFakeGemini();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

function handler(options: Partial<ConstructorParameters<typeof GoogleSamplingHandler>[0]> = {}) {
  return new GoogleSamplingHandler({
    defaultModel: "gemini-2.5-flash",
    client: new GoogleGenAI({ apiKey: "k", httpOptions: { baseUrl: fake.url } }),
    ...options,
  });
}

async function ask(params: SamplingParams, h = handler()): Promise<CreateMessageResultWithTools> {
  return h.createMessage(params.messages, params, requestContext());
}

describe("GoogleSamplingHandler (real @google/genai client, fake Gemini API)", () => {
  it("maps system prompt, temperature, max tokens and stop sequences; answers with text, model, endTurn and usage", async () => {
    fake.enqueue({ text: "Hi there", usage: { promptTokenCount: 4, candidatesTokenCount: 2 } });
    const result = await ask(
      samplingParams({ systemPrompt: "Be brief.", temperature: 0.3, stopSequences: ["END"], maxTokens: 64 }),
    );
    const body = fake.requests[0];
    expect(fake.calls[0]?.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(body.contents).toEqual([{ role: "user", parts: [{ text: "hello" }] }]);
    expect(body.systemInstruction).toEqual({ parts: [{ text: "Be brief." }], role: "user" });
    expect(body.generationConfig).toEqual({ temperature: 0.3, maxOutputTokens: 64, stopSequences: ["END"] });
    expect(result).toEqual({
      role: "assistant",
      content: { type: "text", text: "Hi there" },
      model: "gemini-2.5-flash",
      stopReason: "endTurn",
      _meta: { usage: { inputTokens: 4, outputTokens: 2 } },
    });
  });

  it("images become inline data; the assistant is the model role", async () => {
    await ask(
      samplingParams({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "what is this?" },
              { type: "image", data: PNG_1PX, mimeType: "image/png" },
            ],
          },
          { role: "assistant", content: { type: "text", text: "a pixel" } },
          userText("sure?"),
        ],
      }),
    );
    expect(fake.requests[0].contents).toEqual([
      {
        role: "user",
        parts: [{ text: "what is this?" }, { inlineData: { mimeType: "image/png", data: PNG_1PX } }],
      },
      { role: "model", parts: [{ text: "a pixel" }] },
      { role: "user", parts: [{ text: "sure?" }] },
    ]);
  });

  it("tools become function declarations, toolChoice the calling mode, and calls and results map both ways", async () => {
    fake.enqueue({ text: "Let me look.", functionCalls: [{ name: "get_weather", args: { city: "Rome" } }] });
    const params = samplingParams({
      messages: toolTurns(true),
      tools: [WEATHER_TOOL],
      toolChoice: { mode: "required" },
    });
    const result = await ask(params);
    const body = fake.requests[0];
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "get_weather",
            description: "Weather for a city",
            parametersJsonSchema: WEATHER_TOOL.inputSchema,
          },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY" } });
    expect(body.contents[1]).toEqual({
      role: "model",
      parts: [
        { text: "Let me check." },
        { functionCall: { id: "call_1", name: "get_weather", args: { city: "Paris" } } },
      ],
    });
    expect(body.contents[2]).toEqual({
      role: "user",
      parts: [
        { functionResponse: { id: "call_1", name: "get_weather", response: { error: "city not found" } } },
      ],
    });
    expect(result.stopReason).toBe("toolUse");
    expect(result.content).toEqual([
      { type: "text", text: "Let me look." },
      { type: "tool_use", id: expect.any(String), name: "get_weather", input: { city: "Rome" } },
    ]);
  });

  it("finish reasons: MAX_TOKENS is maxTokens, others (SAFETY) pass through; thought parts are dropped", async () => {
    fake.enqueue({ text: "cut", finishReason: "MAX_TOKENS" });
    expect((await ask(samplingParams())).stopReason).toBe("maxTokens");
    fake.enqueue({
      text: "",
      finishReason: "SAFETY",
      extraParts: [{ text: "secret thinking", thought: true }],
    });
    const blocked = await ask(samplingParams());
    expect(blocked.stopReason).toBe("SAFETY");
    expect(blocked.content).toEqual({ type: "text", text: "" });
  });

  it("model selection: a hint picks one of `models`", async () => {
    await ask(
      samplingParams({ modelPreferences: { hints: [{ name: "pro" }] } }),
      handler({ models: ["gemini-2.5-flash", "gemini-2.5-pro"] }),
    );
    expect(fake.calls[0]?.path).toBe("/v1beta/models/gemini-2.5-pro:generateContent");
  });

  it("onToken streams (streamGenerateContent over SSE) and still returns the whole result", async () => {
    fake.enqueue({ text: "streamed from gemini", usage: { promptTokenCount: 3, candidatesTokenCount: 3 } });
    const release = fake.pauseNextStream();
    const deltas: string[] = [];
    const result = await ask(
      samplingParams(),
      handler({
        onToken: (delta) => {
          deltas.push(delta);
          if (deltas.length === 1) release();
        },
      }),
    );
    expect(fake.calls[0]?.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    expect(deltas).toEqual(["streamed ", "from ", "gemini"]);
    expect(result).toMatchObject({
      content: { type: "text", text: "streamed from gemini" },
      stopReason: "endTurn",
      _meta: { usage: { inputTokens: 3, outputTokens: 3 } },
    });
  });

  it("a provider error names the status, Google's status code and message", async () => {
    fake.enqueue({ error: { code: 400, message: "API key not valid.", status: "INVALID_ARGUMENT" } });
    await expect(ask(samplingParams())).rejects.toMatchObject({
      name: "ProviderError",
      status: 400,
      errorType: "INVALID_ARGUMENT",
      message: "Google API error 400 (INVALID_ARGUMENT): API key not valid.",
    });
  });

  it("a tool_result whose call is not in the history is refused before any request", async () => {
    const params = samplingParams({
      messages: [
        {
          role: "user",
          content: [{ type: "tool_result", toolUseId: "nope", content: [{ type: "text", text: "x" }] }],
        },
      ],
    });
    await expect(ask(params)).rejects.toThrow(/unknown call nope/);
    expect(fake.requests).toHaveLength(0);
  });

  it("as a FastMCP server's own handler", async () => {
    const server = new FastMCP({
      name: "gemini-backed",
      samplingHandler: handler(),
      samplingHandlerBehavior: "always",
    });
    server.tool({
      name: "ask",
      parameters: z.object({ q: z.string() }),
      execute: async ({ q }, ctx) => {
        const answer = await ctx.sample(q);
        return `${answer.text} [${answer.model}, ${JSON.stringify(answer.usage)}]`;
      },
    });
    const client = new Client(server);
    await client.connect();
    try {
      const result = await client.callTool("ask", { q: "ping pong" });
      expect(result.text).toBe('echo: ping pong [gemini-2.5-flash, {"inputTokens":2,"outputTokens":3}]');
    } finally {
      await client.close();
      await server.close();
    }
  });
});
