// Who answers ctx.sample: the client's handler, the server's fallback, the server's handler under
// "always", or nobody ("Client does not support sampling"). Each case needs its own server or client
// configuration, hence its own connection.
import { ProtocolError } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { type SamplingResult, ToolError } from "../../src/index.js";
import { cells, connect } from "../helpers/matrix.js";

const sampledOf = (result: { structuredContent?: Record<string, unknown> }) =>
  (result.structuredContent as { sampled: SamplingResult }).sampled;

describe.each(cells({ transports: ["memory", "stdio"] }))("who answers on $transport × $era", (cell) => {
  it("falls back to the server's handler when the client has none", async () => {
    const fallback = await connect(cell, "core-sampling", { serverHandler: "function" });
    try {
      const sampled = sampledOf(
        await fallback.client.callTool("sample", {
          messages: "fallback please",
          options: { temperature: 0.5 },
        }),
      );
      expect(sampled.via).toBe("server");
      expect(sampled.stopReason).toBe("endTurn");
      const saw = JSON.parse(sampled.text);
      expect(saw.form).toBe("function");
      expect(saw.messages).toEqual([{ role: "user", content: { type: "text", text: "fallback please" } }]);
      expect(saw.params).toEqual({ messages: saw.messages, maxTokens: 512, temperature: 0.5 });
      // The server-side RequestContext: the tools/call's id and the tool's signal.
      expect(saw.context).toMatchObject({ side: "server", serverName: "core-sampling", hasSignal: true });
      expect(["string", "number"]).toContain(typeof saw.context.requestId);
    } finally {
      await fallback.close();
    }
  });

  it('"always" uses the server\'s handler (an object with createMessage) even when the client can sample', async () => {
    let clientCalls = 0;
    const always = await connect(
      cell,
      "core-sampling",
      { serverHandler: "object", behavior: "always" },
      {
        samplingHandler: () => {
          clientCalls++;
          return "client";
        },
      },
    );
    try {
      const sampled = sampledOf(await always.client.callTool("sample", { messages: "hi" }));
      expect(sampled.via).toBe("server");
      expect(sampled.model).toBe("server-object-model");
      expect(JSON.parse(sampled.text).form).toBe("object");
      expect(clientCalls).toBe(0);
    } finally {
      await always.close();
    }
  });

  it("a client handler given as an object with createMessage answers; explicit capabilities are declared", async () => {
    const objectClient = await connect(
      cell,
      "core-sampling",
      {},
      {
        samplingCapabilities: { tools: true, context: true },
        samplingHandler: {
          createMessage: (messages, params) => ({
            role: "assistant",
            content: {
              type: "text",
              text: `object saw ${messages.length} message(s), maxTokens ${params.maxTokens}`,
            },
            model: "object-model",
          }),
        },
      },
    );
    try {
      expect((await objectClient.client.callTool("simple_sample")).text).toBe(
        "object saw 1 message(s), maxTokens 512",
      );
      const { capabilities } = (await objectClient.client.callTool("client_capabilities"))
        .structuredContent as {
        capabilities: { sampling?: Record<string, unknown> };
      };
      expect(capabilities.sampling).toEqual({ tools: {}, context: {} });
    } finally {
      await objectClient.close();
    }
  });

  it('neither side can sample: "Client does not support sampling"', async () => {
    const none = await connect(cell, "core-sampling");
    try {
      const error = await none.client.callTool("simple_sample").catch((e: unknown) => e);
      // The same ToolError on both eras.
      expect(error).toBeInstanceOf(ToolError);
      expect((error as ToolError).code).toBe("CAPABILITY_MISSING");
      expect((error as ToolError).message).toBe("Client does not support sampling");
      if (cell.era === "2026") {
        // 2026-07-28: the wire error is -32021 naming the capability the client must declare.
        expect((error as ToolError).cause).toBeInstanceOf(ProtocolError);
        expect((error as ToolError).cause).toMatchObject({
          code: -32021,
          data: { requiredCapabilities: { sampling: {} } },
        });
      }
      const { capabilities } = (await none.client.callTool("client_capabilities")).structuredContent as {
        capabilities: { sampling?: unknown };
      };
      expect(capabilities.sampling).toBeUndefined();
    } finally {
      await none.close();
    }
  });
});
