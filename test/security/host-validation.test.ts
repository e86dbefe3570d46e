import { request as httpRequest } from "node:http";
import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { FastMCP } from "../../src/index.js";
import { startHttpServer } from "../../src/server/http-server.js";
import type { RunningHttpServer } from "../../src/server/http-types.js";
import { legacyInitialize } from "../helpers/raw-http.js";

/** node:http, because fetch will not let a test forge the Host header. */
function rawPost(
  address: string,
  port: number,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: address,
        port,
        path: "/mcp",
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
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(legacyInitialize({})));
  });
}

const open: Array<{ http: RunningHttpServer; server: FastMCP }> = [];
afterEach(async () => {
  for (const { http, server } of open.splice(0)) {
    await http.close();
    await server.close();
  }
});

async function serve(host: string) {
  const server = new FastMCP({ name: "rebind-target" });
  const http = await startHttpServer(server, { host, port: 0 });
  open.push({ http, server });
  return Number(new URL(http.url).port);
}

// Each spelling of a bind the review found unprotected, and where a client on this machine connects.
const BINDS: Array<[bind: string, connect: string, wildcard: boolean]> = [
  ["0.0.0.0", "127.0.0.1", true],
  ["::", "127.0.0.1", true],
  ["127.0.0.2", "127.0.0.2", false],
  ["::ffff:127.0.0.1", "127.0.0.1", false],
  ["127.1", "127.0.0.1", false],
];

describe("run({ host }) decides 'loopback' from the address really bound", () => {
  it.each(BINDS)(
    "bound to %s: a foreign Host (a rebound DNS name) gets 403 naming allowedHosts",
    async (bind, connect, wildcard) => {
      const port = await serve(bind);
      const refused = await rawPost(connect, port, { host: `attacker.example:${port}` });
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body).error.message).toContain("allowedHosts");
      const browser = await rawPost(connect, port, {
        host: `localhost:${port}`,
        origin: "https://attacker.example",
      });
      expect(browser.status).toBe(403);
      expect(browser.body).toContain("allowedOrigins");
      // The machine's own names still work.
      expect((await rawPost(connect, port, { host: `localhost:${port}` })).status).toBe(200);
      if (wildcard)
        expect((await rawPost(connect, port, { host: `${hostname()}:${port}` })).status).toBe(200);
      else expect((await rawPost(connect, port, { host: `${connect}:${port}` })).status).toBe(200);
    },
  );
});

describe("a mounted server.httpHandler() with default options", () => {
  const post = (
    handler: { fetch(request: Request): Promise<Response> },
    url: string,
    headers: Record<string, string> = {},
  ) =>
    handler.fetch(
      new Request(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...headers,
        },
        body: JSON.stringify(legacyInitialize({})),
      }),
    );

  it("refuses a foreign Host or Origin with 403 saying which option to set, and serves localhost", async () => {
    const server = new FastMCP({ name: "mounted" });
    const handler = server.httpHandler();
    try {
      const refused = await post(handler, "http://attacker.example/mcp");
      expect(refused.status).toBe(403);
      const message = ((await refused.json()) as { error: { message: string } }).error.message;
      expect(message).toContain("allowedHosts");
      expect(message).toContain('"any"');
      const hostHeader = await post(handler, "http://localhost/mcp", { host: "attacker.example" });
      expect(hostHeader.status).toBe(403);
      await hostHeader.text();
      const origin = await post(handler, "http://localhost:3000/mcp", { origin: "https://attacker.example" });
      expect(origin.status).toBe(403);
      await origin.text();
      const local = await post(handler, "http://localhost:3000/mcp");
      expect(local.status).toBe(200);
      await local.text();
    } finally {
      await server.close();
    }
  });

  it("serves the names it is given, or any host when told so explicitly", async () => {
    const server = new FastMCP({ name: "mounted" });
    const named = server.httpHandler({ allowedHosts: ["mcp.example.com"] });
    const open = server.httpHandler({ allowedHosts: "any" });
    try {
      const ok = await post(named, "https://mcp.example.com/mcp", { origin: "https://mcp.example.com" });
      expect(ok.status).toBe(200);
      await ok.text();
      const other = await post(named, "https://attacker.example/mcp");
      expect(other.status).toBe(403);
      await other.text();
      const anyHost = await post(open, "https://attacker.example/mcp");
      expect(anyHost.status).toBe(200);
      await anyHost.text();
    } finally {
      await server.close();
    }
  });
});
