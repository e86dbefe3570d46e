// The server API round-tripped through Client: argument validation, what execute may return,
// errors and masking, resources (text, binary, templates) and prompts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FastMCPError, ToolError } from "../../src/index.js";
import { type Connected, cells, connect } from "../helpers/matrix.js";

const PNG_1X1 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

describe.each(cells({ transports: ["memory", "stdio"] }))("server API on $transport × $era", (cell) => {
  let conn: Connected;
  beforeAll(async () => {
    conn = await connect(cell, "core-api", {}, { samplingHandler: () => "sampled answer" });
  });
  afterAll(() => conn?.close());

  const failure = (name: string, args: Record<string, unknown> = {}) =>
    conn.client.callTool(name, args).catch((error: unknown) => error);

  describe("tool arguments", () => {
    it("valid arguments reach execute, parsed", async () => {
      expect((await conn.client.callTool("typed", { count: 21, label: "n" })).text).toBe("n:42");
    });

    it("a wrong type is a ToolError naming the field; the connection stays usable", async () => {
      const error = await failure("typed", { count: "three", label: "n" });
      expect(error).toBeInstanceOf(ToolError);
      expect((error as ToolError).message).toMatch(/^Invalid arguments for tool 'typed': count: /);
      expect((error as ToolError).message).not.toContain("label");
      const missing = await failure("typed", { count: 1 });
      expect(missing).toBeInstanceOf(ToolError);
      expect((missing as ToolError).message).toContain("label");
      expect((await conn.client.callTool("typed", { count: 1, label: "ok" })).text).toBe("ok:2");
    });

    it("an unknown tool is a clear error; the connection stays usable", async () => {
      const error = await failure("no_such_tool");
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain("Unknown tool: no_such_tool");
      expect((await conn.client.callTool("typed", { count: 2, label: "after" })).text).toBe("after:4");
    });

    it("tools are listed with their JSON Schema", async () => {
      const typed = (await conn.client.listTools()).find((tool) => tool.name === "typed");
      expect(typed?.inputSchema).toMatchObject({
        type: "object",
        properties: { count: { type: "integer" }, label: { type: "string" } },
        required: ["count", "label"],
      });
    });
  });

  describe("what execute may return", () => {
    const returns = (kind: string) => conn.client.callTool("returns", { kind });

    it("a string is one text block", async () => {
      const result = await returns("string");
      expect(result).toEqual({
        content: [{ type: "text", text: "plain text" }],
        isError: false,
        text: "plain text",
      });
    });

    it("a content block is the content", async () => {
      const result = await returns("block");
      expect(result.content).toEqual([{ type: "image", data: PNG_1X1, mimeType: "image/png" }]);
      expect(result.text).toBe("");
    });

    it("an array of blocks is the content, text joined", async () => {
      const result = await returns("blocks");
      expect(result.content).toEqual([
        { type: "text", text: "first" },
        { type: "text", text: "second" },
      ]);
      expect(result.text).toBe("first\nsecond");
    });

    it("a plain object is structured content, with its JSON as text", async () => {
      const result = await returns("object");
      expect(result.structuredContent).toEqual({ answer: 42, tags: ["a", "b"] });
      expect(JSON.parse(result.text)).toEqual({ answer: 42, tags: ["a", "b"] });
    });

    it("a full CallToolResult passes through", async () => {
      const result = await returns("call-result");
      expect(result.content).toEqual([{ type: "text", text: "custom" }]);
      expect(result.structuredContent).toEqual({ custom: true });
      expect(result.isError).toBe(false);
    });

    it("a number becomes text; nothing becomes empty content", async () => {
      expect((await returns("number")).text).toBe("7");
      expect((await returns("nothing")).content).toEqual([]);
    });

    it("a SamplingResult becomes its content", async () => {
      expect(await returns("sampled")).toMatchObject({
        content: [{ type: "text", text: "sampled answer" }],
        text: "sampled answer",
      });
    });

    it("a thrown ToolError is an error result with its message", async () => {
      const error = await failure("returns", { kind: "tool-error" });
      expect(error).toBeInstanceOf(ToolError);
      expect((error as ToolError).message).toBe("The widget is out of stock");
      expect((error as ToolError).result).toMatchObject({
        isError: true,
        content: [{ type: "text", text: "The widget is out of stock" }],
      });
    });

    it("any other thrown error is an error result with its message (unmasked by default)", async () => {
      const error = await failure("returns", { kind: "error" });
      expect(error).toBeInstanceOf(ToolError);
      expect((error as ToolError).message).toBe("database password is hunter2");
    });
  });

  describe("resources", () => {
    it("lists resources and templates", async () => {
      expect(await conn.client.listResources()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ uri: "text://hello", name: "hello", mimeType: "text/plain" }),
          expect.objectContaining({ uri: "bin://bytes", name: "bytes" }),
        ]),
      );
      expect(await conn.client.listResourceTemplates()).toEqual([
        expect.objectContaining({ uriTemplate: "greet://{name}", name: "greeting", mimeType: "text/plain" }),
      ]);
    });

    it("reads a text resource", async () => {
      const { contents } = await conn.client.readResource("text://hello");
      expect(contents).toEqual([{ uri: "text://hello", text: "hello world", mimeType: "text/plain" }]);
    });

    it("reads a binary resource as a base64 blob", async () => {
      const { contents } = await conn.client.readResource("bin://bytes");
      expect(contents).toHaveLength(1);
      const blob = contents[0] as { uri: string; blob: string; mimeType: string };
      expect(blob.uri).toBe("bin://bytes");
      expect(blob.mimeType).toBe("application/octet-stream");
      expect([...Buffer.from(blob.blob, "base64")]).toEqual([0, 1, 2, 253, 254, 255]);
    });

    it("reads through a template with its variables", async () => {
      const { contents } = await conn.client.readResource("greet://Ada");
      expect(contents).toEqual([{ uri: "greet://Ada", text: "Hello, Ada!", mimeType: "text/plain" }]);
    });

    it("an unknown resource is a clear error; the connection stays usable", async () => {
      await expect(conn.client.readResource("nope://missing")).rejects.toThrow(
        "Resource not found: nope://missing",
      );
      expect((await conn.client.readResource("text://hello")).contents).toHaveLength(1);
    });
  });

  describe("prompts", () => {
    it("lists prompts with their arguments", async () => {
      const prompts = await conn.client.listPrompts();
      expect(prompts.find((prompt) => prompt.name === "greet")).toEqual({
        name: "greet",
        description: "Greets someone",
        arguments: [
          { name: "name", description: "Who to greet", required: true },
          { name: "mood", required: false },
        ],
      });
      expect(prompts.find((prompt) => prompt.name === "conversation")?.arguments).toEqual([]);
    });

    it("a string renders as one user message", async () => {
      // toMatchObject: 2026-07-28 results also carry _meta.
      expect(await conn.client.getPrompt("greet", { name: "Ada", mood: "cheerful" })).toMatchObject({
        description: "Greets someone",
        messages: [{ role: "user", content: { type: "text", text: "Say hello to Ada in a cheerful mood." } }],
      });
    });

    it("a message list renders as those messages", async () => {
      expect((await conn.client.getPrompt("conversation")).messages).toEqual([
        { role: "user", content: { type: "text", text: "Hi there" } },
        { role: "assistant", content: { type: "text", text: "Hello! How can I help?" } },
      ]);
    });

    it("missing arguments and unknown prompts are clear errors", async () => {
      await expect(conn.client.getPrompt("greet", {})).rejects.toThrow(
        /Invalid arguments for prompt 'greet': name/,
      );
      await expect(conn.client.getPrompt("nope")).rejects.toThrow("Unknown prompt: nope");
      expect((await conn.client.getPrompt("greet", { name: "Bo" })).messages).toHaveLength(1);
    });
  });

  it("reports the server's name and version", () => {
    expect(conn.client.serverInfo).toMatchObject({ name: "core-api", version: "2.3.4" });
  });
});

describe.each(cells({ transports: ["memory", "stdio"], eras: ["2025"] }))(
  "maskErrorDetails on $transport × $era",
  (cell) => {
    it("masks unexpected errors but never a ToolError's message", async () => {
      const conn = await connect(cell, "core-api", { maskErrorDetails: true });
      try {
        const masked = await conn.client.callTool("returns", { kind: "error" }).catch((e: unknown) => e);
        expect(masked).toBeInstanceOf(ToolError);
        expect((masked as ToolError).message).toBe("Error calling tool 'returns'");
        expect((masked as ToolError).message).not.toContain("hunter2");
        const kept = await conn.client.callTool("returns", { kind: "tool-error" }).catch((e: unknown) => e);
        expect((kept as ToolError).message).toBe("The widget is out of stock");
      } finally {
        await conn.close();
      }
    });
  },
);

describe("Client before connect", () => {
  it("says to connect first", async () => {
    const { Client, FastMCP } = await import("../../src/index.js");
    const client = new Client(new FastMCP({ name: "x" }));
    const error = await client.listTools().catch((e: unknown) => e);
    expect(FastMCPError.isInstance(error)).toBe(true);
    expect((error as FastMCPError).code).toBe("NOT_CONNECTED");
  });
});
