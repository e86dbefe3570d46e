// Two HTTP instances sharing one session store, with every request of a client alternating between
// them (round robin, as a balancer without affinity would): sessions opened on one are served by
// the other, and a sampling answer POSTed to the instance whose tool is not waiting still arrives.
import { Client as V2Client, StreamableHTTPClientTransport as V2Http } from "@modelcontextprotocol/client";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as V1Http } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, FastMCP, memorySessionStore } from "../../src/index.js";
import { startHttpServer } from "../../src/server/http-server.js";
import type { RunningHttpServer } from "../../src/server/http-types.js";

function build(label: string): FastMCP {
  const server = new FastMCP({ name: "shared", sampleTimeoutMs: 10_000 });
  server.tool({
    name: "ask",
    execute: async (args: { prompt?: string }, ctx) => {
      const first = await ctx.sample(args.prompt ?? "hi");
      return `${label}|${first.text}`;
    },
  });
  server.tool({ name: "where", execute: () => label });
  return server;
}

/**
 * Spreads requests over the instances with no affinity at all (a pattern of period 3, so a call and
 * its sampling answer do not always land on the same one), and remembers which got what.
 */
function roundRobin(urls: string[]) {
  let next = 0;
  const log: Array<{ instance: number; body: string }> = [];
  const fetchImpl = (_input: string | URL | Request, init?: RequestInit) => {
    const instance = [0, 1, 1][next++ % 3]! % urls.length;
    log.push({ instance, body: typeof init?.body === "string" ? init.body : "" });
    const url = urls[instance]!;
    return fetch(url, init);
  };
  return { fetchImpl, log };
}

const answer = (text: string) => ({
  role: "assistant" as const,
  content: { type: "text" as const, text },
  model: "m",
  stopReason: "endTurn",
});

describe("2025 sessions shared by two instances (memory store)", () => {
  const servers: FastMCP[] = [];
  const http: RunningHttpServer[] = [];
  beforeAll(async () => {
    const store = memorySessionStore();
    for (const label of ["A", "B"]) {
      const server = build(label);
      servers.push(server);
      http.push(await startHttpServer(server, { port: 0, sessionStore: store }));
    }
  });
  afterAll(async () => {
    await Promise.all(http.map((h) => h.close()));
  });

  it("SDK v2 client: every call answered, served by both instances, answers forwarded", async () => {
    const { fetchImpl, log } = roundRobin(http.map((h) => h.url));
    const client = new V2Client({ name: "v2", version: "1" }, { capabilities: { sampling: {} } });
    client.setRequestHandler("sampling/createMessage", async (request) => {
      const content = request.params.messages.at(-1)?.content as { text: string };
      return answer(`echo:${content.text}`);
    });
    await client.connect(new V2Http(new URL(http[0]!.url), { fetch: fetchImpl }));
    try {
      const ran = new Set<string>();
      for (let i = 0; i < 6; i++) {
        const result = await client.callTool({ name: "ask", arguments: { prompt: `p${i}` } });
        const text = (result.content as Array<{ text: string }>)[0]!.text;
        const [label, echoed] = text.split("|");
        expect(echoed).toBe(`echo:p${i}`);
        ran.add(label!);
      }
      expect(ran).toEqual(new Set(["A", "B"]));
      // Calls run one at a time, so each tools/call POST is followed by its sampling answer's POST:
      // some answers went to the instance that was not waiting for them.
      const posts = log.filter(
        (entry) => entry.body.includes('"tools/call"') || entry.body.includes('"result"'),
      );
      let crossed = 0;
      for (let i = 0; i + 1 < posts.length; i++) {
        if (posts[i]!.body.includes('"tools/call"') && posts[i]!.instance !== posts[i + 1]!.instance)
          crossed++;
      }
      expect(crossed).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });

  it("SDK v1 client and our Client: concurrent sampled calls, none crossed", async () => {
    const v1 = roundRobin(http.map((h) => h.url));
    const sdk = new V1Client({ name: "v1", version: "1" }, { capabilities: { sampling: {} } });
    sdk.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      const content = request.params.messages.at(-1)?.content as { text: string };
      return answer(`echo:${content.text}`);
    });
    await sdk.connect(new V1Http(new URL(http[0]!.url), { fetch: v1.fetchImpl }));
    const ours = new Client(http[1]!.url, {
      protocol: "2025",
      fetch: roundRobin(http.map((h) => h.url)).fetchImpl,
      samplingHandler: (messages) => `echo:${(messages.at(-1)!.content as { text: string }).text}`,
    });
    await ours.connect();
    try {
      const calls = Array.from({ length: 20 }, async (_, i) => {
        const [a, b] = await Promise.all([
          sdk.callTool({ name: "ask", arguments: { prompt: `v1-${i}` } }),
          ours.callTool("ask", { prompt: `ours-${i}` }),
        ]);
        expect((a.content as Array<{ text: string }>)[0]!.text).toMatch(new RegExp(`^[AB]\\|echo:v1-${i}$`));
        expect(b.text).toMatch(new RegExp(`^[AB]\\|echo:ours-${i}$`));
      });
      await Promise.all(calls);
    } finally {
      await sdk.close();
      await ours.close();
    }
  });

  it("a session id is refused on every instance once deleted", async () => {
    const { fetchImpl } = roundRobin(http.map((h) => h.url));
    const transport = new V2Http(new URL(http[0]!.url), { fetch: fetchImpl });
    const client = new V2Client({ name: "v2", version: "1" }, { capabilities: {} });
    await client.connect(transport);
    await client.callTool({ name: "where", arguments: {} });
    await client.callTool({ name: "where", arguments: {} });
    const id = transport.sessionId!;
    await transport.terminateSession();
    await client.close();
    for (const h of http) {
      const response = await fetch(h.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-session-id": id,
          "mcp-protocol-version": "2025-11-25",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }),
      });
      expect(response.status).toBe(404);
    }
  });
});

describe("shared sessions stay bound to their opener on every instance", () => {
  const http: RunningHttpServer[] = [];
  beforeAll(async () => {
    const store = memorySessionStore();
    // Two users of one OAuth app: same clientId, different `sub`.
    const verify = (request: Request) => {
      const user = request.headers.get("authorization")?.replace("Bearer ", "");
      return user === undefined
        ? undefined
        : { token: user, clientId: "app", scopes: [], extra: { sub: user } };
    };
    for (const label of ["A", "B"]) {
      http.push(await startHttpServer(build(label), { port: 0, sessionStore: store, auth: { verify } }));
    }
  });
  afterAll(async () => {
    await Promise.all(http.map((h) => h.close()));
  });

  it("another user presenting the session id gets 404 on both instances; its opener is served", async () => {
    const base = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    const init = await fetch(http[0]!.url, {
      method: "POST",
      headers: { ...base, authorization: "Bearer alice" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-11-25",
          capabilities: {},
          clientInfo: { name: "raw", version: "1" },
        },
      }),
    });
    await init.text();
    const session = init.headers.get("mcp-session-id")!;
    const call = (url: string, user: string) =>
      fetch(url, {
        method: "POST",
        headers: {
          ...base,
          authorization: `Bearer ${user}`,
          "mcp-session-id": session,
          "mcp-protocol-version": "2025-11-25",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 2,
          method: "tools/call",
          params: { name: "where", arguments: {} },
        }),
      });
    for (const h of http) {
      const stolen = await call(h.url, "mallory");
      expect(stolen.status).toBe(404);
      await stolen.text();
    }
    const own = await call(http[1]!.url, "alice");
    expect(own.status).toBe(200);
    expect(await own.text()).toContain('"text":"B"');
  });
});
