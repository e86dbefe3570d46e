// Python FastMCP's tests/client/test_sampling.py (https://github.com/PrefectHQ/fastmcp/tree/v3.4.7,
// the last release with server-side sampling), translated, plus what it leaves untested: "always"
// without a handler, options reaching the client, a failing client handler (who answers:
// sampling-dispatch.test.ts). One body per transport × era.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  Client,
  FastMCP,
  type RequestContext,
  type SamplingHandler,
  type SamplingHandlerResult,
  type SamplingMessage,
  type SamplingParams,
  type SamplingResult,
  ToolError,
} from "../../src/index.js";
import { toSamplingResult } from "../../src/sampling/sample.js";
import { type Connected, cells, connect } from "../helpers/matrix.js";

interface Seen {
  messages: SamplingMessage[];
  params: SamplingParams;
  context: RequestContext;
}

const text = (value: string) => ({
  role: "assistant" as const,
  content: { type: "text" as const, text: value },
});

describe("FastMCP and Client configuration", () => {
  it('samplingHandlerBehavior "always" without a handler throws at once', () => {
    expect(() => new FastMCP({ name: "x", samplingHandlerBehavior: "always" })).toThrow(
      'samplingHandlerBehavior is "always" but no samplingHandler was given.',
    );
    expect(
      () => new FastMCP({ name: "x", samplingHandlerBehavior: "always", samplingHandler: () => "ok" }),
    ).not.toThrow();
  });

  it("rejects an unknown behavior and handlers that are neither a function nor have createMessage", () => {
    expect(() => new FastMCP({ name: "x", samplingHandlerBehavior: "sometimes" as "always" })).toThrow(
      /"fallback" or "always"/,
    );
    expect(() => new FastMCP({ name: "x", samplingHandler: {} as SamplingHandler })).toThrow(/createMessage/);
    expect(
      () =>
        new Client(new FastMCP({ name: "x" }), { samplingHandler: "gpt-4o" as unknown as SamplingHandler }),
    ).toThrow(/createMessage/);
  });
});

describe("SamplingResult from a multi-block answer", () => {
  // The wire allows array content only in answers to requests that offered tools, so no transport
  // carries this shape without tools; the shaping itself is checked here.
  it("joins every text block with newlines and keeps all blocks", () => {
    const content = [
      { type: "text" as const, text: "first" },
      { type: "image" as const, data: "YWJj", mimeType: "image/png" },
      { type: "text" as const, text: "second" },
    ];
    const result = toSamplingResult(
      { role: "assistant", content, model: "m", stopReason: "endTurn" },
      [],
      "server",
    );
    expect(result.text).toBe("first\nsecond");
    expect(result.result).toBe("first\nsecond");
    expect(result.content).toEqual(content);
    expect(result.history).toEqual([{ role: "assistant", content }]);
    expect(result.via).toBe("server");
  });
});

describe.each(cells({ transports: ["memory", "stdio"] }))("sampling on $transport × $era", (cell) => {
  // One connection per cell whose handler each test scripts, so stdio cells spawn few processes.
  let conn: Connected;
  let seen: Seen[] = [];
  let respond: (messages: SamplingMessage[], params: SamplingParams) => unknown = () => "unset";
  const handler: SamplingHandler = (messages, params, context) => {
    seen.push({ messages, params, context });
    return respond(messages, params) as SamplingHandlerResult;
  };

  beforeAll(async () => {
    conn = await connect(cell, "core-sampling", {}, { samplingHandler: handler });
  });
  afterAll(() => conn?.close());
  beforeEach(() => {
    seen = [];
    respond = () => "unset";
  });

  const sampleTool = async (messages: unknown, options: Record<string, unknown> = {}) => {
    const result = await conn.client.callTool("sample", { messages, options });
    return (result.structuredContent as { sampled: SamplingResult }).sampled;
  };

  describe("tests/client/test_sampling.py", () => {
    it("simple sampling: the handler's string is ctx.sample's text", async () => {
      respond = () => "This is the sample message!";
      expect((await conn.client.callTool("simple_sample")).text).toBe("This is the sample message!");
      expect(seen).toHaveLength(1);
      expect(seen[0]!.messages).toEqual([{ role: "user", content: { type: "text", text: "Hello, world!" } }]);
    });

    it("the system prompt reaches the handler", async () => {
      respond = (_messages, params) => `system: ${params.systemPrompt}`;
      expect((await conn.client.callTool("sample_with_system_prompt")).text).toBe("system: You love FastMCP");
      expect(seen[0]!.params.systemPrompt).toBe("You love FastMCP");
    });

    it("a message list: strings become user text, SamplingMessages pass through", async () => {
      respond = (messages) => `${messages.length} messages`;
      expect((await conn.client.callTool("sample_with_messages")).text).toBe("2 messages");
      expect(seen[0]!.messages).toEqual([
        { role: "user", content: { type: "text", text: "Hello!" } },
        { role: "assistant", content: { type: "text", text: "How can I assist you today?" } },
      ]);
      // The handler's first argument is the request's message list.
      expect(seen[0]!.params.messages).toEqual(seen[0]!.messages);
    });

    it("image content reaches the handler exactly", async () => {
      respond = () => "an image of abc123";
      expect((await conn.client.callTool("sample_with_image")).text).toBe("an image of abc123");
      expect(seen[0]!.messages).toEqual([
        { role: "user", content: { type: "text", text: "What's in this image?" } },
        { role: "user", content: { type: "image", data: "YWJjMTIz", mimeType: "image/png" } },
      ]);
      expect(Buffer.from((seen[0]!.messages[1]!.content as { data: string }).data, "base64").toString()).toBe(
        "abc123",
      );
    });

    it("default sampling capabilities omit tools", async () => {
      const { capabilities } = (await conn.client.callTool("client_capabilities")).structuredContent as {
        capabilities: { sampling?: Record<string, unknown> };
      };
      expect(capabilities.sampling).toEqual({});
    });
  });

  describe("ctx.sample options reach the client's handler", () => {
    it("every option arrives in params, maxTokens defaulting to 512", async () => {
      respond = () => "ok";
      await sampleTool("plain");
      expect(seen[0]!.params).toEqual({
        messages: [{ role: "user", content: { type: "text", text: "plain" } }],
        maxTokens: 512,
      });

      await sampleTool(["one", "two"], {
        systemPrompt: "Be brief",
        temperature: 0.25,
        maxTokens: 77,
        modelPreferences: { hints: [{ name: "claude" }], intelligencePriority: 0.9, speedPriority: 0.1 },
        includeContext: "thisServer",
        stopSequences: ["STOP", "\n\n"],
        metadata: { trace: "abc", nested: { n: 1 } },
      });
      expect(seen[1]!.params).toEqual({
        messages: [
          { role: "user", content: { type: "text", text: "one" } },
          { role: "user", content: { type: "text", text: "two" } },
        ],
        systemPrompt: "Be brief",
        temperature: 0.25,
        maxTokens: 77,
        modelPreferences: { hints: [{ name: "claude" }], intelligencePriority: 0.9, speedPriority: 0.1 },
        includeContext: "thisServer",
        stopSequences: ["STOP", "\n\n"],
        metadata: { trace: "abc", nested: { n: 1 } },
      });
    });

    it("model preferences: a string is one hint, a list is hints in order", async () => {
      respond = () => "ok";
      await sampleTool("a", { modelPreferences: "gpt-4o" });
      await sampleTool("b", { modelPreferences: ["claude-sonnet", "gpt-4o", "gemini"] });
      expect(seen[0]!.params.modelPreferences).toEqual({ hints: [{ name: "gpt-4o" }] });
      expect(seen[1]!.params.modelPreferences).toEqual({
        hints: [{ name: "claude-sonnet" }, { name: "gpt-4o" }, { name: "gemini" }],
      });
    });

    it("invalid model preferences fail the tool with a clear error, before any request", async () => {
      respond = () => "never";
      const numeric = await sampleTool("a", { modelPreferences: 123 }).catch((e: unknown) => e);
      expect(numeric).toBeInstanceOf(ToolError);
      expect((numeric as ToolError).message).toBe(
        "modelPreferences must be a string, a list of strings, or a ModelPreferences object.",
      );
      const mixed = await sampleTool("a", { modelPreferences: ["ok", 5] }).catch((e: unknown) => e);
      expect(mixed).toBeInstanceOf(ToolError);
      expect((mixed as ToolError).message).toBe("All elements of modelPreferences list must be strings.");
      expect(seen).toHaveLength(0);
    });

    it("the handler's context has the request id and an abort signal", async () => {
      respond = () => "ok";
      await conn.client.callTool("simple_sample");
      const { context } = seen[0]!;
      expect(["string", "number"]).toContain(typeof context.requestId);
      expect(context.signal).toBeInstanceOf(AbortSignal);
      expect(context.signal.aborted).toBe(false);
      expect(context.side).toBe("client");
      expect(context.serverName).toBe("core-sampling");
    });
  });

  it("aborting callTool aborts the handler's context.signal", async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let sawAbort!: () => void;
    const handlerAborted = new Promise<boolean>((resolve) => {
      sawAbort = () => resolve(true);
    });
    // A handler that never answers on its own: only an abort ends it.
    respond = () => {
      seen.at(-1)!.context.signal.addEventListener("abort", sawAbort);
      started();
      return new Promise<string>(() => undefined);
    };
    const controller = new AbortController();
    const call = conn.client
      .callTool("simple_sample", {}, { signal: controller.signal })
      .catch((e: unknown) => e);
    await running;
    controller.abort(new Error("user pressed stop"));
    expect(await call).toBeInstanceOf(Error);
    const gaveUp = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000));
    expect(await Promise.race([handlerAborted, gaveUp])).toBe(true);
    respond = () => "after the abort";
    expect((await conn.client.callTool("simple_sample")).text).toBe("after the abort");
  });

  describe("SamplingResult", () => {
    it("joins all text blocks and keeps content, model, stopReason, history and via", async () => {
      respond = () => ({
        role: "assistant",
        content: { type: "text", text: "only block" },
        model: "test-model-1",
        stopReason: "maxTokens",
      });
      const single = await sampleTool([
        "q1",
        { role: "assistant", content: { type: "text", text: "a1" } },
        "q2",
      ]);
      expect(single).toEqual({
        text: "only block",
        result: "only block",
        content: [{ type: "text", text: "only block" }],
        model: "test-model-1",
        stopReason: "maxTokens",
        via: "client",
        history: [
          { role: "user", content: { type: "text", text: "q1" } },
          { role: "assistant", content: { type: "text", text: "a1" } },
          { role: "user", content: { type: "text", text: "q2" } },
          { role: "assistant", content: { type: "text", text: "only block" } },
        ],
      });
    });

    it("a string answer becomes a result with stopReason endTurn", async () => {
      respond = () => "just a string";
      const result = await sampleTool("hi");
      expect(result.text).toBe("just a string");
      expect(result.stopReason).toBe("endTurn");
      expect(result.content).toEqual([{ type: "text", text: "just a string" }]);
      expect(typeof result.model).toBe("string");
      expect(result.via).toBe("client");
    });

    it("a non-text answer keeps its block and has empty text", async () => {
      respond = () => ({
        role: "assistant",
        content: { type: "image", data: "YWJjMTIz", mimeType: "image/png" },
        model: "painter",
      });
      const result = await sampleTool("draw");
      expect(result.text).toBe("");
      expect(result.content).toEqual([{ type: "image", data: "YWJjMTIz", mimeType: "image/png" }]);
      expect(result.stopReason).toBeUndefined();
    });

    it("a SamplingResult returned by a tool becomes its content", async () => {
      respond = () => ({ ...text("returned as is"), model: "m" });
      const result = await conn.client.callTool("sample_returned");
      expect(result.content).toEqual([{ type: "text", text: "returned as is" }]);
      expect(result.text).toBe("returned as is");
    });
  });

  describe("a client handler that fails", () => {
    it("a thrown error's message reaches the caller; the connection stays usable", async () => {
      respond = () => {
        throw new Error("The user declined this request");
      };
      const error = await conn.client.callTool("simple_sample").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain("The user declined this request");
      if (cell.era === "2025") {
        // 2025: the error travels back to the server, rejects ctx.sample, and becomes the tool error.
        expect(error).toBeInstanceOf(ToolError);
        expect((error as ToolError).message).toBe("The user declined this request");
      }
      respond = () => "fine again";
      expect((await conn.client.callTool("simple_sample")).text).toBe("fine again");
    });

    it.each([
      ["a number", 42],
      ["null", null],
      ["an unknown content type", { role: "assistant", content: { type: "bogus" }, model: "m" }],
      ["a result without a model", { role: "assistant", content: { type: "text", text: "hi" } }],
      [
        "an array of blocks without tools",
        { role: "assistant", content: [{ type: "text", text: "hi" }], model: "m" },
      ],
    ])("an answer that is not a result (%s) is a clear error; the next call works", async (_name, value) => {
      respond = () => value;
      const error = await conn.client.callTool("simple_sample").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain("Sampling handler returned an invalid result");
      // 2025: the tool's ctx.sample rejects with it, so it is the tool's error result.
      if (cell.era === "2025") expect(error).toBeInstanceOf(ToolError);
      respond = () => "recovered";
      expect((await conn.client.callTool("simple_sample")).text).toBe("recovered");
    });
  });
});
