// What a 2025 session sets on one instance holds on the others: its log level, and its resource
// subscriptions (an update is delivered on the GET stream, by whichever instance holds it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FastMCP, memorySessionStore } from "../../src/index.js";
import { startHttpServer } from "../../src/server/http-server.js";
import type { RunningHttpServer } from "../../src/server/http-types.js";
import { openLegacySession, readMessages, streamSse } from "../helpers/raw-http.js";

const servers: FastMCP[] = [];
const http: RunningHttpServer[] = [];

beforeAll(async () => {
  const store = memorySessionStore();
  for (const label of ["A", "B"]) {
    const server = new FastMCP({ name: "state" });
    server.tool({
      name: "chatty",
      execute: async (_args, ctx) => {
        await ctx.debug(`debug from ${label}`);
        await ctx.warning(`warning from ${label}`);
        return label;
      },
    });
    server.resource({ uri: "memo://one", name: "one", read: () => "1" });
    servers.push(server);
    http.push(await startHttpServer(server, { port: 0, sessionStore: store }));
  }
});
afterAll(async () => {
  await Promise.all(http.map((h) => h.close()));
});

const post = (url: string, headers: Record<string, string>, body: object) =>
  fetch(url, { method: "POST", headers, body: JSON.stringify(body) });

describe("session state shared between instances", () => {
  it("a log level set on one instance filters the tool's logs on the other", async () => {
    const headers = await openLegacySession(http[0]!.url);
    await (
      await post(http[0]!.url, headers, {
        jsonrpc: "2.0",
        id: 2,
        method: "logging/setLevel",
        params: { level: "warning" },
      })
    ).text();
    const messages = await readMessages(
      await post(http[1]!.url, headers, {
        jsonrpc: "2.0",
        id: 3,
        method: "tools/call",
        params: { name: "chatty", arguments: {} },
      }),
    );
    const logs = messages.filter((m) => m.method === "notifications/message").map((m) => m.params?.data);
    expect(logs).toEqual(["warning from B"]);
    expect(messages.at(-1)?.result?.content).toEqual([{ type: "text", text: "B" }]);
  });

  it("a subscription made on one instance is notified on the GET stream held by the other", async () => {
    const headers = await openLegacySession(http[0]!.url);
    const stream = await fetch(http[1]!.url, {
      method: "GET",
      headers: { ...headers, accept: "text/event-stream" },
    });
    expect(stream.status).toBe(200);
    const subscribed = await post(http[0]!.url, headers, {
      jsonrpc: "2.0",
      id: 2,
      method: "resources/subscribe",
      params: { uri: "memo://one" },
    });
    await subscribed.text();
    // The update is announced on A; B holds the stream and delivers it.
    await servers[0]!.notifyResourceUpdated("memo://one");
    const events = streamSse(stream);
    const first = await events.next();
    expect(first.value).toMatchObject({
      method: "notifications/resources/updated",
      params: { uri: "memo://one" },
    });
    await events.return(undefined);
  });
});
