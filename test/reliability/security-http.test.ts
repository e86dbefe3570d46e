import { request as httpRequest } from "node:http";
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthInfo, Client, type FastMCP } from "../../src/index.js";
import { startHttpServer } from "../../src/server/http-server.js";
import type { RunningHttpServer } from "../../src/server/http-types.js";
import build from "../fixtures/reliability-server.js";
import { MODERN, modernMeta } from "../helpers/raw-http.js";

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http, because fetch will not let a test forge the Host header. */
function rawPost(url: string, body: unknown, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};
const modernCall = {
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "ping-tool", arguments: {}, _meta: modernMeta({}) },
};
const modernHeaders = { "mcp-protocol-version": MODERN, "mcp-method": "tools/call", "mcp-name": "ping-tool" };

describe("DNS rebinding: Host and Origin on a loopback server (the defaults)", () => {
  let server: FastMCP;
  let url: string;
  let port: string;
  beforeAll(async () => {
    server = build();
    await server.run({ transport: "http", port: 0 });
    url = server.url!;
    port = new URL(url).port;
  });
  afterAll(() => server.close());

  it("binds 127.0.0.1 unless told otherwise", async () => {
    expect(new URL(url).hostname).toBe("127.0.0.1");
    // Not reachable on any other interface of this machine.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address !== undefined && address.family === "IPv4" && !address.internal);
    if (external !== undefined) {
      const error = await fetch(`http://${external.address}:${port}/mcp`, { method: "POST" }).catch(
        (e: unknown) => e,
      );
      expect((error as { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
    }
  });

  it.each([
    ["2025 initialize", initialize, {}],
    ["2026-07-28 request", modernCall, modernHeaders],
  ])("a %s with a foreign Host (a rebound DNS name) is refused with 403", async (_label, body, headers) => {
    const refused = await rawPost(url, body, { ...headers, host: `attacker.example:${port}` });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ jsonrpc: "2.0", error: { code: expect.any(Number) } });
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      expect((await rawPost(url, body, { ...headers, host })).status).toBe(200);
    }
  });

  it.each([
    ["2025 initialize", initialize, {}],
    ["2026-07-28 request", modernCall, modernHeaders],
  ])("a %s from a foreign browser Origin is refused with 403", async (_label, body, headers) => {
    const refused = await rawPost(url, body, { ...headers, origin: "https://attacker.example" });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error).toBeDefined();
    expect((await rawPost(url, body, { ...headers, origin: `http://localhost:${port}` })).status).toBe(200);
  });

  it("takes an explicit allow-list on other addresses", async () => {
    const other = build();
    const http = await startHttpServer(other, { port: 0, allowedHosts: ["mcp.example.com"] });
    try {
      const port2 = new URL(http.url).port;
      expect((await rawPost(http.url, initialize, { host: `mcp.example.com:${port2}` })).status).toBe(200);
      expect((await rawPost(http.url, initialize, { host: `localhost:${port2}` })).status).toBe(403);
    } finally {
      await http.close();
      await other.close();
    }
  });
});

describe("bearer-token and verifier auth", () => {
  const TOKEN = "s3cret-token-for-tests";
  let server: FastMCP;
  let http: RunningHttpServer;
  let verified: RunningHttpServer;
  const errors: Error[] = [];
  beforeAll(async () => {
    server = build();
    http = await startHttpServer(server, { port: 0, auth: { bearerToken: TOKEN } });
    verified = await startHttpServer(server, {
      port: 0,
      onerror: (error) => errors.push(error),
      auth: {
        verify: (request): AuthInfo | undefined => {
          const token = request.headers.get("authorization")?.replace(/^Bearer /, "");
          if (token === "boom") throw new Error("verifier exploded");
          const user = token?.endsWith("-token") ? token.slice(0, -"-token".length) : undefined;
          return user === undefined ? undefined : { token: token!, clientId: user, scopes: ["mcp"] };
        },
      },
    });
  });
  afterAll(async () => {
    await http?.close();
    await verified?.close();
    await server?.close();
  });

  it("401 with a Bearer challenge when the token is missing or wrong, for every method", async () => {
    const missing = await rawPost(http.url, initialize, {});
    expect(missing.status).toBe(401);
    expect(missing.headers["www-authenticate"]).toBe('Bearer realm="mcp"');
    expect(JSON.parse(missing.body)).toMatchObject({ jsonrpc: "2.0", error: { code: -32000 } });
    const wrong = await rawPost(http.url, modernCall, { ...modernHeaders, authorization: "Bearer nope" });
    expect(wrong.status).toBe(401);
    expect(wrong.headers["www-authenticate"]).toContain('error="invalid_token"');
    expect(wrong.body).not.toContain(TOKEN);
    const get = await fetch(http.url, { headers: { accept: "text/event-stream", "mcp-session-id": "x" } });
    expect(get.status).toBe(401);
    const del = await fetch(http.url, { method: "DELETE", headers: { "mcp-session-id": "x" } });
    expect(del.status).toBe(401);
  });

  it.each(["2025", "2026"] as const)(
    "a Client with the token gets in (%s); the tool sees ctx.auth",
    async (protocol) => {
      const refused = new Client(http.url, { protocol });
      await expect(refused.connect()).rejects.toThrow();
      const client = new Client(http.url, { protocol, authToken: TOKEN });
      await client.connect();
      try {
        const { structuredContent } = await client.callTool("whoami");
        expect(structuredContent).toEqual({ auth: { token: TOKEN, clientId: "bearer-token", scopes: [] } });
      } finally {
        await client.close();
      }
    },
  );

  it.each(["2025", "2026"] as const)(
    "a verifier decides who gets in and names them (%s)",
    async (protocol) => {
      for (const token of ["stranger", "boom"]) {
        const client = new Client(verified.url, { protocol, authToken: token });
        await expect(client.connect()).rejects.toThrow();
      }
      expect(errors.some((error) => error.message === "verifier exploded")).toBe(true);
      const alice = new Client(verified.url, { protocol, authToken: "alice-token" });
      await alice.connect();
      try {
        const { structuredContent } = await alice.callTool("whoami");
        expect(structuredContent).toEqual({
          auth: { token: "alice-token", clientId: "alice", scopes: ["mcp"] },
        });
      } finally {
        await alice.close();
      }
    },
  );

  it("a 2025 session belongs to whoever opened it", async () => {
    const opened = await fetch(verified.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        authorization: "Bearer alice-token",
      },
      body: JSON.stringify(initialize),
    });
    const session = opened.headers.get("mcp-session-id")!;
    await opened.text();
    const list = (token: string) =>
      fetch(verified.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          authorization: `Bearer ${token}`,
          "mcp-session-id": session,
          "mcp-protocol-version": "2025-11-25",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
      });
    expect((await list("bob-token")).status).toBe(404);
    const own = await list("alice-token");
    expect(own.status).toBe(200);
    await own.text();
  });

  it("a 2026-07-28 requestState minted for one caller is refused for another", async () => {
    const call = async (token: string, extra: Record<string, unknown>, id: number) => {
      const response = await fetch(verified.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          authorization: `Bearer ${token}`,
          ...modernHeaders,
          "mcp-name": "sample",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id,
          method: "tools/call",
          params: {
            name: "sample",
            arguments: { prompt: "x" },
            ...extra,
            _meta: modernMeta({ sampling: {} }),
          },
        }),
      });
      return (await response.json()) as {
        result?: { requestState?: string; content?: unknown };
        error?: { code: number };
      };
    };
    const first = await call("alice-token", {}, 1);
    const requestState = first.result?.requestState;
    expect(typeof requestState).toBe("string");
    const answer = { "sample-0": { role: "assistant", content: { type: "text", text: "ok" }, model: "m" } };
    const stolen = await call("bob-token", { requestState, inputResponses: answer }, 2);
    expect(stolen.error?.code).toBe(-32602);
    const own = await call("alice-token", { requestState, inputResponses: answer }, 3);
    expect(own.error).toBeUndefined();
    expect(JSON.stringify(own.result?.content)).toContain("ok");
  });
});
