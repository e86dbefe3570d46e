// The HTTP server as an OAuth resource server: RFC 9728 metadata, Bearer challenges naming it,
// JWT (JWKS) and introspection verification, ctx.auth with the verified claims, per-tool scopes
// answered 403 + insufficient_scope before the tool runs, on both protocol eras.
import { Client as SdkClient, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Client, FastMCP, introspectionVerifier, jwtVerifier } from "../../src/index.js";
import { startAuthorizationServer, type TestAuthorizationServer } from "../helpers/oauth-as.js";

let as: TestAuthorizationServer;
let server: FastMCP;
let url: string;
let metadataUrl: string;

function build(): FastMCP {
  const mcp = new FastMCP({ name: "protected", version: "1.0.0" });
  mcp.tool({
    name: "whoami",
    execute: (_args, ctx) =>
      JSON.stringify({
        sub: ctx.auth?.extra?.sub,
        scopes: ctx.auth?.scopes,
        claims: ctx.auth?.extra?.claims,
      }),
  });
  mcp.tool({
    name: "admin-ask",
    scopes: ["mcp:admin"],
    parameters: z.object({ q: z.string() }),
    execute: async ({ q }, ctx) => (await ctx.sample(q)).text,
  });
  return mcp;
}

function oauthOptions(verifier: "jwt" | "introspection" | "throws") {
  return {
    authorizationServers: [as.issuer],
    scopesSupported: ["mcp:tools", "mcp:admin"],
    resourceName: "Protected test server",
    verifier:
      verifier === "jwt"
        ? jwtVerifier({ jwksUri: as.jwksUri, issuer: as.issuer })
        : verifier === "introspection"
          ? introspectionVerifier({
              endpoint: as.introspectionEndpoint,
              clientId: "rs",
              clientSecret: "rs-secret",
            })
          : {
              verifyAccessToken: async () => {
                throw new Error("JWKS unreachable (test)");
              },
            },
  };
}

beforeAll(async () => {
  as = await startAuthorizationServer();
  server = build();
  await server.run({
    transport: "http",
    port: 0,
    auth: { oauth: oauthOptions("jwt") },
  });
  url = server.url!;
  metadataUrl = url.replace("/mcp", "/.well-known/oauth-protected-resource/mcp");
});
afterAll(async () => {
  await server.close();
  await as.close();
});

const rpc = (token: string | undefined, body: unknown, extra: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
      ...extra,
    },
    body: JSON.stringify(body),
  });

describe("protected-resource metadata (RFC 9728)", () => {
  it("is served at the path-aware well-known URL, and at the root form", async () => {
    for (const where of [metadataUrl, url.replace("/mcp", "/.well-known/oauth-protected-resource")]) {
      const response = await fetch(where);
      expect(response.status).toBe(where === metadataUrl ? 200 : 404);
    }
    const document = await (await fetch(metadataUrl)).json();
    expect(document).toEqual({
      resource: url,
      authorization_servers: [as.issuer],
      bearer_methods_supported: ["header"],
      scopes_supported: ["mcp:tools", "mcp:admin"],
      resource_name: "Protected test server",
    });
  });

  it("a request without a token gets 401 with a challenge naming the metadata and the scopes", async () => {
    const response = await rpc(undefined, { jsonrpc: "2.0", id: 1, method: "tools/list" });
    expect(response.status).toBe(401);
    const challenge = response.headers.get("www-authenticate")!;
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`resource_metadata="${metadataUrl}"`);
    expect(challenge).toContain('scope="mcp:tools mcp:admin"');
  });
});

describe("JWT access tokens (JWKS)", () => {
  it("ctx.auth carries the verified claims and scopes, on both eras", async () => {
    const token = await as.mint({ aud: url, scope: "mcp:tools", client_id: "app-1", tenant: "acme" });
    for (const protocol of ["2025", "2026"] as const) {
      const client = new Client(url, { authToken: token, protocol });
      await client.connect();
      const seen = JSON.parse((await client.callTool("whoami")).text);
      await client.close();
      expect(seen.sub).toBe("user-1");
      expect(seen.scopes).toEqual(["mcp:tools"]);
      expect(seen.claims).toMatchObject({ iss: as.issuer, aud: url, client_id: "app-1", tenant: "acme" });
    }
  });

  it("the official SDK client gets in with the token too", async () => {
    const token = await as.mint({ aud: url, scope: "mcp:tools" });
    const client = new SdkClient({ name: "sdk", version: "1" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    const { tools } = await client.listTools();
    await client.close();
    expect(tools.map((tool) => tool.name)).toEqual(["whoami", "admin-ask"]);
  });

  const refused: Array<[string, { aud?: string; exp?: number }]> = [
    ["issued for another resource (audience confusion)", { aud: "http://127.0.0.1:1/other" }],
    ["without an audience", {}],
    ["expired", { aud: "this server", exp: Math.floor(Date.now() / 1000) - 3600 }],
  ];
  it.each(refused)("refuses a token %s with 401 invalid_token", async (_label, claims) => {
    const token = await as.mint({
      scope: "mcp:tools",
      ...claims,
      ...(claims.aud === "this server" && { aud: url }),
    });
    const response = await rpc(token, { jsonrpc: "2.0", id: 1, method: "tools/list" });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(response.headers.get("www-authenticate")).toContain(`resource_metadata="${metadataUrl}"`);
  });

  it("refuses a token signed by someone else's key, and one from another issuer", async () => {
    const other = await startAuthorizationServer();
    try {
      const forged = await other.mint({ aud: url, scope: "mcp:tools mcp:admin" });
      expect((await rpc(forged, { jsonrpc: "2.0", id: 1, method: "tools/list" })).status).toBe(401);
    } finally {
      await other.close();
    }
    const tampered = (await as.mint({ aud: url, scope: "mcp:tools" })).split(".");
    const payload = JSON.parse(Buffer.from(tampered[1]!, "base64url").toString());
    tampered[1] = Buffer.from(JSON.stringify({ ...payload, scope: "mcp:tools mcp:admin" })).toString(
      "base64url",
    );
    expect((await rpc(tampered.join("."), { jsonrpc: "2.0", id: 1, method: "tools/list" })).status).toBe(401);
  });
});

describe("tool scopes: step-up", () => {
  it("a token without the tool's scope gets 403 insufficient_scope naming it, before the tool runs (both eras)", async () => {
    const token = await as.mint({ aud: url, scope: "mcp:tools" });
    let sampled = 0;
    for (const protocol of ["2025", "2026"] as const) {
      const client = new Client(url, {
        authToken: token,
        protocol,
        samplingHandler: () => {
          sampled++;
          return "should not be asked";
        },
      });
      await client.connect();
      const failure = await client.callTool("admin-ask", { q: "x" }).then(
        () => undefined,
        (error: unknown) => error,
      );
      await client.close();
      expect(String(failure)).toMatch(/InsufficientScope.*mcp:admin/);
    }
    expect(sampled).toBe(0);
    // The raw answer, as a host sees it.
    const response = await rpc(
      token,
      { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "admin-ask", arguments: { q: "x" } } },
      { "mcp-protocol-version": "2026-07-28" },
    );
    expect(response.status).toBe(403);
    const challenge = response.headers.get("www-authenticate")!;
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="mcp:admin"');
    expect(challenge).toContain(`resource_metadata="${metadataUrl}"`);
  });

  it("with the scope, the sampled tool runs", async () => {
    const token = await as.mint({ aud: url, scope: "mcp:tools mcp:admin" });
    const client = new Client(url, { authToken: token, samplingHandler: () => "admin answer" });
    await client.connect();
    expect((await client.callTool("admin-ask", { q: "x" })).text).toBe("admin answer");
    await client.close();
  });
});

describe("introspection, and a verifier that fails", () => {
  it("accepts an active opaque token, refuses an inactive or unknown one", async () => {
    const mcp = build();
    await mcp.run({ transport: "http", port: 0, auth: { oauth: oauthOptions("introspection") } });
    try {
      const good = as.opaque({
        sub: "user-9",
        scope: "mcp:tools",
        aud: mcp.url,
        exp: Math.floor(Date.now() / 1000) + 60,
      });
      const client = new Client(mcp.url!, { authToken: good });
      await client.connect();
      expect(JSON.parse((await client.callTool("whoami")).text)).toMatchObject({
        sub: "user-9",
        scopes: ["mcp:tools"],
      });
      await client.close();
      const unknown = await fetch(mcp.url!, {
        method: "POST",
        headers: {
          authorization: "Bearer opaque-nope",
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(unknown.status).toBe(401);
    } finally {
      await mcp.close();
    }
  });

  it("fails closed: a verifier that throws refuses with 401 and the reason goes to onerror only", async () => {
    const errors: Error[] = [];
    const mcp = build();
    await mcp.run({
      transport: "http",
      port: 0,
      auth: { oauth: oauthOptions("throws") },
      onerror: (e) => errors.push(e),
    });
    try {
      const response = await fetch(mcp.url!, {
        method: "POST",
        headers: {
          authorization: "Bearer x",
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(response.status).toBe(401);
      expect(await response.text()).not.toContain("JWKS unreachable");
      expect(errors.map((e) => e.message)).toEqual(["JWKS unreachable (test)"]);
    } finally {
      await mcp.close();
    }
  });
});
