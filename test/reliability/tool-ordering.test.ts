import { InMemoryTransport, ProtocolError, Server } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, type SamplingMessage, ToolError } from "../../src/index.js";
import { type Connected, cells, connect } from "../helpers/matrix.js";
import { rejectionOf } from "../helpers/pending.js";

const text = (t: string) => ({ type: "text" as const, text: t });
const use = (id: string) => ({ type: "tool_use" as const, id, name: "lookup", input: {} });
const result = (id: string) => ({ type: "tool_result" as const, toolUseId: id, content: [text("ok")] });
const tools = [{ name: "lookup", inputSchema: { type: "object" as const } }];

/** Message lists that break the spec's tool_use / tool_result rules (2025-11-25). */
const VIOLATIONS: Array<[string, SamplingMessage[]]> = [
  [
    "a tool_result mixed with text",
    [
      { role: "user", content: text("hi") },
      { role: "assistant", content: [use("a")] },
      { role: "user", content: [result("a"), text("and also")] },
    ] as SamplingMessage[],
  ],
  [
    "tool_result ids that do not match the tool_use ids",
    [
      { role: "user", content: text("hi") },
      { role: "assistant", content: [use("a")] },
      { role: "user", content: [result("b")] },
    ] as SamplingMessage[],
  ],
  [
    "a tool_result with no tool_use before it",
    [
      { role: "user", content: text("hi") },
      { role: "user", content: [result("a")] },
    ] as SamplingMessage[],
  ],
  [
    "a request ending with an unanswered tool_use",
    [
      { role: "user", content: text("hi") },
      { role: "assistant", content: [use("a")] },
    ] as SamplingMessage[],
  ],
  [
    "a tool_use from the user",
    [
      { role: "user", content: [use("a")] },
      { role: "user", content: [result("a")] },
    ] as SamplingMessage[],
  ],
];

/**
 * A bare SDK server that sends whatever sampling request it is given, unchecked: the client's own
 * checks are all that stand between it and the handler.
 */
function rawServer() {
  const server = new Server({ name: "raw", version: "1" }, { capabilities: { tools: {} } });
  server.setRequestHandler("tools/list", () => ({
    tools: [{ name: "send", inputSchema: { type: "object" } }],
  }));
  server.setRequestHandler("tools/call", async (request, ctx) => {
    try {
      await ctx.mcpReq.send({ method: "sampling/createMessage", params: request.params.arguments as never });
      return { content: [text("answered")] };
    } catch (error) {
      const code = error instanceof ProtocolError ? error.code : "none";
      return { content: [text(`${code}|${(error as Error).message}`)], isError: true };
    }
  });
  return {
    connectInMemory() {
      const [client, serverSide] = InMemoryTransport.createLinkedPair();
      void server.connect(serverSide);
      return client;
    },
  };
}

describe("the client refuses tool_use/tool_result ordering violations with -32602 (unchecked 2025 server)", () => {
  let calls = 0;
  let client: Client;
  beforeAll(async () => {
    client = new Client(rawServer(), {
      protocol: "2025",
      samplingCapabilities: { tools: true },
      samplingHandler: () => {
        calls++;
        return "should not run";
      },
    });
    await client.connect();
  });
  afterAll(() => client?.close());

  it.each(VIOLATIONS)("%s", async (_label, messages) => {
    const error = await rejectionOf(client.callTool("send", { messages, maxTokens: 50, tools }), 5_000);
    expect(error.message).toMatch(/^-32602\|/);
    expect(calls).toBe(0);
  });

  it("lets a well-ordered exchange through", async () => {
    const messages = [
      { role: "user", content: text("hi") },
      { role: "assistant", content: [use("a")] },
      { role: "user", content: [result("a")] },
    ];
    expect((await client.callTool("send", { messages, maxTokens: 50, tools })).text).toBe("answered");
    expect(calls).toBe(1);
    calls = 0;
  });
});

describe.each(cells({ transports: ["memory", "http"] }))(
  "ordering violations through FastMCP on $transport × $era",
  (cell) => {
    let calls = 0;
    let conn: Connected;
    beforeAll(async () => {
      conn = await connect(
        cell,
        "reliability-server",
        {},
        {
          samplingCapabilities: { tools: true },
          samplingHandler: () => {
            calls++;
            return "should not run";
          },
        },
      );
    });
    afterAll(() => conn?.close());

    it.each(VIOLATIONS)("%s fails with -32602 before any handler runs", async (_label, messages) => {
      const error = await rejectionOf(
        conn.client.callTool("raw-create", { params: { messages, maxTokens: 50, tools } }),
        10_000,
      );
      // Our client refuses it with -32602 on both eras; the caller sees the same ToolError REJECTED.
      expect(ToolError.isInstance(error)).toBe(true);
      expect((error as ToolError).code).toBe("REJECTED");
      expect(error.message).toMatch(/tool_use|tool_result/);
      // 2026-07-28: the refusal happened in this process, and its -32602 is the cause.
      if (cell.era === "2026") expect(((error as ToolError).cause as { code?: number }).code).toBe(-32602);
      expect(calls).toBe(0);
      expect((await conn.client.callTool("ping-tool")).text).toBe("pong");
    });
  },
);
