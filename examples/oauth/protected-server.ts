// An HTTP server that is an OAuth resource server: tokens from your authorization server, checked
// against its JWKS; one tool needs an extra scope (403 + step-up challenge without it).
//   AUTH_ISSUER=https://auth.example.com npx tsx examples/oauth/protected-server.ts
import { z } from "zod";
import { FastMCP, jwtVerifier } from "../../src/index.js";

const issuer = process.env.AUTH_ISSUER ?? "http://127.0.0.1:9000";
const server = new FastMCP({ name: "protected", version: "1.0.0" });

server.tool({
  name: "whoami",
  execute: (_args, ctx) => `user ${String(ctx.auth?.extra?.sub)} with scopes ${ctx.auth?.scopes.join(" ")}`,
});

server.tool({
  name: "summarize-private",
  scopes: ["notes:read"], // a token without it gets 403 insufficient_scope naming "notes:read"
  parameters: z.object({ id: z.string() }),
  execute: async ({ id }, ctx) => (await ctx.sample(`Summarize note ${id}`)).text,
});

await server.run({
  transport: "http",
  port: 8000,
  auth: {
    oauth: {
      authorizationServers: [issuer],
      verifier: jwtVerifier({ jwksUri: `${issuer}/.well-known/jwks.json`, issuer }),
      requiredScopes: ["mcp"],
      scopesSupported: ["mcp", "notes:read"],
      // resource: "https://mcp.example.com/mcp",   // the public URL, when behind a proxy
    },
  },
});
