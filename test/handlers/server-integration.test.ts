import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AnthropicSamplingHandler } from "../../src/handlers/anthropic.js";
import { OpenAISamplingHandler } from "../../src/handlers/openai.js";
import { Client, FastMCP, type SamplingHandler } from "../../src/index.js";
import { type FakeAnthropic, startFakeAnthropic } from "../fakes/anthropic-server.js";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/openai-server.js";

let openaiFake: FakeOpenAI;
let anthropicFake: FakeAnthropic;

beforeAll(async () => {
  [openaiFake, anthropicFake] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
});
afterAll(() => Promise.all([openaiFake.close(), anthropicFake.close()]));

/** A server whose `ask` tool samples through `samplingHandler`, and an in-memory client without an LLM. */
async function connect(samplingHandler: SamplingHandler, exposeProviderErrors?: boolean) {
  const server = new FastMCP({
    name: "provider-backed",
    samplingHandler,
    samplingHandlerBehavior: "always",
    ...(exposeProviderErrors !== undefined && { exposeProviderErrors }),
  });
  server.tool({
    name: "ask",
    parameters: z.object({ question: z.string() }),
    execute: async ({ question }, ctx) => {
      const result = await ctx.sample(question, { systemPrompt: "Be brief.", maxTokens: 50 });
      return `${result.text} [${result.model}, ${result.via}, ${JSON.stringify(result.meta?.usage)}]`;
    },
  });
  const client = new Client(server);
  await client.connect();
  return { client, server };
}

describe.each([
  {
    name: "OpenAI",
    fake: () => openaiFake,
    handler: () =>
      new OpenAISamplingHandler({
        defaultModel: "llama3.2:3b",
        client: new OpenAI({ baseURL: openaiFake.url, apiKey: "k", maxRetries: 0 }),
      }),
  },
  {
    name: "Anthropic",
    fake: () => anthropicFake,
    handler: () =>
      new AnthropicSamplingHandler({
        defaultModel: "claude-haiku-5-5",
        client: new Anthropic({ baseURL: anthropicFake.url, apiKey: "k", maxRetries: 0 }),
      }),
  },
])("$name handler as a FastMCP server's samplingHandler", ({ fake, handler }) => {
  it("answers ctx.sample with the provider's reply, model and usage", async () => {
    fake().reset();
    const { client, server } = await connect(handler());
    try {
      const result = await client.callTool("ask", { question: "Why is the sky blue?" });
      const model = fake().requests[0].model;
      // The fakes count words as tokens: 6 in the answer; the prompt count depends on where the system prompt goes.
      expect(result.text).toMatch(
        /^echo: Why is the sky blue\? \[(.+), server, \{"inputTokens":\d+,"outputTokens":6\}\]$/,
      );
      expect(result.text).toContain(`[${model},`);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("a provider error reaches the tool's caller as status only by default, with the provider's message when the server opts in", async () => {
    fake().reset();
    fake().enqueue({ error: { status: 401, message: "Invalid API key provided" } });
    const masked = await connect(handler());
    try {
      const error = await masked.client.callTool("ask", { question: "hi" }).catch((e: Error) => e);
      expect((error as Error).message).toMatch(/^The server's LLM failed: .*401/);
      expect((error as Error).message).not.toContain("Invalid API key provided");
    } finally {
      await masked.client.close();
      await masked.server.close();
    }
    fake().enqueue({ error: { status: 401, message: "Invalid API key provided" } });
    const { client, server } = await connect(handler(), true);
    try {
      await expect(client.callTool("ask", { question: "hi" })).rejects.toThrow(
        /401.*Invalid API key provided/,
      );
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("cancelling the tool call aborts the provider's HTTP request", async () => {
    fake().reset();
    fake().enqueue({ hang: true });
    const before = fake().abandoned;
    const { client, server } = await connect(handler());
    try {
      const controller = new AbortController();
      const pending = client.callTool("ask", { question: "hi" }, { signal: controller.signal });
      pending.catch(() => {});
      await fake().waitForRequests(1);
      controller.abort();
      await expect(pending).rejects.toThrow();
      await fake().waitForAbandoned(before + 1);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
