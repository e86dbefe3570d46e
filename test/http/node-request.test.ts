// The Node adapter hands the handler a lazy Request view (src/server/node-request.ts): it must behave
// as a web Request to every consumer, and its signal must abort when the client goes away.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { ReadBody } from "../../src/server/http-body.js";
import { nodeAdapter } from "../../src/server/node-adapter.js";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serveWith(handler: (request: Request, body: ReadBody) => Promise<Response>): Promise<string> {
  const adapter = nodeAdapter(handler, 1024);
  server = createServer((req, res) => void adapter(req, res));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe("the Node adapter's request", () => {
  it("is a web Request: method, URL, headers, and every other member through a real one", async () => {
    let seen: Record<string, unknown> = {};
    const url = await serveWith(async (request, body) => {
      const copy = request.clone();
      seen = {
        isRequest: request instanceof Request,
        tag: Object.prototype.toString.call(request),
        method: request.method,
        url: request.url,
        custom: request.headers.get("x-custom"),
        joined: request.headers.get("x-twice"),
        mode: request.mode,
        cloneUrl: copy.url,
        cloneHeader: copy.headers.get("x-custom"),
        cloneSignalAborted: copy.signal.aborted,
        bodyUsed: request.bodyUsed,
        // The adapter read the body off the Node stream: the Request itself carries none.
        text: await request.text(),
        parsed: body,
      };
      return Response.json({ ok: true });
    });
    const response = await fetch(`${url}/mcp?x=1`, {
      method: "POST",
      headers: [
        ["x-custom", "yes"],
        ["x-twice", "a"],
        ["x-twice", "b"],
        ["content-type", "application/json"],
      ],
      body: JSON.stringify({ hello: "world" }),
    });
    expect(await response.json()).toEqual({ ok: true });
    expect(seen).toEqual({
      isRequest: true,
      tag: "[object Request]",
      method: "POST",
      url: `${url}/mcp?x=1`,
      custom: "yes",
      joined: "a, b",
      mode: "cors",
      cloneUrl: `${url}/mcp?x=1`,
      cloneHeader: "yes",
      cloneSignalAborted: false,
      bodyUsed: false,
      text: "",
      parsed: { hello: "world" },
    });
  });

  it("aborts its signal, and a clone's, when the client disconnects mid-response", async () => {
    let aborted: (() => void) | undefined;
    const gone = new Promise<void>((resolve) => (aborted = resolve));
    let cloneAborted: Promise<boolean> | undefined;
    let started: (() => void) | undefined;
    const inHandler = new Promise<void>((resolve) => (started = resolve));
    const url = await serveWith(async (request) => {
      const copy = request.clone();
      cloneAborted = new Promise((resolve) => copy.signal.addEventListener("abort", () => resolve(true)));
      request.signal.addEventListener("abort", () => aborted!());
      started!();
      await gone;
      return new Response(null, { status: 204 });
    });
    const controller = new AbortController();
    const pending = fetch(`${url}/mcp`, { signal: controller.signal }).catch(() => undefined);
    await inHandler;
    controller.abort();
    await gone;
    expect(await cloneAborted).toBe(true);
    await pending;
  });
});
