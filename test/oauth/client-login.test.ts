// Our Client logs in to our own OAuth-protected HTTP server through a local authorization server:
// discovery from the 401 challenge, dynamic registration (or a pre-registered client), authorization
// code + PKCE, scopes from the challenge, step-up on 403, refresh, client credentials.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  Client,
  type ClientOAuthOptions,
  FastMCP,
  jwtVerifier,
  type OAuthClientState,
} from "../../src/index.js";
import { startAuthorizationServer, type TestAuthorizationServer } from "../helpers/oauth-as.js";

let as: TestAuthorizationServer;
let server: FastMCP;
let url: string;
const REDIRECT = "http://127.0.0.1:1/callback"; // never contacted: the "browser" below stops at the redirect

beforeAll(async () => {
  as = await startAuthorizationServer();
  server = new FastMCP({ name: "protected", version: "1.0.0" });
  server.tool({
    name: "summarize",
    parameters: z.object({ text: z.string() }),
    execute: async ({ text }, ctx) => (await ctx.sample(`Summarize: ${text}`)).text,
  });
  server.tool({
    name: "admin-summarize",
    scopes: ["mcp:admin"],
    parameters: z.object({ text: z.string() }),
    execute: async ({ text }, ctx) => `admin: ${(await ctx.sample(`Summarize: ${text}`)).text}`,
  });
  await server.run({
    transport: "http",
    port: 0,
    auth: {
      oauth: {
        authorizationServers: [as.issuer],
        verifier: jwtVerifier({ jwksUri: as.jwksUri, issuer: as.issuer }),
        requiredScopes: ["mcp:tools"],
      },
    },
  });
  url = server.url!;
});
afterAll(async () => {
  await server.close();
  await as.close();
});

/** The user's browser: follows the authorization URL and hands back where the server redirected it. */
function browser(visited: URL[]) {
  return async (authorizationUrl: URL) => {
    visited.push(authorizationUrl);
    const response = await fetch(authorizationUrl, { redirect: "manual" });
    expect(response.status).toBe(302);
    return response.headers.get("location")!;
  };
}

describe("Client OAuth login", () => {
  it("logs in through the browser flow (DCR, PKCE, scope from the challenge) and calls a sampled tool, on both eras", async () => {
    for (const protocol of ["2025", "2026"] as const) {
      const visited: URL[] = [];
      const registrationsBefore = as.registrations.length;
      const auth: ClientOAuthOptions = {
        authorize: browser(visited),
        redirectUrl: REDIRECT,
        clientName: "login test",
      };
      const client = new Client(url, { auth, protocol, samplingHandler: () => "a short summary" });
      await client.connect();
      expect((await client.callTool("summarize", { text: "long text" })).text).toBe("a short summary");
      await client.close();
      expect(visited).toHaveLength(1);
      const query = visited[0]!.searchParams;
      expect(query.get("code_challenge_method")).toBe("S256");
      expect(query.get("scope")).toBe("mcp:tools"); // from the 401 challenge
      expect(query.get("resource")).toBe(url);
      expect(as.registrations.length).toBe(registrationsBefore + 1);
      expect(as.registrations.at(-1)).toMatchObject({ client_name: "login test", redirect_uris: [REDIRECT] });
    }
  });

  it("steps up: a 403 insufficient_scope sends the user back to log in for the union of scopes, then the call goes through", async () => {
    const visited: URL[] = [];
    const client = new Client(url, {
      auth: { authorize: browser(visited), redirectUrl: REDIRECT },
      samplingHandler: () => "summary",
    });
    await client.connect();
    expect((await client.callTool("summarize", { text: "x" })).text).toBe("summary");
    expect(visited).toHaveLength(1);
    expect((await client.callTool("admin-summarize", { text: "x" })).text).toBe("admin: summary");
    expect(visited).toHaveLength(2);
    expect(visited[1]!.searchParams.get("scope")!.split(" ").sort()).toEqual(["mcp:admin", "mcp:tools"]);
    await client.close();
  });

  it("a token without the tool's scope still gets 403 when the user is not granted it (the AS refuses the scope)", async () => {
    const grant = as.grant;
    as.grant = (requested) => requested.filter((scope) => scope !== "mcp:admin");
    try {
      const visited: URL[] = [];
      const client = new Client(url, {
        auth: { authorize: browser(visited), redirectUrl: REDIRECT },
        samplingHandler: () => "s",
      });
      await client.connect();
      const failure = await client
        .callTool("admin-summarize", { text: "x" })
        .catch((error: unknown) => error);
      await client.close();
      expect(String(failure)).toMatch(/403|insufficient_scope/);
      expect(visited.length).toBeGreaterThanOrEqual(2);
    } finally {
      as.grant = grant;
    }
  });

  it("refreshes an expired access token (kept in the store since the last run) without a second login", async () => {
    const visited: URL[] = [];
    let state: OAuthClientState | undefined;
    const store = {
      load: () => state,
      save: (next: OAuthClientState) => {
        state = next;
      },
    };
    const options = () => ({
      auth: { authorize: browser(visited), redirectUrl: REDIRECT, store },
      samplingHandler: () => "ok",
    });
    const first = new Client(url, options());
    await first.connect();
    await first.close();
    // Time passes: the stored access token has expired; the refresh token has not.
    const expired = await as.mint({ aud: url, scope: "mcp:tools", exp: Math.floor(Date.now() / 1000) - 600 });
    state = { ...state!, tokens: { ...state!.tokens!, access_token: expired } };
    const requestsBefore = as.tokenRequests.length;
    const second = new Client(url, options());
    await second.connect();
    expect((await second.callTool("summarize", { text: "x" })).text).toBe("ok");
    await second.close();
    expect(visited).toHaveLength(1);
    expect(as.tokenRequests.slice(requestsBefore).map((request) => request.grant_type)).toEqual([
      "refresh_token",
    ]);
  });

  it("a pre-registered client skips registration; a store keeps the login for the next Client", async () => {
    as.registerClient({ client_id: "pre-registered", client_secret: "s3cret", redirect_uris: [REDIRECT] });
    const saved: unknown[] = [];
    let state: OAuthClientState | undefined;
    const store = {
      load: () => state,
      save: (next: NonNullable<typeof state>) => {
        state = next;
        saved.push(next);
      },
    };
    const visited: URL[] = [];
    const registrationsBefore = as.registrations.length;
    const options = () => ({
      auth: {
        authorize: browser(visited),
        redirectUrl: REDIRECT,
        clientId: "pre-registered",
        clientSecret: "s3cret",
        store,
      },
      samplingHandler: () => "pre",
    });
    for (let run = 0; run < 2; run++) {
      const client = new Client(url, options());
      await client.connect();
      expect((await client.callTool("summarize", { text: "x" })).text).toBe("pre");
      await client.close();
    }
    expect(visited).toHaveLength(1); // the second Client used the stored token
    expect(as.registrations.length).toBe(registrationsBefore);
    expect(as.authorizations.at(-1)!.clientId).toBe("pre-registered");
    expect(JSON.stringify(state)).not.toContain("s3cret"); // configuration, not state
  });

  it("client_credentials for a client without a user", async () => {
    as.registerClient({ client_id: "machine", client_secret: "m-secret", redirect_uris: [] });
    const client = new Client(url, {
      auth: { clientId: "machine", clientSecret: "m-secret" },
      samplingHandler: () => "m2m",
    });
    await client.connect();
    expect((await client.callTool("summarize", { text: "x" })).text).toBe("m2m");
    await client.close();
    expect(as.tokenRequests.at(-1)).toMatchObject({ grant_type: "client_credentials", scope: "mcp:tools" });
  });

  it("refuses a login answer with another state (a forged callback) and says why", async () => {
    const client = new Client(url, {
      auth: {
        redirectUrl: REDIRECT,
        authorize: async (authorizationUrl) => {
          const location = new URL(
            (await fetch(authorizationUrl, { redirect: "manual" })).headers.get("location")!,
          );
          location.searchParams.set("state", "attacker-state");
          return location;
        },
      },
    });
    const failure = await client.connect().catch((error: unknown) => error);
    expect(String(failure)).toContain("state");
  });
});
