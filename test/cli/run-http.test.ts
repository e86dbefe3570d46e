// `fastmcp-ts run FILE --transport http` serves HTTP whether FILE exports its server or calls
// server.run() itself (the README's form) — never silently stdio.
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { FastMCP } from "../../src/index.js";
import { clearRunOverride, setRunOverride } from "../../src/server/run-override.js";
import { runCli, runMain, spawnCli, waitForOutput } from "../helpers/cli.js";

const SELF_RUN = fileURLToPath(new URL("./fixtures/self-run-server.ts", import.meta.url));
const ON_ITS_OWN = fileURLToPath(new URL("./fixtures/serves-on-its-own.ts", import.meta.url));

async function stop(child: ReturnType<typeof spawnCli>): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGINT");
  return exited;
}

describe.concurrent("run --transport http on a file that calls server.run() itself", () => {
  it("serves HTTP on the port asked for, in both eras, and says where", async () => {
    const child = spawnCli(["run", SELF_RUN, "--transport", "http", "--port", "0", "--path", "/p"]);
    try {
      const [, url] = (await waitForOutput(
        child.stderr!,
        /serving self-run at (http:\/\/127\.0\.0\.1:\d+\/p)/,
      )) as unknown as [string, string];
      const [legacy, modern] = await Promise.all([
        runMain(["call", url, "hi", "--protocol", "2025"]),
        runMain(["call", url, "hi", "--protocol", "2026"]),
      ]);
      expect(legacy.stdout).toBe("hello from a self-running file\n");
      expect(modern.stdout).toBe("hello from a self-running file\n");
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it("refuses (exit 2) a file that serves by other means, instead of serving something else", async () => {
    const run = await runCli(["run", ON_ITS_OWN, "--transport", "http", "--port", "0"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "started serving without FastMCP's server.run(), so --transport http cannot apply",
    );
  });
});

describe("the run override FastMCP.run() honours", () => {
  afterEach(() => clearRunOverride());

  it("replaces the file's transport, host, port and path, and keeps its other options (auth)", async () => {
    const server = new FastMCP({ name: "override" });
    server.tool({ name: "hi", execute: () => "hi" });
    const override = setRunOverride({ transport: "http", port: 0, path: "/cli" });
    // What the file asked for: stdio would be the silent surprise; the CLI asked for HTTP.
    await server.run({ transport: "http", port: 1, path: "/own", auth: { bearerToken: "t0ken" } });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cli$/);
      expect(new URL(server.url!).port).not.toBe("1");
      expect(override.started).toHaveLength(1);
      expect((await override.started[0])?.url).toBe(server.url);
      const unauthenticated = await fetch(server.url!, { method: "POST", body: "{}" });
      expect(unauthenticated.status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it("turns an http run() into stdio when the command line says stdio", async () => {
    const server = new FastMCP({ name: "override-stdio" });
    setRunOverride({ transport: "stdio" });
    await server.run({ transport: "http", port: 0 });
    expect(server.url).toBeUndefined();
    await server.close();
  });
});
