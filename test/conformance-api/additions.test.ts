// The API added for the conformance suite: completions (prompt arguments, template variables),
// resource subscriptions (2025 sessions), a named key for ctx.elicit under 2026-07-28, and prompt
// messages that embed resources.
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { Client, FastMCP } from "../../src/index.js";
import { modernMeta, postModern } from "../helpers/raw-http.js";

function buildServer(): FastMCP {
  const server = new FastMCP({ name: "additions" });
  server.prompt({
    name: "greet",
    parameters: z.object({ language: z.string(), name: z.string() }),
    render: ({ language, name }) => `${language}: hello ${name}`,
    complete: {
      language: (value) => ["english", "esperanto", "french"].filter((option) => option.startsWith(value)),
      name: (value, { arguments: chosen }) =>
        (chosen.language === "french" ? ["Amélie"] : ["Alice", "Bob"]).filter((n) => n.startsWith(value)),
    },
  });
  server.prompt({
    name: "with-resource",
    render: () => [
      {
        role: "user",
        content: {
          type: "resource",
          resource: { uri: "test://doc", mimeType: "text/plain", text: "the doc" },
        },
      },
      { role: "user", content: { type: "text", text: "Summarize it." } },
    ],
  });
  server.resource({ uri: "test://doc", name: "doc", read: () => "the doc" });
  server.resourceTemplate({
    uriTemplate: "test://items/{id}",
    name: "item",
    read: ({ id }) => `item ${id}`,
    complete: {
      id: (value) => Array.from({ length: 150 }, (_, i) => String(i)).filter((id) => id.startsWith(value)),
    },
  });
  server.tool({
    name: "ask-name",
    execute: async (_args, ctx) => {
      const answer = await ctx.elicit(
        { message: "Name?", requestedSchema: { type: "object", properties: { name: { type: "string" } } } },
        { key: "user_name" },
      );
      return `Hello, ${String(answer.content?.name)}`;
    },
  });
  return server;
}

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

async function connected(protocol: "2025" | "2026"): Promise<{ server: FastMCP; client: Client }> {
  const server = buildServer();
  const client = await new Client(server, { protocol }).connect();
  open.push(
    () => server.close(),
    () => client.close(),
  );
  return { server, client };
}

describe.each(["2025", "2026"] as const)("completion/complete (protocol %s)", (protocol) => {
  it("completes prompt arguments, using the arguments already chosen", async () => {
    const { client } = await connected(protocol);
    const language = await client.sdk.complete({
      ref: { type: "ref/prompt", name: "greet" },
      argument: { name: "language", value: "e" },
    });
    expect(language.completion).toEqual({ values: ["english", "esperanto"], total: 2, hasMore: false });
    const name = await client.sdk.complete({
      ref: { type: "ref/prompt", name: "greet" },
      argument: { name: "name", value: "" },
      context: { arguments: { language: "french" } },
    });
    expect(name.completion.values).toEqual(["Amélie"]);
  });

  it("caps template-variable completions at 100 values and says there are more", async () => {
    const { client } = await connected(protocol);
    const ids = await client.sdk.complete({
      ref: { type: "ref/resource", uri: "test://items/{id}" },
      argument: { name: "id", value: "" },
    });
    expect(ids.completion.values).toHaveLength(100);
    expect(ids.completion).toMatchObject({ total: 150, hasMore: true });
  });

  it("answers an argument without a completer with no values, and an unknown prompt with an error", async () => {
    const { client } = await connected(protocol);
    const none = await client.sdk.complete({
      ref: { type: "ref/prompt", name: "with-resource" },
      argument: { name: "x", value: "" },
    });
    expect(none.completion.values).toEqual([]);
    await expect(
      client.sdk.complete({ ref: { type: "ref/prompt", name: "nope" }, argument: { name: "x", value: "" } }),
    ).rejects.toThrow(/Unknown prompt: nope/);
  });

  it("renders prompt messages that embed a resource", async () => {
    const { client } = await connected(protocol);
    const prompt = await client.getPrompt("with-resource");
    expect(prompt.messages.map((message) => message.content.type)).toEqual(["resource", "text"]);
  });
});

describe("resources/subscribe (2025 sessions)", () => {
  it("sends notifications/resources/updated to subscribers only, until they unsubscribe", async () => {
    const { server, client } = await connected("2025");
    const updates: string[] = [];
    client.sdk.setNotificationHandler("notifications/resources/updated", (notification) => {
      updates.push(notification.params.uri);
    });
    expect(client.sdk.getServerCapabilities()?.resources?.subscribe).toBe(true);

    await client.sdk.subscribeResource({ uri: "test://doc" });
    await server.notifyResourceUpdated("test://doc");
    await server.notifyResourceUpdated("test://other"); // nobody subscribed to this one
    await client.listTools(); // a round trip: notifications sent before it have arrived
    expect(updates).toEqual(["test://doc"]);

    await client.sdk.unsubscribeResource({ uri: "test://doc" });
    await server.notifyResourceUpdated("test://doc");
    await client.listTools();
    expect(updates).toEqual(["test://doc"]);
  });

  it("is not offered under 2026-07-28, which removed it", async () => {
    const { client } = await connected("2026");
    expect(client.sdk.getServerCapabilities()?.resources?.subscribe).toBeUndefined();
  });
});

describe("ctx.elicit({ key }) under 2026-07-28", () => {
  it("names the input request on the wire and reads the answer back under that key", async () => {
    const server = buildServer();
    await server.run({ transport: "http", host: "127.0.0.1", port: 0 });
    open.push(() => server.close());
    const meta = modernMeta({ elicitation: {} });
    const round1 = await postModern(server.url!, {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "ask-name", arguments: {}, _meta: meta },
    });
    const result = round1.message.result as {
      resultType: string;
      inputRequests: Record<string, { method: string }>;
      requestState: string;
    };
    expect(result.resultType).toBe("input_required");
    expect(Object.keys(result.inputRequests)).toEqual(["user_name"]);
    expect(result.inputRequests.user_name?.method).toBe("elicitation/create");

    const round2 = await postModern(server.url!, {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: {
        name: "ask-name",
        arguments: {},
        _meta: meta,
        inputResponses: { user_name: { action: "accept", content: { name: "Ada" } } },
        requestState: result.requestState,
      },
    });
    expect(round2.message.result?.content).toEqual([{ type: "text", text: "Hello, Ada" }]);
  });
});
