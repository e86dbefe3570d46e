import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterEach, describe, expect, it } from "vitest";
import { createApp as createExpressApp } from "../../examples/http/express.js";
import { createApp as createHonoApp } from "../../examples/http/hono.js";
import * as nextRoute from "../../examples/http/nextjs-route.js";
import worker from "../../examples/http/worker.js";
import { Client } from "../../src/index.js";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const haikuHandler = (messages: { content: unknown }[]) =>
  `haiku on ${((messages[0]?.content as { text?: string } | undefined)?.text ?? "").replace("Write a haiku about ", "")}`;

async function callHaiku(
  url: string,
  protocol: "2025" | "2026",
  fetchImpl?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>,
) {
  const client = new Client(url, {
    protocol,
    samplingHandler: haikuHandler,
    ...(fetchImpl !== undefined && { fetch: fetchImpl }),
  });
  await client.connect();
  cleanups.push(() => client.close());
  return (await client.callTool("haiku", { topic: "autumn" })).text;
}

describe.each(["2025", "2026"] as const)("mounting examples (%s)", (protocol) => {
  it("Hono", async () => {
    const { app, mcp } = createHonoApp();
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((resolve) => server.once("listening", resolve));
    cleanups.push(
      () => new Promise((resolve) => server.close(resolve)),
      () => mcp.close(),
    );
    const { port } = server.address() as AddressInfo;
    expect(await callHaiku(`http://127.0.0.1:${port}/mcp`, protocol)).toBe("haiku on autumn");
  });

  it("Express via the SDK's Node adapter", async () => {
    const { app, mcp } = createExpressApp();
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    cleanups.push(
      () => new Promise((resolve) => server.close(resolve)),
      () => mcp.close(),
    );
    const { port } = server.address() as AddressInfo;
    expect(await callHaiku(`http://127.0.0.1:${port}/mcp`, protocol)).toBe("haiku on autumn");
  });

  it("Next.js route handlers", async () => {
    const route = (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      request.headers.set("host", new URL(request.url).host); // what Next's server sets from the socket
      const handler =
        request.method === "GET"
          ? nextRoute.GET
          : request.method === "DELETE"
            ? nextRoute.DELETE
            : nextRoute.POST;
      return handler(request);
    };
    expect(await callHaiku("http://localhost:3000/mcp", protocol, route)).toBe("haiku on autumn");
  });

  it("a Worker-style fetch module", async () => {
    const viaWorker = (input: string | URL | Request, init?: RequestInit) =>
      worker.fetch(new Request(input, init));
    expect(await callHaiku("https://mcp.example.workers.dev/mcp", protocol, viaWorker)).toBe(
      "haiku on autumn",
    );
    // Only the names it lists: the same module reached under another name is refused.
    const foreign = await worker.fetch(
      new Request("https://attacker.example/mcp", {
        method: "POST",
        body: "{}",
        headers: { "content-type": "application/json" },
      }),
    );
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toContain("allowedHosts");
  });
});
