// An `auth` option that is present but names no check (the docs' `{ bearerToken: process.env.MCP_TOKEN }`
// with the variable unset) refuses to start instead of serving an open endpoint.
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { FastMCP, FastMCPError } from "../../src/index.js";

const EMPTY: Array<[string, { bearerToken?: string; verify?: () => undefined }, string]> = [
  [
    "bearerToken undefined (an unset variable)",
    { bearerToken: process.env.FASTMCP_TS_UNSET_TOKEN },
    "auth.bearerToken is undefined",
  ],
  ["an empty object", {}, "auth.bearerToken is undefined"],
  ["an empty bearerToken", { bearerToken: "" }, "auth.bearerToken is empty"],
  ["a blank bearerToken", { bearerToken: "   " }, "auth.bearerToken is empty"],
  [
    "an empty bearerToken beside a verifier",
    { bearerToken: "", verify: () => undefined },
    "auth.bearerToken is empty",
  ],
];

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("an empty auth option", () => {
  it.each(EMPTY)(
    "%s: run() rejects with CONFIG naming the option, and nothing listens",
    async (_label, auth, text) => {
      const server = new FastMCP({ name: "auth-config" });
      const port = await freePort();
      const failure = await server.run({ transport: "http", port, auth }).catch((error: unknown) => error);
      expect(FastMCPError.isInstance(failure)).toBe(true);
      expect((failure as FastMCPError).code).toBe("CONFIG");
      expect((failure as FastMCPError).message).toContain(text);
      expect(server.url).toBeUndefined();
      await expect(fetch(`http://127.0.0.1:${port}/mcp`, { method: "POST", body: "{}" })).rejects.toThrow();
      await server.close();
    },
  );

  it("httpHandler() refuses it too", () => {
    const server = new FastMCP({ name: "auth-config" });
    expect(() => server.httpHandler({ auth: { bearerToken: undefined } })).toThrow(
      /auth\.bearerToken is undefined/,
    );
  });

  it("a real token or a verifier alone still starts", async () => {
    const server = new FastMCP({ name: "auth-config" });
    await server.run({ transport: "http", port: 0, auth: { bearerToken: "s3cret" } });
    expect((await fetch(server.url!, { method: "POST", body: "{}" })).status).toBe(401);
    await server.close();
    const verified = new FastMCP({ name: "auth-config" });
    expect(() => verified.httpHandler({ auth: { verify: () => undefined } })).not.toThrow();
    await verified.close();
  });
});
