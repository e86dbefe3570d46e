import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type AuthInfo, FastMCP, type FastMCPOptions } from "../../src/index.js";
import { startHttpServer } from "../../src/server/http-server.js";
import type { RunningHttpServer } from "../../src/server/http-types.js";
import { legacyInitialize, MODERN, modernMeta, type RawMessage, readMessages } from "../helpers/raw-http.js";

// One OAuth client app ("desktop-app") used by two people: the verifier tells them apart by `sub`.
const verify = (request: Request): AuthInfo | undefined => {
  const user = request.headers.get("authorization")?.replace(/^Bearer /, "");
  if (user !== "alice" && user !== "bob") return undefined;
  return { token: user, clientId: "desktop-app", scopes: ["mcp"], extra: { sub: user } };
};

function payServer(options: Partial<FastMCPOptions> = {}) {
  const charges: string[] = [];
  const server = new FastMCP({ name: "shop", ...options });
  server.tool({
    name: "pay",
    parameters: z.object({ amount: z.number() }),
    execute: async ({ amount }, ctx) => {
      // The docs' pattern: authorise (charge) once per call, then ask the user to confirm.
      const payer = await ctx.once(() => {
        const who = String(ctx.auth?.extra?.sub);
        charges.push(who);
        return who;
      });
      const confirm = await ctx.elicit({
        message: `Pay ${amount}?`,
        requestedSchema: { type: "object", properties: { ok: { type: "boolean" } } },
      });
      return `charged ${payer}, confirmed by ${String(ctx.auth?.extra?.sub)} (${confirm.action})`;
    },
  });
  return { server, charges };
}

const JSON_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

async function modernCall(url: string, user: string, params: Record<string, unknown>): Promise<RawMessage> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      ...JSON_HEADERS,
      authorization: `Bearer ${user}`,
      "mcp-protocol-version": MODERN,
      "mcp-method": "tools/call",
      "mcp-name": "pay",
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "pay", arguments: { amount: 100 }, ...params, _meta: modernMeta({ elicitation: {} }) },
    }),
  });
  return (await readMessages(response)).at(-1)!;
}

/** Alice's first round: her charge is made and kept in the state she gets back. */
async function aliceFirstRound(url: string) {
  const first = await modernCall(url, "alice", {});
  const { requestState, inputRequests } = first.result as {
    requestState: string;
    inputRequests: Record<string, unknown>;
  };
  const [key] = Object.keys(inputRequests);
  const inputResponses = { [key!]: { action: "accept", content: { ok: true } } };
  return { requestState, inputResponses };
}

describe("2026-07-28 request state is bound to the principal, not the OAuth client app", () => {
  let http: RunningHttpServer;
  let shop: ReturnType<typeof payServer>;
  beforeAll(async () => {
    shop = payServer();
    http = await startHttpServer(shop.server, { port: 0, auth: { verify } });
  });
  afterAll(async () => {
    await http.close();
    await shop.server.close();
  });

  it("Bob cannot complete Alice's call from her requestState (her ctx.once result)", async () => {
    const { requestState, inputResponses } = await aliceFirstRound(http.url);
    expect(shop.charges).toEqual(["alice"]);
    const stolen = await modernCall(http.url, "bob", { requestState, inputResponses });
    expect(stolen.result).toBeUndefined();
    expect(stolen.error?.code).toBe(-32602);
    const own = await modernCall(http.url, "alice", { requestState, inputResponses });
    expect(JSON.stringify(own.result?.content)).toContain("charged alice, confirmed by alice (accept)");
    expect(shop.charges).toEqual(["alice"]);
  });

  it("a principal(authInfo) option decides instead (here: the app, as before)", async () => {
    const shared = payServer({ principal: (authInfo) => authInfo.clientId });
    const server = await startHttpServer(shared.server, { port: 0, auth: { verify } });
    try {
      const { requestState, inputResponses } = await aliceFirstRound(server.url);
      const reused = await modernCall(server.url, "bob", { requestState, inputResponses });
      expect(JSON.stringify(reused.result?.content)).toContain("charged alice, confirmed by bob");
    } finally {
      await server.close();
      await shared.server.close();
    }
  });
});

describe("2025 sessions are bound to the principal", () => {
  let http: RunningHttpServer;
  let shop: ReturnType<typeof payServer>;
  beforeAll(async () => {
    shop = payServer();
    http = await startHttpServer(shop.server, { port: 0, auth: { verify } });
  });
  afterAll(async () => {
    await http.close();
    await shop.server.close();
  });

  async function aliceSession(): Promise<Record<string, string>> {
    const init = await fetch(http.url, {
      method: "POST",
      headers: { ...JSON_HEADERS, authorization: "Bearer alice" },
      body: JSON.stringify(legacyInitialize({})),
    });
    await init.text();
    expect(init.status).toBe(200);
    return {
      ...JSON_HEADERS,
      "mcp-session-id": init.headers.get("mcp-session-id")!,
      "mcp-protocol-version": "2025-11-25",
    };
  }
  const listTools = (headers: Record<string, string>, user: string) =>
    fetch(http.url, {
      method: "POST",
      headers: { ...headers, authorization: `Bearer ${user}` },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
    });

  it("Bob's POST, GET and DELETE on Alice's session are refused, and her session lives on", async () => {
    const session = await aliceSession();
    const post = await listTools(session, "bob");
    expect(post.status).toBe(404);
    await post.text();
    const get = await fetch(http.url, {
      headers: { ...session, accept: "text/event-stream", authorization: "Bearer bob" },
    });
    expect(get.status).toBe(404);
    await get.text();
    const del = await fetch(http.url, {
      method: "DELETE",
      headers: { ...session, authorization: "Bearer bob" },
    });
    expect(del.status).toBe(404);
    await del.text();
    const own = await listTools(session, "alice");
    expect(own.status).toBe(200);
    expect(JSON.stringify(await readMessages(own))).toContain('"pay"');
    expect(http.sessionCount).toBe(1);
    const ended = await fetch(http.url, {
      method: "DELETE",
      headers: { ...session, authorization: "Bearer alice" },
    });
    expect(ended.status).toBe(200);
    expect(http.sessionCount).toBe(0);
  });
});
