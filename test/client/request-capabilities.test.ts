import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { Client, FastMCP, TASKS_EXTENSION } from "../../src/index.js";

// A 2026-07-28 request declares the client's capabilities in its own _meta. The tasks extension is
// declared only to a server that offers it: to any other it is work for the server's schema check
// on every request and says nothing the server can use.
function serverWith(taskTool: boolean): FastMCP {
  const server = new FastMCP({ name: "caps", version: "1.0.0" });
  server.tool({
    name: "caps",
    parameters: z.object({}),
    execute: (_args, ctx) => JSON.stringify(ctx.clientCapabilities ?? null),
  });
  if (taskTool) server.tool({ name: "later", parameters: z.object({}), task: true, execute: () => "done" });
  return server;
}

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});

async function declared(
  taskTool: boolean,
  options: ConstructorParameters<typeof Client>[1] = {},
): Promise<Record<string, unknown>> {
  const server = serverWith(taskTool);
  const client = new Client(server, { protocol: "2026", samplingHandler: () => "ok", ...options });
  await client.connect();
  open.push(async () => {
    await client.close();
    await server.close();
  });
  return JSON.parse((await client.callTool("caps")).text) as Record<string, unknown>;
}

describe("client capabilities per 2026-07-28 request", () => {
  it("leaves the tasks extension out for a server that does not offer it", async () => {
    expect(await declared(false)).toEqual({ sampling: {} });
  });

  it("declares the tasks extension to a server that offers it", async () => {
    expect(await declared(true)).toEqual({ sampling: {}, extensions: { [TASKS_EXTENSION]: {} } });
  });

  it("keeps the other capabilities and the log level when it leaves the extension out", async () => {
    const logs: unknown[] = [];
    const server = new FastMCP({ name: "logs", version: "1.0.0" });
    server.tool({
      name: "caps",
      parameters: z.object({}),
      execute: async (_args, ctx) => {
        await ctx.info("hello");
        return JSON.stringify(ctx.clientCapabilities ?? null);
      },
    });
    const client = new Client(server, {
      protocol: "2026",
      samplingHandler: () => "ok",
      samplingCapabilities: { tools: true, context: true },
      onLog: (_level, data) => logs.push(data),
    });
    await client.connect();
    open.push(async () => {
      await client.close();
      await server.close();
    });
    const caps = JSON.parse((await client.callTool("caps")).text);
    expect(caps).toEqual({ sampling: { tools: {}, context: {} } });
    expect(logs).toContain("hello");
  });

  it("keeps what configureSdk registered when it leaves the extension out", async () => {
    const caps = await declared(false, {
      configureSdk: (sdk) => sdk.registerCapabilities({ elicitation: { form: {} }, roots: {} }),
    });
    expect(caps).toEqual({ sampling: {}, elicitation: { form: {} }, roots: {} });
  });

  it("declares nothing of tasks when the client opted out, whatever the server offers", async () => {
    expect(await declared(true, { tasks: false })).toEqual({ sampling: {} });
  });
});
