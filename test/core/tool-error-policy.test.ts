// One error policy: a server tool's error result (read by the MCP client) and a sampling tool's
// tool_result (read by the LLM) say the same thing for the same failure, masked by the same rule.
import { describe, expect, it } from "vitest";
import { toolErrorText } from "../../src/error-policy.js";
import {
  Client,
  ErrorCode,
  FastMCP,
  FastMCPError,
  ProviderError,
  type SamplingHandler,
  ToolError,
} from "../../src/index.js";

const FAILURES: Record<string, () => Error> = {
  plain: () => new Error("db password hunter2 rejected"),
  ours: () => new FastMCPError("TIMEOUT", "Sampling timed out after 300 ms"),
  tool: () => new ToolError("The widget is out of stock"),
  provider: () =>
    new ProviderError("OpenAI", "OpenAI API error 401 (invalid_api_key): key sk-… for acct_42", {
      status: 401,
      errorType: "invalid_api_key",
    }),
};

/** Answers with a tool_use of `direct` first, then with the text of the tool_result it got back. */
const llm: SamplingHandler = (messages) => {
  const last = messages.at(-1)!;
  const blocks = Array.isArray(last.content) ? last.content : [last.content];
  const result = blocks.find((block) => block.type === "tool_result");
  if (result === undefined) {
    return {
      role: "assistant",
      content: [{ type: "tool_use", id: "call-1", name: "direct", input: {} }],
      model: "fake",
      stopReason: "toolUse",
    };
  }
  const text = result.content.map((block) => (block.type === "text" ? block.text : "")).join("");
  return { role: "assistant", content: { type: "text", text }, model: "fake", stopReason: "endTurn" };
};

function serverWith(options: { maskErrorDetails?: boolean; exposeProviderErrors?: boolean }) {
  const server = new FastMCP({ name: "policy", ...options });
  server.tool({
    name: "direct",
    execute: (args: { kind?: string }) => {
      throw FAILURES[args.kind ?? "plain"]!();
    },
  });
  server.tool({
    name: "looped",
    execute: async (args: { kind?: string }, ctx) => {
      // Named as the server tool, so the two texts can be compared whole.
      const failing = {
        name: "direct",
        execute: () => {
          throw FAILURES[args.kind ?? "plain"]!();
        },
      };
      return (await ctx.sample("go", { tools: [failing] })).text;
    },
  });
  return server;
}

describe.each(["2025", "2026"] as const)("tool errors and sampling-tool errors agree (%s)", (era) => {
  const settings = [
    { maskErrorDetails: false },
    { maskErrorDetails: true },
    { maskErrorDetails: true, exposeProviderErrors: true },
  ];
  it.each(settings)("with %o", async (options) => {
    const server = serverWith(options);
    const client = new Client(server, {
      protocol: era,
      samplingHandler: llm,
      samplingCapabilities: { tools: true },
    });
    await client.connect();
    try {
      for (const kind of Object.keys(FAILURES)) {
        const direct = await client.callTool("direct", { kind }).catch((error: unknown) => error);
        expect(direct).toBeInstanceOf(ToolError);
        const looped = await client.callTool("looped", { kind });
        expect(looped.text, kind).toBe((direct as ToolError).message);
        expect((direct as ToolError).message, kind).toBe(toolErrorText(FAILURES[kind]!(), "direct", options));
      }
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe("toolErrorText", () => {
  const masked = { maskErrorDetails: true };
  it("masks what is not ours, never a ToolError or a FastMCPError", () => {
    expect(toolErrorText(FAILURES.plain!(), "t", masked)).toBe("Error calling tool 't'");
    expect(toolErrorText(FAILURES.plain!(), "t", { maskErrorDetails: false })).toBe(
      "db password hunter2 rejected",
    );
    expect(toolErrorText(FAILURES.tool!(), "t", masked)).toBe("The widget is out of stock");
    expect(toolErrorText(FAILURES.ours!(), "t", masked)).toBe("Sampling timed out after 300 ms");
  });

  it("summarises a provider's failure unless told to expose it, masked or not", () => {
    for (const maskErrorDetails of [false, true]) {
      const text = toolErrorText(FAILURES.provider!(), "t", { maskErrorDetails });
      expect(text).toBe(
        "The server's LLM failed: OpenAI API error 401 (invalid_api_key) (details withheld; exposeProviderErrors shows them)",
      );
      expect(text).not.toContain("acct_42");
    }
    expect(toolErrorText(FAILURES.provider!(), "t", { ...masked, exposeProviderErrors: true })).toContain(
      "acct_42",
    );
  });
});

describe("ProviderError", () => {
  it("is a FastMCPError with code PROVIDER", () => {
    const error = FAILURES.provider!();
    expect(error).toBeInstanceOf(FastMCPError);
    expect(FastMCPError.isInstance(error)).toBe(true);
    expect((error as ProviderError).code).toBe(ErrorCode.PROVIDER);
    expect(error.name).toBe("ProviderError");
    expect(new FastMCPError("TIMEOUT", "x")).not.toBeInstanceOf(ProviderError);
  });

  it("is recognised across duplicate copies of the module, by brand", async () => {
    // A second evaluation of the same file: what a handler subpath's bundled copy amounts to.
    const duplicate = "../../src/errors.js?duplicate";
    const copy = (await import(duplicate)) as typeof import("../../src/errors.js");
    expect(copy.ProviderError).not.toBe(ProviderError);
    const foreign = new copy.ProviderError("Anthropic", "overloaded", { status: 529 });
    expect(foreign).toBeInstanceOf(ProviderError);
    expect(foreign).toBeInstanceOf(FastMCPError);
    expect(ProviderError.isInstance(foreign)).toBe(true);
    expect(new copy.ToolError("x")).toBeInstanceOf(ToolError);
    expect(new copy.FastMCPError("TIMEOUT", "x")).not.toBeInstanceOf(ProviderError);
    expect(new copy.FastMCPError("TIMEOUT", "x")).toBeInstanceOf(FastMCPError);
    // A user's subclass without a brand of its own still means its own instances only.
    class AppError extends FastMCPError {}
    expect(new AppError("CONFIG", "x")).toBeInstanceOf(AppError);
    expect(foreign).not.toBeInstanceOf(AppError);
  });
});
