import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Transport } from "@modelcontextprotocol/client";
import { Client as SdkClient } from "@modelcontextprotocol/client";
import { toNodeHandler } from "@modelcontextprotocol/node";
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { installFastToolCall, textOnlyResult } from "../../src/client/fast-tool-call.js";
import { Client } from "../../src/index.js";

const text = (t: string) => ({ type: "text", text: t });

/** What a server's tools/call may answer, each as the tool of that name returns it, unchecked. */
const RESULTS: Record<string, unknown> = {
  one_text: { content: [text("a")] },
  two_texts: { content: [text("a"), text("b")] },
  empty_content: { content: [] },
  error_first: { isError: true, content: [text("failed")] },
  not_an_error: { content: [text("a")], isError: false },
  meta: { content: [text("a")], _meta: { trace: 1 } },
  block_meta: { content: [{ type: "text", text: "a", _meta: { y: 2 } }] },
  block_annotations: { content: [{ type: "text", text: "a", annotations: { priority: 1 } }] },
  block_extra_key: { content: [{ ...text("a"), extra: 1 }] },
  result_extra_key: { content: [text("a")], extra: 5 },
  structured: { content: [text("{}")], structuredContent: { a: 1 } },
  structured_only: { structuredContent: { a: 1 } },
  contentless: {},
  image: { content: [{ type: "image", data: "aGk=", mimeType: "image/png" }] },
  mixed: { content: [text("a"), { type: "resource_link", uri: "file:///x", name: "x" }] },
  text_missing: { content: [{ type: "text" }] },
  text_not_string: { content: [{ type: "text", text: 3 }] },
  is_error_not_boolean: { content: [text("a")], isError: "yes" },
  content_not_array: { content: text("a") },
  null_block: { content: [null] },
  foreign_family: { task: { taskId: "t" } },
};

type Era = "2025" | "2026";

/**
 * A server spoken by hand: each answer goes to the client as its JSON would arrive on the wire, in
 * RESULTS' own key order (an SDK server would re-encode it first). `shared`: the answer object
 * itself, as an in-memory peer could hand it over.
 */
function wireServer(era: Era, shared?: object): { connectInMemory(): Transport } {
  const answer = (method: string | undefined, params: { name?: string } | undefined): unknown => {
    if (method === "initialize")
      return { protocolVersion: "2025-11-25", capabilities: { tools: {} }, serverInfo: WIRE_INFO };
    if (method === "server/discover")
      return {
        supportedVersions: [MODERN],
        capabilities: { tools: {} },
        _meta: { [SERVER_INFO]: WIRE_INFO },
      };
    if (method === "tools/list")
      return { tools: [...Object.keys(RESULTS).map((name) => ({ name, inputSchema: OBJECT })), TYPED_TOOL] };
    if (shared !== undefined) return shared;
    if (params?.name === "typed") return { content: [text("{}")], structuredContent: { count: "nine" } };
    return RESULTS[params?.name ?? ""];
  };
  return {
    connectInMemory() {
      const transport: Transport = {
        start: async () => {},
        close: async () => transport.onclose?.(),
        send: async (message) => {
          const { id, method, params } = message as {
            id?: number;
            method?: string;
            params?: { name?: string };
          };
          if (id === undefined || method === undefined) return;
          const result = answer(method, params);
          // 2026-07-28 results say they are complete; a list also says how long it may be cached.
          const cacheable = method === "tools/list" && { ttlMs: 0, cacheScope: "private" };
          const stamped =
            era === "2026" ? { ...(result as object), ...cacheable, resultType: "complete" } : result;
          const reply = { jsonrpc: "2.0" as const, id, result: stamped };
          const delivered =
            shared !== undefined && method === "tools/call" ? reply : JSON.parse(JSON.stringify(reply));
          queueMicrotask(() => transport.onmessage?.(delivered));
        },
      };
      return transport;
    },
  };
}

const MODERN = "2026-07-28";
const SERVER_INFO = "io.modelcontextprotocol/serverInfo";
const WIRE_INFO = { name: "wire", version: "1" };
const OBJECT = { type: "object" as const };

const TYPED_TOOL = {
  name: "typed",
  inputSchema: { type: "object" as const },
  outputSchema: {
    type: "object" as const,
    properties: { count: { type: "number" } },
    required: ["count"],
  },
};

/** The outcome as data: the value with its key order, or the error's class and message. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    return `ok ${JSON.stringify(await call)}`;
  } catch (error) {
    return `error ${(error as Error).constructor.name} ${(error as Error).message}`;
  }
}

const sdkCallTool = SdkClient.prototype.callTool;

describe.each(["2025", "2026"] as const)(
  "tools/call (%s) answers exactly as the SDK client's own callTool",
  (era) => {
    let client: Client | undefined;
    afterEach(() => client?.close());

    it.each(Object.keys(RESULTS))("%s", async (name) => {
      client = await new Client(wireServer(era), { protocol: era }).connect();
      const ours = await outcome(client.sdk.callTool({ name }));
      const sdks = await outcome(sdkCallTool.call(client.sdk, { name }));
      expect(ours).toBe(sdks);
      // What our Client makes of it, before tools are listed (this path) and after (the SDK's callTool).
      const before = await outcome(client.callTool(name));
      await client.listTools();
      expect(await outcome(client.callTool(name))).toBe(before);
    });

    it("hands back the client's own copy, not the objects a peer handed over (in memory they can be shared)", async () => {
      const served = { content: [text("kept")] };
      client = await new Client(wireServer(era, served), { protocol: era }).connect();
      const result = (await client.sdk.callTool({ name: "any" })) as { content: Array<{ text: string }> };
      expect(result).toEqual(served);
      result.content[0]!.text = "changed";
      expect(served.content[0]!.text).toBe("kept");
    });

    it("still checks structuredContent against the output schema once tools were listed", async () => {
      client = await new Client(wireServer(era), { protocol: era }).connect();
      // Nothing listed yet: the SDK has no schema to check against, and neither path checks.
      expect(await outcome(client.sdk.callTool({ name: "typed" }))).toMatch(/^ok /);
      await client.listTools();
      const listed = await outcome(client.callTool("typed"));
      expect(listed).toMatch(/^error .*does not match the tool's output schema/);
      expect(await outcome(sdkCallTool.call(client.sdk, { name: "typed" }))).toBe(
        await outcome(client.sdk.callTool({ name: "typed" })),
      );
    });

    it("counts tools listed through the SDK client itself", async () => {
      client = await new Client(wireServer(era), { protocol: era }).connect();
      await client.sdk.listTools();
      expect(await outcome(client.sdk.callTool({ name: "typed" }))).toMatch(
        /^error .*does not match the tool's output schema/,
      );
    });

    it("leaves a call with its own toolDefinition to the SDK, which checks against it", async () => {
      client = await new Client(wireServer(era), { protocol: era }).connect();
      const call = client.sdk.callTool({ name: "typed" }, { toolDefinition: TYPED_TOOL });
      expect(await outcome(call)).toMatch(/^error .*does not match the tool's output schema/);
    });
  },
);

describe("textOnlyResult", () => {
  it("copies text-only results in the schema's key order and declines everything else", () => {
    const value = { isError: true, content: [{ text: "a", type: "text" }] };
    const copy = textOnlyResult(value);
    expect(JSON.stringify(copy)).toBe('{"content":[{"type":"text","text":"a"}],"isError":true}');
    expect(copy?.content[0]).not.toBe(value.content[0]);
    for (const other of [
      null,
      "text",
      [],
      { content: [text("a")], isError: undefined },
      { content: [Object.assign(Object.create({ inherited: 1 }), text("a"))] },
      Object.assign(Object.create(null), { content: [] }),
      { content: [text("a")], structuredContent: {} },
    ])
      expect(textOnlyResult(other)).toBeUndefined();
  });
});

describe("installFastToolCall", () => {
  it("leaves an SDK client without the era codec accessor as it is", () => {
    const callTool = () => Promise.resolve({ content: [] });
    const listTools = () => Promise.resolve({ tools: [] });
    const sdk = { callTool, listTools, getProtocolEra: () => "legacy" };
    installFastToolCall(sdk as never);
    expect(sdk.callTool).toBe(callTool);
    expect(sdk.listTools).toBe(listTools);
  });
});

describe("a 2026-07-28 tool that wants its arguments mirrored into headers (SEP-2243), over HTTP", () => {
  let http: Server | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    await client?.close();
    await new Promise((resolve) => http?.close(resolve));
  });

  it("is called before any tools/list, as the SDK's callTool recovers: list, then mirror", async () => {
    const seen: string[] = [];
    const build = () => {
      const server = new McpServer({ name: "headers", version: "1" });
      server.registerTool(
        "where",
        { inputSchema: z.object({ region: z.string().meta({ "x-mcp-header": "Region" }) }) },
        async ({ region }) => ({ content: [{ type: "text", text: `in ${region}` }] }),
      );
      return server;
    };
    const handler = toNodeHandler(createMcpHandler(build, { legacy: "reject" }));
    http = createServer((req, res) => {
      seen.push(
        `${req.headers["mcp-method"]}${req.headers["mcp-param-region"] === undefined ? "" : " +header"}`,
      );
      void handler(req, res);
    });
    await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
    client = await new Client(url, { protocol: "2026" }).connect();
    expect((await client.callTool("where", { region: "eu" })).text).toBe("in eu");
    expect((await client.callTool("where", { region: "us" })).text).toBe("in us");
    // Refused without the header twice (ours, then the SDK's own first try), then listed and mirrored.
    expect(seen).toEqual([
      "server/discover",
      "tools/call",
      "tools/call",
      "tools/list",
      "tools/call +header",
      "tools/call +header",
    ]);
  });
});
