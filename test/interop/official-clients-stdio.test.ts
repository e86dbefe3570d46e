// Our stdio server answered by the official SDK clients, each with its own raw sampling handler:
// v1 (@modelcontextprotocol/sdk, 2025 era) and v2 (@modelcontextprotocol/client) legacy and pinned to 2026-07-28.
import { fileURLToPath } from "node:url";
import { Client as V2Client } from "@modelcontextprotocol/client";
import { StdioClientTransport as V2Stdio } from "@modelcontextprotocol/client/stdio";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as V1Stdio } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CreateMessageRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const fixtureCommand = (name: string) => ({
  command: process.execPath,
  args: [
    "--import",
    import.meta.resolve("tsx"),
    fileURLToPath(new URL("../fixtures/run-fixture.ts", import.meta.url)),
    name,
    "{}",
  ],
  stderr: "pipe" as const,
});

interface RawParams {
  messages: unknown[];
  [key: string]: unknown;
}

/** What a raw client does, whichever SDK it is built on. */
interface RawClient {
  seen: RawParams[];
  respond: (params: RawParams) => unknown;
  callTool(
    name: string,
    args?: Record<string, unknown>,
  ): Promise<{ content?: unknown; structuredContent?: unknown; isError?: boolean }>;
  close(): Promise<void>;
}

async function v1Client(): Promise<RawClient> {
  const client = new V1Client(
    { name: "raw-v1-client", version: "1.0.0" },
    { capabilities: { sampling: {} } },
  );
  const raw: RawClient = {
    seen: [],
    respond: () => "unset",
    callTool: (name, args = {}) =>
      client.callTool({ name, arguments: args }) as ReturnType<RawClient["callTool"]>,
    close: () => client.close(),
  };
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    raw.seen.push(request.params as RawParams);
    return raw.respond(request.params as RawParams) as never;
  });
  await client.connect(new V1Stdio(fixtureCommand("core-sampling")));
  return raw;
}

async function v2Client(pin: boolean): Promise<RawClient> {
  const client = new V2Client(
    { name: "raw-v2-client", version: "1.0.0" },
    { capabilities: { sampling: {} }, versionNegotiation: { mode: pin ? { pin: "2026-07-28" } : "legacy" } },
  );
  const raw: RawClient = {
    seen: [],
    respond: () => "unset",
    callTool: (name, args = {}) =>
      client.callTool({ name, arguments: args }) as ReturnType<RawClient["callTool"]>,
    close: () => client.close(),
  };
  client.setRequestHandler("sampling/createMessage", async (request) => {
    raw.seen.push(request.params as RawParams);
    return raw.respond(request.params as RawParams) as never;
  });
  await client.connect(new V2Stdio(fixtureCommand("core-sampling")));
  expect(client.getProtocolEra()).toBe(pin ? "modern" : "legacy");
  return raw;
}

const answer = (text: string, model = "raw-model") => ({
  role: "assistant",
  content: { type: "text", text },
  model,
  stopReason: "endTurn",
});

describe.each([
  { name: "SDK v1 client (2025)", make: v1Client, era: "2025" },
  { name: "SDK v2 client, legacy (2025)", make: () => v2Client(false), era: "2025" },
  { name: "SDK v2 client pinned to 2026-07-28", make: () => v2Client(true), era: "2026" },
])("$name against our stdio server", ({ make, era }) => {
  let client: RawClient;
  beforeAll(async () => {
    client = await make();
  });
  afterAll(() => client?.close());

  it("answers ctx.sample with its raw handler", async () => {
    client.seen = [];
    client.respond = () => answer("This is the sample message!");
    const result = await client.callTool("simple_sample");
    expect(result.isError ?? false).toBe(false);
    expect(result.content).toEqual([{ type: "text", text: "This is the sample message!" }]);
    expect(client.seen).toEqual([
      { messages: [{ role: "user", content: { type: "text", text: "Hello, world!" } }], maxTokens: 512 },
    ]);
  });

  it("receives every ctx.sample option on the wire, and the SamplingResult is built from its answer", async () => {
    client.seen = [];
    client.respond = () => ({ ...answer("raw answer", "raw-model-7"), stopReason: "stopSequence" });
    const options = {
      systemPrompt: "You love FastMCP",
      temperature: 0.5,
      maxTokens: 100,
      modelPreferences: ["gpt-4o", "claude"],
      includeContext: "none",
      stopSequences: ["END"],
      metadata: { run: 1 },
    };
    const result = await client.callTool("sample", {
      messages: ["Hello!", { role: "assistant", content: { type: "text", text: "Hi" } }],
      options,
    });
    const messages = [
      { role: "user", content: { type: "text", text: "Hello!" } },
      { role: "assistant", content: { type: "text", text: "Hi" } },
    ];
    expect(client.seen).toEqual([
      {
        messages,
        systemPrompt: "You love FastMCP",
        temperature: 0.5,
        maxTokens: 100,
        modelPreferences: { hints: [{ name: "gpt-4o" }, { name: "claude" }] },
        includeContext: "none",
        stopSequences: ["END"],
        metadata: { run: 1 },
      },
    ]);
    expect((result.structuredContent as { sampled: unknown }).sampled).toEqual({
      text: "raw answer",
      result: "raw answer",
      content: [{ type: "text", text: "raw answer" }],
      model: "raw-model-7",
      stopReason: "stopSequence",
      via: "client",
      history: [...messages, { role: "assistant", content: { type: "text", text: "raw answer" } }],
    });
  });

  it("passes image content exactly", async () => {
    client.seen = [];
    client.respond = () => answer("a picture");
    await client.callTool("sample_with_image");
    expect(client.seen[0]!.messages[1]).toEqual({
      role: "user",
      content: { type: "image", data: "YWJjMTIz", mimeType: "image/png" },
    });
  });

  it("a handler error reaches the caller, and the next call works", async () => {
    client.respond = () => {
      throw new McpError(-1, "User rejected sampling request");
    };
    if (era === "2025") {
      // The error goes back to our server: ctx.sample rejects and the tool reports it.
      const result = await client.callTool("simple_sample");
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toContain("User rejected sampling request");
    } else {
      // 2026-07-28: the client fulfils input locally, so its own call fails; the server waits for nothing.
      await expect(client.callTool("simple_sample")).rejects.toThrow("User rejected sampling request");
    }
    client.respond = () => answer("back again");
    expect((await client.callTool("simple_sample")).content).toEqual([{ type: "text", text: "back again" }]);
  });
});
