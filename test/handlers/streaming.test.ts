import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AISDKSamplingHandler } from "../../src/handlers/ai-sdk.js";
import { AnthropicSamplingHandler } from "../../src/handlers/anthropic.js";
import { OpenAISamplingHandler } from "../../src/handlers/openai.js";
import type { TokenCallback } from "../../src/handlers/shared.js";
import type { CreateMessageResultWithTools, SamplingHandlerObject } from "../../src/sampling/types.js";
import { type FakeAnthropic, startFakeAnthropic } from "../fakes/anthropic-server.js";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/openai-server.js";
import { requestContext, samplingParams, WEATHER_TOOL } from "../helpers/sampling-inputs.js";

let openaiFake: FakeOpenAI;
let anthropicFake: FakeAnthropic;
beforeAll(async () => {
  [openaiFake, anthropicFake] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
});
afterAll(() => Promise.all([openaiFake.close(), anthropicFake.close()]));

interface Case {
  name: string;
  fake: () => FakeOpenAI | FakeAnthropic;
  make: (onToken?: TokenCallback) => SamplingHandlerObject;
  /** The request's own streaming flag, as each wire names it. */
  streamed: (body: Record<string, unknown>) => boolean;
}

const CASES: Case[] = [
  {
    name: "OpenAI (Chat Completions stream)",
    fake: () => openaiFake,
    make: (onToken) =>
      new OpenAISamplingHandler({
        defaultModel: "gpt-fake",
        client: new OpenAI({ baseURL: openaiFake.url, apiKey: "k", maxRetries: 0 }),
        ...(onToken !== undefined && { onToken }),
      }),
    streamed: (body) => body.stream === true,
  },
  {
    name: "Anthropic (Messages stream)",
    fake: () => anthropicFake,
    make: (onToken) =>
      new AnthropicSamplingHandler({
        defaultModel: "claude-fake",
        client: new Anthropic({ baseURL: anthropicFake.url, apiKey: "k", maxRetries: 0 }),
        ...(onToken !== undefined && { onToken }),
      }),
    streamed: (body) => body.stream === true,
  },
  {
    name: "AI SDK (streamText)",
    fake: () => openaiFake,
    make: (onToken) =>
      new AISDKSamplingHandler({
        model: createOpenAICompatible({
          name: "fake",
          baseURL: openaiFake.url,
          apiKey: "k",
          includeUsage: true,
        }).chatModel("ai-fake"),
        ...(onToken !== undefined && { onToken }),
      }),
    streamed: (body) => body.stream === true,
  },
];

describe.each(CASES)("$name: onToken", ({ fake, make, streamed }) => {
  it("streams text deltas as they arrive and still returns the whole result with usage", async () => {
    fake().reset();
    fake().enqueue({ text: "the quick brown fox jumps" } as never);
    // The fake stops after the first delta until we have seen it: buffering the stream would hang here.
    const release = fake().pauseNextStream();
    const deltas: string[] = [];
    const onToken: TokenCallback = (delta, context) => {
      expect(context.requestId).toBe(1);
      deltas.push(delta);
      if (deltas.length === 1) release();
    };
    const result = (await make(onToken).createMessage(
      samplingParams().messages,
      samplingParams(),
      requestContext(),
    )) as CreateMessageResultWithTools;
    expect(streamed(fake().requests[0])).toBe(true);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("the quick brown fox jumps");
    expect(result.content).toEqual({ type: "text", text: "the quick brown fox jumps" });
    expect(result.stopReason).toBe("endTurn");
    expect(result._meta).toEqual({ usage: { inputTokens: expect.any(Number), outputTokens: 5 } });
  });

  it("a request's own onToken (RequestContext) streams too, and a streamed tool call is assembled whole", async () => {
    fake().reset();
    fake().enqueue({
      text: "Checking.",
      ...(fake() === openaiFake
        ? { toolCalls: [{ id: "call_9", name: "get_weather", arguments: { city: "Paris" } }] }
        : { toolUses: [{ id: "toolu_9", name: "get_weather", input: { city: "Paris" } }] }),
    } as never);
    const deltas: string[] = [];
    const params = samplingParams({ tools: [WEATHER_TOOL] });
    const result = (await make().createMessage(params.messages, params, {
      ...requestContext(),
      onToken: (delta) => deltas.push(delta),
    })) as CreateMessageResultWithTools;
    expect(streamed(fake().requests[0])).toBe(true);
    expect(deltas.join("")).toBe("Checking.");
    expect(result.stopReason).toBe("toolUse");
    const blocks = Array.isArray(result.content) ? result.content : [result.content];
    expect(blocks).toEqual([
      { type: "text", text: "Checking." },
      { type: "tool_use", id: expect.any(String), name: "get_weather", input: { city: "Paris" } },
    ]);
  });

  it("without onToken the handler makes one plain (non-streaming) request", async () => {
    fake().reset();
    await make().createMessage(samplingParams().messages, samplingParams(), requestContext());
    expect(streamed(fake().requests[0])).toBe(false);
  });

  it("a provider error before the stream starts is the same ProviderError as without streaming", async () => {
    fake().reset();
    fake().enqueue({ error: { status: 401, message: "bad key" } } as never);
    await expect(
      make(() => {}).createMessage(samplingParams().messages, samplingParams(), requestContext()),
    ).rejects.toThrow(/401.*bad key/);
  });
});
