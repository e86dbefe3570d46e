import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FastMCPError } from "../../src/errors.js";
import { AISDKSamplingHandler } from "../../src/handlers/ai-sdk.js";
import { AnthropicSamplingHandler } from "../../src/handlers/anthropic.js";
import { OpenAISamplingHandler } from "../../src/handlers/openai.js";
import { ProviderError } from "../../src/handlers/shared.js";
import { runSamplingHandler } from "../../src/sampling/handler.js";
import type { SamplingHandlerObject } from "../../src/sampling/types.js";
import { type FakeAnthropic, startFakeAnthropic } from "../fakes/anthropic-server.js";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/openai-server.js";
import { requestContext, samplingParams } from "../helpers/sampling-inputs.js";

let openaiFake: FakeOpenAI;
let anthropicFake: FakeAnthropic;

beforeAll(async () => {
  [openaiFake, anthropicFake] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
});
afterAll(() => Promise.all([openaiFake.close(), anthropicFake.close()]));
afterEach(() => {
  openaiFake.reset();
  anthropicFake.reset();
});

/** One handler kind, the fake it talks to, and how its provider errors read. */
interface Subject {
  name: string;
  fake: () => FakeOpenAI | FakeAnthropic;
  make: (options?: { maxRetries?: number; timeout?: number }) => SamplingHandlerObject;
  label: string;
}

const subjects: Subject[] = [
  {
    name: "OpenAI",
    fake: () => openaiFake,
    make: (o = {}) =>
      new OpenAISamplingHandler({
        defaultModel: "gpt-4o-mini",
        client: new OpenAI({
          baseURL: openaiFake.url,
          apiKey: "sk-test",
          maxRetries: o.maxRetries ?? 0,
          timeout: o.timeout,
        }),
      }),
    label: "OpenAI API error",
  },
  {
    name: "Anthropic",
    fake: () => anthropicFake,
    make: (o = {}) =>
      new AnthropicSamplingHandler({
        defaultModel: "claude-haiku-5-5",
        client: new Anthropic({
          baseURL: anthropicFake.url,
          apiKey: "sk-ant",
          maxRetries: o.maxRetries ?? 0,
          timeout: o.timeout,
        }),
      }),
    label: "Anthropic API error",
  },
  {
    name: "AI SDK",
    fake: () => openaiFake,
    make: (o = {}) =>
      new AISDKSamplingHandler({
        model: createOpenAICompatible({ name: "fake", baseURL: openaiFake.url, apiKey: "k" }).chatModel("m"),
        ...(o.maxRetries !== undefined ? { maxRetries: o.maxRetries } : {}),
      }),
    label: "AI SDK (fake.chat) API error",
  },
];

/** One request through the core's normaliser, as the server would make it. */
function call(handler: SamplingHandlerObject, signal?: AbortSignal) {
  return runSamplingHandler(handler, samplingParams(), requestContext(signal));
}

describe.each(subjects)("$name handler: provider errors and cancellation", (subject) => {
  it.each([400, 401, 429, 500])(
    "a %i with the provider's error body reaches the caller with its message",
    async (status) => {
      subject.fake().enqueue({ error: { status, message: `provider says no (${status})` } });
      const error = await call(subject.make()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      const providerError = error as ProviderError;
      expect(providerError.message).toContain(`${subject.label} ${status}`);
      expect(providerError.message).toContain(`provider says no (${status})`);
      expect(providerError.status).toBe(status);
      expect(providerError.cause).toBeDefined();
      expect(subject.fake().requests).toHaveLength(1); // maxRetries 0: no silent retries
    },
  );

  it("aborting the signal rejects promptly and closes the HTTP request", async () => {
    subject.fake().enqueue({ hang: true });
    const abandonedBefore = subject.fake().abandoned;
    const controller = new AbortController();
    const pending = call(subject.make(), controller.signal);
    pending.catch(() => {}); // observed below
    await subject.fake().waitForRequests(1);
    controller.abort();
    // The abort reason itself, not a provider error: the caller sees a cancellation. The fake never
    // answers a hanging request, so the rejection can only come from the abort.
    await expect(pending).rejects.toBe(controller.signal.reason);
    await subject.fake().waitForAbandoned(abandonedBefore + 1);
  });

  it("a timeout abort (the core's timeoutMs) rejects with the timeout reason", async () => {
    subject.fake().enqueue({ hang: true });
    const controller = new AbortController();
    const pending = call(subject.make(), controller.signal);
    pending.catch(() => {});
    await subject.fake().waitForRequests(1);
    const reason = new FastMCPError("TIMEOUT", "Sampling timed out after 50 ms");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it("an already-aborted signal sends nothing", async () => {
    const controller = new AbortController();
    controller.abort(new FastMCPError("CANCELLED", "cancelled by the client"));
    await expect(call(subject.make(), controller.signal)).rejects.toMatchObject({ code: "CANCELLED" });
    expect(subject.fake().requests).toHaveLength(0);
  });

  it("respects retries the user asked for", async () => {
    const fake = subject.fake();
    // retry-after-ms keeps the SDKs' backoff short.
    const fail = {
      raw: { status: 500, headers: { "retry-after-ms": "1" }, body: { error: { message: "flaky" } } },
    };
    fake.enqueue(fail, fail);
    const result = await call(subject.make({ maxRetries: 2 }));
    expect(fake.requests).toHaveLength(3);
    expect(result.content).toEqual({ type: "text", text: "echo: hello" });
  });
});

describe("SDK client timeouts", () => {
  it.each(subjects.slice(0, 2))("$name: a client timeout reads as a timed-out request", async (subject) => {
    subject.fake().enqueue({ hang: true });
    const error = await call(subject.make({ timeout: 150 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(new RegExp(`${subject.name} request timed out`));
  });

  it("OpenAI: an unreachable server reads as a failed request", async () => {
    const handler = new OpenAISamplingHandler({
      defaultModel: "m",
      client: new OpenAI({ baseURL: "http://127.0.0.1:9/v1", apiKey: "k", maxRetries: 0 }),
    });
    await expect(call(handler)).rejects.toThrow(/OpenAI request failed: Connection error/);
  });
});

describe("clients made from the environment", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it("OpenAI: OPENAI_BASE_URL / OPENAI_API_KEY, no retries", async () => {
    process.env.OPENAI_BASE_URL = openaiFake.url;
    process.env.OPENAI_API_KEY = "sk-from-env";
    const handler = new OpenAISamplingHandler({ defaultModel: "gpt-4o-mini" });
    expect((await call(handler)).content).toEqual({ type: "text", text: "echo: hello" });
    expect(openaiFake.calls.at(-1)?.headers.authorization).toBe("Bearer sk-from-env");
    openaiFake.enqueue({ error: { status: 503, message: "overloaded" } });
    await expect(call(handler)).rejects.toThrow(/OpenAI API error 503.*overloaded/);
    expect(openaiFake.requests).toHaveLength(2);
  });

  it("OpenAI: a missing key is a clear configuration error", async () => {
    delete process.env.OPENAI_API_KEY;
    const handler = new OpenAISamplingHandler({ defaultModel: "gpt-4o-mini" });
    await expect(call(handler)).rejects.toMatchObject({
      code: "CONFIG",
      message: expect.stringMatching(/OPENAI_API_KEY/),
    });
  });

  it("Anthropic: ANTHROPIC_BASE_URL / ANTHROPIC_API_KEY, no retries", async () => {
    process.env.ANTHROPIC_BASE_URL = anthropicFake.url;
    process.env.ANTHROPIC_API_KEY = "sk-ant-from-env";
    const handler = new AnthropicSamplingHandler({ defaultModel: "claude-haiku-5-5" });
    expect((await call(handler)).content).toEqual({ type: "text", text: "echo: hello" });
    const headers = anthropicFake.calls.at(-1)?.headers ?? {};
    expect(`${headers.authorization ?? ""} ${headers["x-api-key"] ?? ""}`).toContain("sk-ant-from-env");
    anthropicFake.enqueue({ error: { status: 529, message: "Overloaded" } });
    await expect(call(handler)).rejects.toThrow(/Anthropic API error 529 \(overloaded_error\): Overloaded/);
    expect(anthropicFake.requests).toHaveLength(2);
  });

  it("constructors refuse a missing default model", () => {
    expect(() => new OpenAISamplingHandler({ defaultModel: "" })).toThrow(/defaultModel/);
    expect(() => new AnthropicSamplingHandler({ defaultModel: "" })).toThrow(/defaultModel/);
    expect(() => new AISDKSamplingHandler({} as never)).toThrow(/needs a model/);
  });
});
