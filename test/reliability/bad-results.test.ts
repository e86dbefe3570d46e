import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SamplingHandler, ToolError } from "../../src/index.js";
import { type Connected, cells, connect } from "../helpers/matrix.js";
import { rejectionOf } from "../helpers/pending.js";

const INVALID: Array<[string, unknown, string]> = [
  [
    "a content block of an unknown type",
    { role: "assistant", content: { type: "bogus" }, model: "m" },
    "content",
  ],
  ["missing role and model", { content: { type: "text", text: "x" } }, ""],
  ["a number", 42, ""],
  ["null", null, ""],
  [
    "an array of blocks when no tools were offered",
    { role: "assistant", content: [{ type: "text", text: "a" }], model: "m" },
    "content",
  ],
  [
    "text that is not a string",
    { role: "assistant", content: { type: "text", text: 7 }, model: "m" },
    "content",
  ],
];

describe.each(cells())("invalid handler results on $transport × $era", (cell) => {
  let answer: unknown;
  let conn: Connected;
  let serverSide: Connected;
  beforeAll(async () => {
    const handler = (() => (typeof answer === "function" ? answer() : answer)) as unknown as SamplingHandler;
    [conn, serverSide] = await Promise.all([
      connect(cell, "reliability-server", {}, { samplingHandler: handler }),
      connect(cell, "reliability-server", { serverHandler: "invalid" }),
    ]);
  });
  afterAll(() => Promise.all([conn?.close(), serverSide?.close()]));

  it.each(INVALID)(
    "a client handler returning %s fails the call clearly; the connection survives",
    async (_label, value, where) => {
      answer = value;
      const error = await rejectionOf(conn.client.callTool("sample", { prompt: "bad" }), 10_000);
      expect(error.message).toContain("Sampling handler returned an invalid result");
      if (where.length > 0) expect(error.message).toContain(`at ${where}`);
      // 2025: the server's sample rejects and the tool reports it; 2026-07-28: the client fails the call
      // itself. Either way the caller sees the same ToolError INVALID_RESULT.
      expect(ToolError.isInstance(error)).toBe(true);
      expect((error as ToolError).code).toBe("INVALID_RESULT");
      expect((await conn.client.callTool("ping-tool")).text).toBe("pong");
    },
  );

  it("a server handler returning an invalid result fails the tool clearly", async () => {
    const error = await rejectionOf(serverSide.client.callTool("sample", { prompt: "bad" }), 10_000);
    expect(ToolError.isInstance(error)).toBe(true);
    expect(error.message).toContain("Sampling handler returned an invalid result");
    expect((await serverSide.client.callTool("ping-tool")).text).toBe("pong");
  });

  it("a client handler that throws reaches the tool with its message", async () => {
    answer = () => {
      throw new Error("the user declined");
    };
    const error = await rejectionOf(conn.client.callTool("sample", { prompt: "no" }), 10_000);
    expect(error.message).toContain("the user declined");
    expect(ToolError.isInstance(error) && error.code).toBe("REJECTED");
    expect((await conn.client.callTool("ping-tool")).text).toBe("pong");
  });
});
