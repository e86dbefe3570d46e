// A client (not our Client: a raw wire peer) that answers a 2025 sampling request with something that
// is not a CreateMessageResult: the tool fails with a clear error, and the connection keeps serving.
import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { FastMCP } from "../../src/index.js";
import { legacyInitialize } from "../helpers/raw-http.js";

const INVALID: Array<[string, unknown]> = [
  [
    "array content when no tools were offered",
    { role: "assistant", content: [{ type: "text", text: "a" }], model: "m" },
  ],
  ["a missing model", { role: "assistant", content: { type: "text", text: "a" } }],
  ["an unknown content type", { role: "assistant", content: { type: "bogus" }, model: "m" }],
];

interface ToolResult {
  isError?: boolean;
  content: Array<{ text: string }>;
}

function toolResult(message: JSONRPCMessage | undefined): ToolResult {
  return (message as unknown as { result: ToolResult }).result;
}

/** A hand-driven 2025 client on an in-memory wire: answers each sampling request with `answer`. */
async function callWithAnswer(server: FastMCP, answers: unknown[], tool = "ask"): Promise<JSONRPCMessage[]> {
  const wire = server.connectInMemory();
  const results: JSONRPCMessage[] = [];
  let pending = answers.length;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  let next = 0;
  wire.onmessage = (message) => {
    if ("method" in message && message.method === "sampling/createMessage" && "id" in message) {
      void wire.send({ jsonrpc: "2.0", id: message.id, result: answers[next++] as Record<string, unknown> });
    } else if ("id" in message && typeof message.id === "number" && message.id >= 100) {
      results.push(message);
      if (--pending === 0) done();
    }
  };
  await wire.start();
  await wire.send(legacyInitialize() as JSONRPCMessage);
  await wire.send({ jsonrpc: "2.0", method: "notifications/initialized" });
  for (let i = 0; i < answers.length; i++) {
    // One call at a time, so the i-th sampling request gets the i-th answer.
    const before = results.length;
    await wire.send({
      jsonrpc: "2.0",
      id: 100 + i,
      method: "tools/call",
      params: { name: tool, arguments: {} },
    });
    while (results.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await finished;
  await wire.close();
  return results;
}

describe("a client's invalid sampling answer (2025, raw wire)", () => {
  const server = new FastMCP({ name: "s" });
  server.tool({ name: "ask", execute: async (_args, ctx) => (await ctx.sample("hi")).text });
  server.tool({
    name: "ask_bounded",
    execute: async (_args, ctx) => (await ctx.sample("hi", { timeoutMs: 300 })).text,
  });

  it.each(INVALID)(
    "%s fails the tool clearly; the next call on the same connection still works",
    async (_label, bad) => {
      const valid = { role: "assistant", content: { type: "text", text: "fine" }, model: "m" };
      const [first, second] = await callWithAnswer(server, [bad, valid]);
      const failed = toolResult(first);
      expect(failed.isError).toBe(true);
      expect(failed.content[0]!.text).toContain("The client answered sampling with an invalid result");
      const ok = toolResult(second);
      expect(ok.isError).toBeUndefined();
      expect(ok.content[0]!.text).toBe("fine");
    },
  );

  // Not JSON-RPC at all (a result must be an object): the SDK drops the message without failing the
  // request it names, so what ends the sample is its bound (timeoutMs, default sampleTimeoutMs).
  it("a result that is not an object ends at the sample's timeout, with a clear error", async () => {
    const valid = { role: "assistant", content: { type: "text", text: "fine" }, model: "m" };
    const [first, second] = await callWithAnswer(server, ["just text", valid], "ask_bounded");
    const failed = toolResult(first);
    expect(failed.isError).toBe(true);
    expect(failed.content[0]!.text).toBe("Sampling timed out after 300 ms");
    expect(toolResult(second).content[0]!.text).toBe("fine");
  });
});
