import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FastMCP } from "../../src/index.js";
import { startHttpServer } from "../../src/server/http-server.js";
import type { RunningHttpServer } from "../../src/server/http-types.js";
import { modernMeta, postModern } from "../helpers/raw-http.js";

let server: FastMCP;
let http: RunningHttpServer;
beforeAll(async () => {
  server = new FastMCP({ name: "asks" });
  server.tool({
    name: "age",
    execute: async (_args, ctx) => {
      const answer = await ctx.elicit({
        message: "Your age?",
        requestedSchema: { type: "object", properties: { age: { type: "number" } }, required: ["age"] },
      });
      return `${answer.action}:${JSON.stringify(answer.content)}`;
    },
  });
  server.tool({
    name: "roots2",
    execute: async (_args, ctx) => JSON.stringify((await ctx.listRoots()).roots),
  });
  http = await startHttpServer(server, { port: 0 });
});
afterAll(async () => {
  await http.close();
  await server.close();
});

async function answerWith(tool: string, answer: unknown, capabilities: object) {
  const call = (extra: Record<string, unknown>) =>
    postModern(http.url, {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: tool, arguments: {}, ...extra, _meta: modernMeta(capabilities) },
    });
  const first = await call({});
  const { requestState, inputRequests } = first.message.result as {
    requestState: string;
    inputRequests: Record<string, unknown>;
  };
  const [key] = Object.keys(inputRequests);
  const second = await call({ requestState, inputResponses: { [key!]: answer } });
  return JSON.stringify(second.message.result ?? second.message.error);
}

describe("2026-07-28 elicit and roots answers are validated before the tool sees them", () => {
  it.each([
    [{ action: "definitely-not-an-action" }, "action must be accept, decline or cancel"],
    [{ action: "accept", content: { age: { $gt: "" } } }, "field age does not match its schema"],
    [{ action: "accept", content: {} }, "required field age is missing"],
    [{ action: "accept", content: { age: 3, admin: true } }, "field admin was not asked for"],
  ])("elicit answer %j is refused", async (answer, reason) => {
    const seen = await answerWith("age", answer, { elicitation: {} });
    expect(seen).toContain(reason);
    expect(seen).toContain('"isError":true');
  });

  it("a valid elicit answer reaches the tool", async () => {
    expect(
      await answerWith("age", { action: "accept", content: { age: 42 } }, { elicitation: {} }),
    ).toContain('accept:{\\"age\\":42}');
  });

  it("a roots answer that is not a list of roots is refused", async () => {
    expect(await answerWith("roots2", { roots: "file:///etc" }, { roots: {} })).toContain(
      "roots must be a list",
    );
    // Only the SDK's schema knows a root must be a file:// URI.
    const web = await answerWith("roots2", { roots: [{ uri: "https://attacker.example/" }] }, { roots: {} });
    expect(web).toContain('"isError":true');
    expect(web).toContain("roots/list with an invalid result: roots.0.uri");
    expect(await answerWith("roots2", { roots: [{ uri: "file:///work" }] }, { roots: {} })).toContain(
      "file:///work",
    );
  });
});
