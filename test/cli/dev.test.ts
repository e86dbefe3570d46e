// `fastmcp-ts dev`: serves the file over HTTP and restarts it when its sources change (the Inspector
// half is driven in Chromium by scripts/dev-e2e.sh, outside the default suite).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Client } from "../../src/index.js";
import { cleanEnv, spawnCli, waitForOutput } from "../helpers/cli.js";

const INDEX = fileURLToPath(new URL("../../src/index.js", import.meta.url));

function serverSource(tools: string[]): string {
  return [
    `import { FastMCP } from ${JSON.stringify(INDEX)};`,
    `const server = new FastMCP({ name: "dev-test" });`,
    ...tools.map((name) => `server.tool({ name: ${JSON.stringify(name)}, execute: () => "${name}" });`),
    "export default server;",
  ].join("\n");
}

/** Lists the tools once the (re)started server answers; a restart leaves a short gap. */
async function toolsAt(url: string, expected: string[]): Promise<string[]> {
  let last: unknown;
  for (let attempt = 0; attempt < 100; attempt++) {
    const client = new Client(url, { timeoutMs: 5_000 });
    try {
      await client.connect();
      const names = (await client.listTools()).map((tool) => tool.name);
      if (JSON.stringify(names) === JSON.stringify(expected)) return names;
      last = names;
    } catch (error) {
      last = error;
    } finally {
      await client.close().catch(() => undefined);
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`never saw ${expected.join(",")}: ${String(last)}`);
}

describe("fastmcp-ts dev", () => {
  it("serves the file over HTTP and restarts it when it changes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fastmcp-dev-"));
    const file = join(dir, "server.ts");
    writeFileSync(file, serverSource(["first"]));
    const child = spawnCli(["dev", file, "--port", "0", "--no-inspector"], { env: cleanEnv(), cwd: dir });
    try {
      const [, url] = (await waitForOutput(
        child.stderr!,
        /at (http:\/\/127\.0\.0\.1:\d+\/mcp)/,
      )) as RegExpMatchArray;
      expect(await toolsAt(url!, ["first"])).toEqual(["first"]);
      const restarted = waitForOutput(child.stderr!, /restarted after a change/);
      writeFileSync(file, serverSource(["first", "second"]));
      await restarted;
      expect(await toolsAt(url!, ["first", "second"])).toEqual(["first", "second"]);
    } finally {
      child.kill("SIGTERM");
      if (child.exitCode === null) await new Promise((done) => child.once("exit", done));
    }
  }, 90_000);

  it("says why it serves without the Inspector under Node < 22.19, and how to proceed", async () => {
    if (Number(process.versions.node.split(".")[0]) >= 22) return; // only meaningful on the project's Node 20
    const dir = mkdtempSync(join(tmpdir(), "fastmcp-dev-"));
    const file = join(dir, "server.ts");
    writeFileSync(file, serverSource(["only"]));
    const env = cleanEnv();
    delete env.FASTMCP_INSPECTOR_NODE;
    const child = spawnCli(["dev", file, "--port", "0"], { env, cwd: dir });
    try {
      const [line] = (await waitForOutput(child.stderr!, /needs Node >= 22\.19.*\n/)) as RegExpMatchArray;
      expect(line).toContain("FASTMCP_INSPECTOR_NODE");
      expect(line).toContain("npx @modelcontextprotocol/inspector");
    } finally {
      child.kill("SIGTERM");
      if (child.exitCode === null) await new Promise((done) => child.once("exit", done));
    }
  }, 60_000);
});
