// The SDK's client half loads on connect(): a process that only serves never loads it.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Client, FastMCP, FastMCPError } from "../../src/index.js";

const PRELOAD = fileURLToPath(new URL("../fixtures/loaded-modules.mjs", import.meta.url));
const INDEX = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

function modulesLoadedBy(script: string): string[] {
  const run = spawnSync(
    process.execPath,
    ["--import", PRELOAD, "--import", "tsx", "--input-type=module", "-e", script],
    { encoding: "utf8", cwd: fileURLToPath(new URL("../..", import.meta.url)) },
  );
  const line = run.stdout.split("\n").find((l) => l.startsWith("@@LOADED "));
  if (line === undefined) throw new Error(`no module list: ${run.stderr}`);
  return JSON.parse(line.slice("@@LOADED ".length)) as string[];
}

describe("the SDK client half is loaded on demand", () => {
  it("a server that only serves does not load @modelcontextprotocol/client nor the HTTP adapter", () => {
    const loaded = modulesLoadedBy(
      `const { FastMCP } = await import(${JSON.stringify(INDEX)});
       new FastMCP({ name: "s" }).tool({ name: "t", execute: () => "ok" });`,
    );
    expect(loaded.some((url) => url.includes("/@modelcontextprotocol/server/"))).toBe(true);
    expect(loaded.filter((url) => url.includes("/@modelcontextprotocol/client/"))).toEqual([]);
    expect(loaded.filter((url) => url.includes("/@modelcontextprotocol/node/"))).toEqual([]);
  });

  it("a client that connects loads it", () => {
    const loaded = modulesLoadedBy(
      `const { Client, FastMCP } = await import(${JSON.stringify(INDEX)});
       const server = new FastMCP({ name: "s" });
       const client = await new Client(server).connect();
       await client.close();`,
    );
    expect(loaded.some((url) => url.includes("/@modelcontextprotocol/client/"))).toBe(true);
  });

  it("client.sdk before connect() says how to reach it earlier", () => {
    const client = new Client(new FastMCP({ name: "s" }));
    expect(() => client.sdk).toThrow(FastMCPError);
    expect(() => client.sdk).toThrow(/configureSdk/);
  });

  it("configureSdk runs before the connection: what it registers reaches the server", async () => {
    const server = new FastMCP({ name: "s" });
    server.tool({ name: "caps", execute: (_args, ctx) => JSON.stringify(ctx.clientCapabilities ?? {}) });
    for (const protocol of ["2025", "2026"] as const) {
      const client = new Client(server, {
        protocol,
        configureSdk: (sdk) => {
          sdk.registerCapabilities({ elicitation: { form: {} } });
          sdk.setRequestHandler("elicitation/create", async () => ({ action: "decline" }));
        },
      });
      await client.connect();
      try {
        expect(JSON.parse((await client.callTool("caps")).text)).toMatchObject({ elicitation: { form: {} } });
        expect(client.sdk.getServerVersion()?.name).toBe("s");
      } finally {
        await client.close();
      }
    }
  });
});

describe("connect() is one attempt at a time", () => {
  function countingTarget(failFirst = false) {
    const server = new FastMCP({ name: "s" });
    server.tool({ name: "ping", execute: () => "pong" });
    const target = {
      opened: 0,
      connectInMemory() {
        target.opened++;
        if (failFirst && target.opened === 1) throw new Error("first attempt fails");
        return server.connectInMemory();
      },
    };
    return target;
  }

  it("concurrent calls share one connection", async () => {
    const target = countingTarget();
    const client = new Client(target);
    const [a, b] = await Promise.all([client.connect(), client.connect()]);
    expect(a).toBe(b);
    expect(target.opened).toBe(1);
    expect((await client.callTool("ping")).text).toBe("pong");
    await client.close();
  });

  it("a failed attempt can be retried", async () => {
    const target = countingTarget(true);
    const client = new Client(target);
    await expect(client.connect()).rejects.toThrow("first attempt fails");
    await client.connect();
    expect((await client.callTool("ping")).text).toBe("pong");
    await client.close();
  });

  it("close() during connect() closes what the attempt opened", async () => {
    const client = new Client(countingTarget());
    const connecting = client.connect();
    await client.close();
    await connecting;
    await expect(client.callTool("ping")).rejects.toThrow("Call await client.connect() first.");
  });
});
