import type { Server } from "@modelcontextprotocol/server";
import { afterEach, describe, expect, it } from "vitest";
import { type AuthInfo, FastMCP } from "../../src/index.js";
import { startHttpServer } from "../../src/server/http-server.js";
import type { HttpRunOptions, RunningHttpServer } from "../../src/server/http-types.js";
import { legacyInitialize } from "../helpers/raw-http.js";

/** A server that counts the SDK servers it builds and how many of them were closed again. */
function countingServer() {
  const server = new FastMCP({ name: "memory" });
  const live = new Set<Server>();
  let built = 0;
  const create = server.createServer.bind(server);
  server.createServer = (era) => {
    const sdk = create(era);
    built++;
    live.add(sdk);
    const previous = sdk.onclose;
    sdk.onclose = () => {
      live.delete(sdk);
      previous?.();
    };
    return sdk;
  };
  return { server, live, built: () => built };
}

const running: Array<{ http: RunningHttpServer; server: FastMCP }> = [];
afterEach(async () => {
  for (const { http, server } of running.splice(0)) {
    await http.close();
    await server.close();
  }
});
async function start(server: FastMCP, options: HttpRunOptions = {}) {
  const http = await startHttpServer(server, { port: 0, ...options });
  running.push({ http, server });
  return http;
}

const initBody = JSON.stringify(legacyInitialize({}));
const initialize = (url: string, headers: Record<string, string>) =>
  fetch(url, { method: "POST", headers, body: initBody });

describe("a refused initialize keeps nothing", () => {
  it("2,000 initializes refused with 406 and 415 leave no server behind", async () => {
    const { server, live, built } = countingServer();
    const http = await start(server);
    const refusals = [
      { "content-type": "application/json", accept: "text/html" }, // 406: no SSE/JSON accepted
      { "content-type": "text/plain", accept: "application/json, text/event-stream" }, // 415
    ];
    const statuses = new Set<number>();
    for (let i = 0; i < 2_000; i += 100) {
      const batch = await Promise.all(
        Array.from({ length: 100 }, async (_, j) => {
          const response = await initialize(http.url, refusals[(i + j) % 2]!);
          await response.text();
          return response.status;
        }),
      );
      for (const status of batch) statuses.add(status);
    }
    expect([...statuses].sort()).toEqual([406, 415]);
    expect(built()).toBe(2_000);
    expect(live.size).toBe(0);
    expect(http.sessionCount).toBe(0);
    // The endpoint still opens real sessions afterwards.
    const ok = await initialize(http.url, {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    });
    await ok.text();
    expect(ok.status).toBe(200);
    expect(live.size).toBe(1);
  });
});

const ACCEPT = { "content-type": "application/json", accept: "application/json, text/event-stream" };
const verify = (request: Request): AuthInfo | undefined => {
  const user = request.headers.get("authorization")?.replace(/^Bearer /, "");
  return user === undefined ? undefined : { token: user, clientId: "app", scopes: [], extra: { sub: user } };
};

describe("caps on open sessions", () => {
  it("per principal: the next initialize gets 429 naming the option; others and a freed slot still get in", async () => {
    const http = await start(new FastMCP({ name: "caps" }), { auth: { verify }, maxSessionsPerPrincipal: 2 });
    const open = async (user: string) => {
      const response = await initialize(http.url, { ...ACCEPT, authorization: `Bearer ${user}` });
      const text = await response.text();
      return { status: response.status, text, session: response.headers.get("mcp-session-id") };
    };
    const first = await open("mallory");
    expect((await open("mallory")).status).toBe(200);
    const refused = await open("mallory");
    expect(refused.status).toBe(429);
    expect(refused.text).toContain("maxSessionsPerPrincipal");
    expect((await open("alice")).status).toBe(200);
    const closed = await fetch(http.url, {
      method: "DELETE",
      headers: {
        ...ACCEPT,
        authorization: "Bearer mallory",
        "mcp-session-id": first.session!,
        "mcp-protocol-version": "2025-11-25",
      },
    });
    expect(closed.status).toBe(200);
    expect((await open("mallory")).status).toBe(200);
    expect(http.sessionCount).toBe(3);
  });

  it("in total: 503 naming maxSessions, with concurrent initializes never slipping past the cap", async () => {
    const http = await start(new FastMCP({ name: "caps" }), { maxSessions: 5 });
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await initialize(http.url, ACCEPT);
        const text = await response.text();
        if (response.status === 503) expect(text).toContain("maxSessions");
        return response.status;
      }),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.filter((status) => status === 503)).toHaveLength(15);
    expect(http.sessionCount).toBe(5);
  });
});

describe("a session never used is reaped early", () => {
  it("an initialize-only session goes after unusedSessionTimeoutMs; a used one stays", async () => {
    const http = await start(new FastMCP({ name: "unused" }), { unusedSessionTimeoutMs: 150 });
    const openSession = async () => {
      const response = await initialize(http.url, ACCEPT);
      await response.text();
      const headers = {
        ...ACCEPT,
        "mcp-session-id": response.headers.get("mcp-session-id")!,
        "mcp-protocol-version": "2025-11-25",
      };
      const initialized = await fetch(http.url, {
        method: "POST",
        headers,
        body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
      });
      await initialized.text();
      return headers;
    };
    await openSession();
    const used = await openSession();
    const list = await fetch(http.url, {
      method: "POST",
      headers: used,
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
    });
    await list.text();
    expect(http.sessionCount).toBe(2);
    const deadline = Date.now() + 10_000;
    while (http.sessionCount > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(http.sessionCount).toBe(1);
    const again = await fetch(http.url, {
      method: "POST",
      headers: used,
      body: JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/list" }),
    });
    expect(again.status).toBe(200);
    await again.text();
  });
});
