// Python FastMCP's tool-loop and typed-result tests (tests/client/test_sampling_tool_loop.py and
// test_sampling_result_types.py in https://github.com/PrefectHQ/fastmcp/tree/v3.4.7) and what they
// leave untested (masking, the iteration cap, primitive result types), translated. Every body runs over
// memory + stdio × 2025 + 2026, and twice: answered by a real client's handler (our Client with
// sampling.tools; on 2026 each LLM step is an input_required round) and by the server's fallback
// handler (client without sampling). The scripted LLM lives in test/fixtures/tools-script.ts and
// checks every request it gets, so a malformed request fails here with the reason.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type SamplingMessage, ToolError } from "../../src/index.js";
import { createScriptedHandler } from "../fixtures/tools-script.js";
import { type Cell, type Connected, cells, connect } from "../helpers/matrix.js";

type Mode = "client" | "fallback";
interface Report {
  outcome: {
    text: string;
    result: unknown;
    history: SamplingMessage[];
    via: string;
    model: string;
    stopReason?: string;
    content: unknown[];
    [key: string]: unknown;
  };
  executions: Record<string, number>;
  log: string[];
  maxRunning: number;
}

const matrix = cells({ transports: ["memory", "stdio", "http"] }).flatMap((cell) =>
  (["client", "fallback"] as Mode[]).map((mode) => ({ ...cell, mode })),
);

const blocksOf = (message: SamplingMessage | undefined) =>
  message === undefined ? [] : Array.isArray(message.content) ? message.content : [message.content];
const roles = (history: SamplingMessage[]) => history.map((message) => message.role).join(",");

describe.each(matrix)("ctx.sample with tools on $transport × $era via $mode", ({ mode, ...cell }) => {
  let conn: Connected;
  let clientCalls = 0;

  beforeAll(async () => {
    conn =
      mode === "client"
        ? await connect(
            cell as Cell,
            "tools-loop",
            {},
            {
              samplingHandler: createScriptedHandler(() => clientCalls++),
              samplingCapabilities: { tools: true },
              maxInputRounds: 50,
            },
          )
        : await connect(cell as Cell, "tools-loop", { fallback: true });
  });
  afterAll(() => conn?.close());
  beforeEach(() => {
    clientCalls = 0;
  });

  const run = async (scenario: string): Promise<Report> => {
    const result = await conn.client.callTool("run", { scenario });
    return (result.structuredContent as { report: Report }).report;
  };
  const fail = (scenario: string) =>
    conn.client.callTool("run", { scenario }).then(
      () => {
        throw new Error(`scenario ${scenario} should have failed`);
      },
      (error: unknown) => error as Error,
    );
  /** LLM calls of the last `run`, counted where the handler lives. */
  const llmCalls = async () => {
    if (mode === "client") return clientCalls;
    const stats = await conn.client.callTool("stats");
    return (stats.structuredContent as { handlerCalls: number }).handlerCalls;
  };
  const via = mode === "client" ? "client" : "server";

  describe("test_sampling_tool_loop.py", () => {
    it("executes a tool and returns the final text (2 LLM calls)", async () => {
      const { outcome, executions } = await run("weather");
      expect(outcome.text).toBe("final: Sunny in Seattle");
      expect(outcome.result).toBe("final: Sunny in Seattle");
      expect(outcome.via).toBe(via);
      expect(executions).toEqual({ get_weather: 1 }); // once per call, also across 2026 rounds
      expect(await llmCalls()).toBe(2);
      // history: prompt, tool_use turn, ONE user turn with the tool result, final answer
      expect(roles(outcome.history)).toBe("user,assistant,user,assistant");
      expect(blocksOf(outcome.history[2])).toEqual([
        { type: "tool_result", toolUseId: "t0_0", content: [{ type: "text", text: "Sunny in Seattle" }] },
      ]);
    });

    it("runs several tool calls of one turn, in order, answered in one user turn", async () => {
      const { outcome, log, executions } = await run("multi");
      expect(log).toEqual(["tool_a(5)", "tool_b(3)"]);
      expect(executions).toEqual({ tool_a: 1, tool_b: 1 });
      const results = blocksOf(outcome.history[2]);
      expect(results.map((block) => (block as { toolUseId: string }).toolUseId)).toEqual(["t0_0", "t0_1"]);
      // non-string results are JSON, not a language-specific repr
      expect((results[0] as { content: unknown }).content).toEqual([{ type: "text", text: '{"x":5}' }]);
    });

    it("answers an unknown tool with an error result and carries on", async () => {
      const { outcome } = await run("unknown");
      const [result] = JSON.parse(outcome.text) as Array<{ text: string; isError: boolean }>;
      expect(result!.isError).toBe(true);
      expect(result!.text).toContain("Unknown tool 'nope'");
    });

    it("answers a throwing tool with its message, as a server tool error reads (unmasked by default); ToolError passes as is", async () => {
      const { outcome, executions } = await run("errors");
      expect(JSON.parse(outcome.text)).toEqual([
        { id: "t0_0", text: "kaboom", isError: true },
        { id: "t0_1", text: "not allowed: refused", isError: true },
      ]);
      expect(executions).toEqual({ explode: 1, refuse: 1 }); // a failing tool is not re-run on later rounds
    });

    it("masks error details on request, but never a ToolError", async () => {
      const { outcome } = await run("errors-masked");
      expect(JSON.parse(outcome.text)).toEqual([
        { id: "t0_0", text: "Error calling tool 'explode'", isError: true },
        { id: "t0_1", text: "not allowed: refused", isError: true },
      ]);
    });

    it("validates arguments with the tool's schema; the error names the field", async () => {
      const { outcome, executions } = await run("bad-args");
      const [result] = JSON.parse(outcome.text) as Array<{ text: string; isError: boolean }>;
      expect(result!.isError).toBe(true);
      expect(result!.text).toMatch(/^Invalid arguments for tool 'get_weather': city: /);
      expect(executions).toEqual({});
    });

    it("detects tool_use blocks whatever the stopReason says (Python FastMCP looks only at a stopReason of toolUse)", async () => {
      const { outcome, executions } = await run("tool-use-endturn");
      expect(outcome.text).toBe("final: Sunny in Oslo");
      expect(executions).toEqual({ get_weather: 1 });
    });

    it("takes a registered server tool (server.tools) as it is, with the calling Context", async () => {
      const { outcome } = await run("registered");
      expect(outcome.text).toBe(`final: value of k1 (${cell.era === "2025" ? "legacy" : "modern"})`);
    });

    it("runs tools sequentially by default", async () => {
      const { log, maxRunning } = await run("seq-default");
      expect(log).toEqual(["start:1", "end:1", "start:2", "end:2"]);
      expect(maxRunning).toBe(1);
    });

    it("toolConcurrency 0 runs a batch in parallel and keeps the results in call order", async () => {
      const { outcome, log, maxRunning, executions } = await run("par-unlimited");
      expect(maxRunning).toBe(3);
      expect(log.filter((entry) => entry.startsWith("end"))).toEqual(["end:3", "end:2", "end:1"]);
      expect(JSON.parse(outcome.text)).toEqual([
        { id: "t0_0", text: "1", isError: false },
        { id: "t0_1", text: "2", isError: false },
        { id: "t0_2", text: "3", isError: false },
      ]);
      expect(executions).toEqual({ slow: 3 });
    });

    it("toolConcurrency 2 runs at most two at once", async () => {
      const { log, maxRunning } = await run("par-bounded");
      expect(maxRunning).toBe(2);
      expect(log.slice(0, 2)).toEqual(["start:1", "start:2"]);
      expect(log.indexOf("start:3")).toBeGreaterThan(log.findIndex((entry) => entry.startsWith("end")));
    });

    it("a sequential tool in the batch forces sequential execution", async () => {
      const { log, maxRunning } = await run("par-sequential-tool");
      expect(maxRunning).toBe(1);
      expect(log).toEqual(["start:1", "end:1", "start:2", "end:2", "start:3", "end:3"]);
    });

    it("in parallel, one failure does not sink the others", async () => {
      const { outcome } = await run("par-errors");
      expect(JSON.parse(outcome.text)).toEqual([
        { id: "t0_0", text: "1", isError: false },
        { id: "t0_1", text: "kaboom", isError: true },
      ]);
    });

    it('toolChoice "required" with plain tools forces the first request only', async () => {
      const { outcome } = await run("required-then-auto");
      expect(outcome.text).toBe("done");
    });

    it("a handler's plain string answer is the final text even when tools are offered", async () => {
      const { outcome, executions } = await run("string-answer");
      expect(outcome).toMatchObject({
        text: "a plain string answer",
        model: "unknown",
        stopReason: "endTurn",
      });
      expect(executions).toEqual({});
    });

    it("stops at maxIterations with a clear error naming the bound", async () => {
      const error = await fail("iterations");
      expect(error).toBeInstanceOf(ToolError);
      expect(error.message).toContain("maxIterations (3)");
      expect(await llmCalls()).toBe(3);
    });

    it("surfaces the LLM's failure in a later step as the tool's error", async () => {
      const error = await fail("handler-throws");
      expect(error.message).toContain("LLM exploded");
    });
  });

  describe("test_sampling_result_types.py", () => {
    it("result: offers final_response (required) and returns the validated object", async () => {
      const { outcome } = await run("typed");
      expect(outcome.result).toEqual({ a: 2, b: 3, sum: 5 });
      expect(JSON.parse(outcome.text)).toEqual({ a: 2, b: 3, sum: 5 });
      expect(outcome.content).toEqual([{ type: "text", text: outcome.text }]);
      expect(await llmCalls()).toBe(1);
    });

    it("result with user tools: the tool first, then final_response", async () => {
      const { outcome, executions } = await run("typed-with-tools");
      expect(outcome.result).toEqual({ query: "mcp", hits: ["mcp one", "mcp two"] });
      expect(executions).toEqual({ search: 1 });
      expect(await llmCalls()).toBe(2);
    });

    it("an invalid final_response gets ONE error result and another try", async () => {
      const { outcome } = await run("typed-retry");
      expect(outcome.result).toBe(42);
      expect(outcome.text).toBe("42");
      // prompt, bad call, its single error result, good call — never two results for one id
      expect(roles(outcome.history)).toBe("user,assistant,user,assistant");
      expect(blocksOf(outcome.history[2])).toHaveLength(1);
    });

    it("an invalid final_response beside another tool: one user turn with both results (Python FastMCP sends two, the second one answering an id already answered)", async () => {
      const { outcome, executions } = await run("typed-retry-mixed");
      expect(outcome.result).toBe(3);
      expect(executions).toEqual({ add: 1 });
      expect(roles(outcome.history)).toBe("user,assistant,user,assistant");
    });

    it("plain text: text, result and history", async () => {
      const { outcome } = await run("plain-text-with-tools");
      expect(outcome.text).toBe("Hello world");
      expect(outcome.result).toBe("Hello world");
      expect(roles(outcome.history)).toBe("user,assistant");
      expect(await llmCalls()).toBe(1); // no retry without `result`
    });

    it("a primitive result schema is wrapped as {value} and unwrapped", async () => {
      const { outcome } = await run("primitive-list");
      expect(outcome.result).toEqual(["a", "b"]);
      expect(outcome.text).toBe('["a","b"]');
    });
  });

  describe("TestSampleStep", () => {
    it("one step with text: not tool use", async () => {
      const { outcome } = await run("step-basic");
      expect(outcome).toMatchObject({ isToolUse: false, text: "just text" });
      expect(roles(outcome.history)).toBe("user,assistant");
    });

    it("a hand-written loop over sampleStep runs the tools and ends after 2 calls", async () => {
      const { outcome, executions } = await run("step-loop");
      expect(outcome).toMatchObject({ text: "final: Sunny in Paris", steps: 2 });
      expect(roles(outcome.history)).toBe("user,assistant,user,assistant");
      expect(executions).toEqual({ get_weather: 1 });
    });

    it("executeTools: false leaves the tools to the caller", async () => {
      const { outcome, executions } = await run("step-no-exec");
      expect(outcome.isToolUse).toBe(true);
      expect(outcome.toolCalls).toEqual([
        { type: "tool_use", id: "t0_0", name: "get_weather", input: { city: "Rome" } },
      ]);
      expect(outcome.results).toEqual([]);
      expect(roles(outcome.history)).toBe("user,assistant");
      expect(executions).toEqual({});
    });
  });

  describe("TestTextResponseRetry and TestValidationRetryCap", () => {
    it("a text answer gets a nudge, then final_response (2 calls)", async () => {
      const { outcome } = await run("text-then-final");
      expect(outcome.result).toBe(42);
      expect(await llmCalls()).toBe(2);
    });

    it("text on every call fails after 3 nudges (4 calls), mentioning the attempts", async () => {
      const error = await fail("text-forever");
      expect(error).toBeInstanceOf(ToolError);
      expect(error.message).toContain("attempts");
      expect(await llmCalls()).toBe(4);
    });

    it("two invalid calls then a valid one (3 calls)", async () => {
      const { outcome } = await run("validation-within-cap");
      expect(outcome.result).toBe(99);
      expect(await llmCalls()).toBe(3);
    });

    it("fails after 3 consecutive invalid calls (4 calls), saying so", async () => {
      const error = await fail("validation-exceeds");
      expect(error.message).toContain("consecutive");
      expect(await llmCalls()).toBe(4);
    });

    it("another tool call resets the consecutive-failure counter", async () => {
      // fail ×3, add, fail ×3, success: 6 failures in all, never 4 in a row
      const { outcome, executions } = await run("validation-reset");
      expect(outcome.result).toBe(7);
      expect(executions).toEqual({ add: 1 });
      expect(await llmCalls()).toBe(8);
    });
  });

  describe("toolChoice, misuse and replay", () => {
    it('toolChoice "none" without tools is a plain sample (no tools capability needed)', async () => {
      const { outcome } = await run("choice-none-no-tools");
      expect(outcome.text).toBe("plain");
    });

    it.each([
      [
        "negative-concurrency",
        "toolConcurrency must be undefined (sequential), 0 (unlimited), or a positive integer, got -1",
      ],
      ["invalid-choice", 'Invalid toolChoice: "sometimes". Must be "auto", "required", or "none".'],
      ["required-without-tools", 'toolChoice "required" needs at least one tool'],
      ["duplicate-names", "two tools are named 'tick'"],
      ["reserved-name", "'final_response' is reserved"],
      ["none-with-result", 'toolChoice "none" cannot be combined with `result`'],
      ["zero-iterations", "maxIterations must be a positive integer, got 0"],
      ["string-parameters", "Sampling tool 's': parameters must describe an object"],
      ["step-invalid-choice", 'Invalid toolChoice: "always"'],
      ["step-negative-concurrency", "got -2"],
      ["unanswered-tool-use", "every tool_use must be followed by a user message with its tool_result"],
      ["dangling-tool-use", "ends with a tool_use that has no tool_result"],
      ["mismatched-result", "do not match the tool_use ids"],
    ])("refuses %s up front, before any request", async (name, message) => {
      const error = await conn.client.callTool("misuse", { case: name }).catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(ToolError);
      expect((error as Error).message).toContain(message);
      expect(await llmCalls()).toBe(0);
    });

    it("a 12-step loop runs each tool once", async () => {
      const { outcome, executions } = await run("chain-12");
      expect(outcome.text).toBe("ticks: 11");
      expect(executions).toEqual({ tick: 11 });
      expect(await llmCalls()).toBe(12);
    });

    it("nested sampling inside a sampling tool works on 2025 and fails clearly on 2026", async () => {
      if (cell.era === "2025") {
        expect((await run("nested")).outcome.text).toBe("final: inner: nested question");
      } else {
        expect((await fail("nested")).message).toContain("not supported under protocol 2026-07-28");
      }
    });
  });
});

describe.each(cells({ transports: ["memory"] }))("server maskErrorDetails on $transport × $era", (cell) => {
  let conn: Connected;
  beforeAll(async () => {
    conn = await connect(cell, "tools-loop", { fallback: true, mask: true });
  });
  afterAll(() => conn?.close());
  const results = async (scenario: string) => {
    const result = await conn.client.callTool("run", { scenario });
    return JSON.parse((result.structuredContent as { report: Report }).report.outcome.text) as Array<{
      text: string;
    }>;
  };

  it("is the default for sampling tools' error texts (ToolError still passes)", async () => {
    expect((await results("errors")).map((r) => r.text)).toEqual([
      "Error calling tool 'explode'",
      "not allowed: refused",
    ]);
  });

  it("and maskErrorDetails: false overrides it", async () => {
    expect((await results("errors-unmasked")).map((r) => r.text)).toEqual(["kaboom", "not allowed: refused"]);
  });
});
