// An instance rebuilding a shared 2025 session it did not open, while the real redis-server behind
// the session store dies: the rebuild replays the stored `initialize`, and the SDK stores each event
// of that replay's stream in Redis before writing it. Redis is killed right after the replay's first
// event (its priming event) is stored, so the answer's own store fails. The instance must still
// serve the session once Redis is back — before the fix every later request of that session on that
// instance waited, for good, on a rebuild that never finished (nginx-redis.test.ts saw it as a few
// calls of one client timing out after a Redis restart or an instance kill).
import type { EventStore } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FastMCP, type SessionStore } from "../../src/index.js";
import { redisSessionStore } from "../../src/redis/index.js";
import { startHttpServer } from "../../src/server/http-server.js";
import type { RunningHttpServer } from "../../src/server/http-types.js";
import { legacyInitialize, type RawMessage } from "../helpers/raw-http.js";
import { type RedisServer, startRedis } from "./infra.js";

let redis: RedisServer;
const http: RunningHttpServer[] = [];
/** Runs once, right after the next event B stores has been stored. */
let afterNextEvent: (() => Promise<void>) | undefined;

/** B's store: the real Redis one, with a hook after each stored event (the moment Redis is killed). */
function withHook(store: SessionStore): SessionStore {
  return {
    ...store,
    eventStore(sessionId) {
      const events = store.eventStore?.(sessionId) as EventStore;
      return {
        ...events,
        async storeEvent(streamId, message) {
          const id = await events.storeEvent(streamId, message);
          const hook = afterNextEvent;
          afterNextEvent = undefined;
          await hook?.();
          return id;
        },
      };
    },
  };
}

beforeAll(async () => {
  redis = await startRedis();
  for (const label of ["A", "B"]) {
    const server = new FastMCP({ name: "restore" });
    server.tool({ name: "where", execute: () => label });
    const store = redisSessionStore({ url: redis.url });
    http.push(
      await startHttpServer(server, { port: 0, sessionStore: label === "B" ? withHook(store) : store }),
    );
  }
});
afterAll(async () => {
  await Promise.all(http.map((server) => server.close()));
  await redis?.stop();
});

const BASE = { "content-type": "application/json", accept: "application/json, text/event-stream" };

/** The last JSON-RPC message of an SSE or JSON response. */
async function lastMessage(response: Response): Promise<RawMessage | undefined> {
  const text = await response.text();
  if (response.headers.get("content-type")?.includes("application/json")) return JSON.parse(text);
  const data = text
    .split("\n")
    .filter((line) => line.startsWith("data:") && line.length > 6)
    .map((line) => JSON.parse(line.slice(5)) as RawMessage);
  return data.at(-1);
}

describe("a session rebuilt while Redis dies", () => {
  it("is served by the rebuilding instance once Redis is back", async () => {
    const [a, b] = http as [RunningHttpServer, RunningHttpServer];
    const init = await fetch(a.url, {
      method: "POST",
      headers: BASE,
      body: JSON.stringify(legacyInitialize()),
    });
    expect(init.status).toBe(200);
    await init.text();
    const headers = {
      ...BASE,
      "mcp-session-id": init.headers.get("mcp-session-id")!,
      "mcp-protocol-version": "2025-11-25",
    };

    // B has never seen the session: this notification makes it rebuild it, and Redis dies mid-rebuild.
    let killed!: () => void;
    const redisDown = new Promise<void>((resolve) => {
      killed = resolve;
    });
    afterNextEvent = async () => {
      await redis.down("SIGKILL");
      killed();
    };
    const initialized = fetch(b.url, {
      method: "POST",
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
      signal: AbortSignal.timeout(20_000),
    }).then(
      (response) => response.status,
      (error: unknown) => String(error),
    );
    await redisDown;
    await redis.up();

    // Service resumes: B answers a call on the session (503s while its Redis client reconnects).
    const deadline = Date.now() + 15_000;
    let outcome = "not tried";
    while (Date.now() < deadline) {
      try {
        const response = await fetch(b.url, {
          method: "POST",
          headers,
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 2,
            method: "tools/call",
            params: { name: "where", arguments: {} },
          }),
          signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
        });
        const message = await lastMessage(response);
        const content = message?.result?.content as Array<{ text?: string }> | undefined;
        outcome = `HTTP ${response.status}: ${content?.[0]?.text ?? JSON.stringify(message)}`;
        if (response.status === 200) break;
      } catch (error) {
        outcome = `no answer: ${String(error)}`;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(outcome).toBe("HTTP 200: B");
    // The notification that started the rebuild was answered too (whatever the store said then).
    expect(typeof (await initialized)).toBe("number");
  });
});
