// Our Client answering sampling for servers nobody here wrote: server-everything, a raw SDK v1
// server, and a raw SDK v2 server in both eras — all over stdio.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Client, type SamplingHandler, type SamplingMessage, type SamplingParams } from "../../src/index.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

function recorder(answer: SamplingHandler) {
  const seen: Array<{ messages: SamplingMessage[]; params: SamplingParams }> = [];
  const handler: SamplingHandler = (messages, params, context) => {
    seen.push({ messages, params });
    return typeof answer === "function"
      ? answer(messages, params, context)
      : answer.createMessage(messages, params, context);
  };
  return { seen, handler };
}

describe("@modelcontextprotocol/server-everything over stdio", () => {
  it("trigger-sampling-request is answered by our handler", async () => {
    const { seen, handler } = recorder(() => ({
      role: "assistant",
      content: { type: "text", text: "Hi from the fastmcp-ts client" },
      model: "our-model",
      stopReason: "endTurn",
    }));
    await using client = await new Client(
      {
        command: process.execPath,
        args: [
          fileURLToPath(
            new URL(
              "../../node_modules/@modelcontextprotocol/server-everything/dist/index.js",
              import.meta.url,
            ),
          ),
          "stdio",
        ],
      },
      { samplingHandler: handler, stderr: "pipe", timeoutMs: 20_000 },
    ).connect();
    // Registered only for clients that declared sampling.
    expect((await client.listTools()).map((tool) => tool.name)).toContain("trigger-sampling-request");
    const result = await client.callTool("trigger-sampling-request", { prompt: "Say hi", maxTokens: 50 });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.params.systemPrompt).toBe("You are a helpful test server.");
    expect(seen[0]!.params.temperature).toBe(0.7);
    expect(seen[0]!.params.maxTokens).toBe(50);
    expect(seen[0]!.messages).toEqual([
      { role: "user", content: { type: "text", text: "Resource trigger-sampling-request context: Say hi" } },
    ]);
    expect(result.text).toContain("LLM sampling result:");
    expect(result.text).toContain("Hi from the fastmcp-ts client");
    expect(result.text).toContain("our-model");
  });
});

describe("a raw SDK v1 server (McpServer) run from its .ts path", () => {
  it("extra.sendRequest and server.createMessage are both answered, string answers included", async () => {
    const { seen, handler } = recorder((messages) => {
      const content = messages[0]!.content as { text: string };
      return `echo ${content.text}`;
    });
    await using client = await new Client(fixture("raw-v1-server.ts"), {
      samplingHandler: handler,
      stderr: "pipe",
      timeoutMs: 20_000,
    }).connect();
    expect(client.era).toBe("legacy");
    expect((await client.callTool("ask", { question: "one" })).text).toBe(
      "v1 got: echo one (model unknown, stop endTurn)",
    );
    expect((await client.callTool("ask_direct", { question: "two" })).text).toBe(
      "v1 got: echo two (model unknown, stop endTurn)",
    );
    expect(seen.map((call) => call.params)).toEqual(
      ["one", "two"].map((question) => ({
        messages: [{ role: "user", content: { type: "text", text: question } }],
        systemPrompt: "You are a raw v1 server.",
        maxTokens: 64,
        temperature: 0.2,
        modelPreferences: { hints: [{ name: "tiny" }] },
      })),
    );
  });
});

describe.each(["2025", "2026"] as const)("a raw SDK v2 server (McpServer) on %s", (protocol) => {
  it("is answered by our handler, pushed or by input_required", async () => {
    const { seen, handler } = recorder({
      createMessage: () => ({ role: "assistant", content: { type: "text", text: "forty-two" }, model: "m" }),
    });
    await using client = await new Client(fixture("raw-v2-server.ts"), {
      samplingHandler: handler,
      protocol,
      stderr: "pipe",
      timeoutMs: 20_000,
    }).connect();
    const era = protocol === "2025" ? "legacy" : "modern";
    expect(client.era).toBe(era);
    expect((await client.callTool("ask", { question: "meaning of life?" })).text).toBe(
      `v2 (${era}) got: forty-two`,
    );
    expect(seen.map((call) => call.params)).toEqual([
      {
        messages: [{ role: "user", content: { type: "text", text: "meaning of life?" } }],
        systemPrompt: "You are a raw v2 server.",
        maxTokens: 32,
      },
    ]);
  });
});
