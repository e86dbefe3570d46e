import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAI, lastUserText, startFakeOpenAI } from "../fakes/openai-server.js";
import { CLI, cleanEnv, FIXTURE, runCli, runMain, spawnCli, TSX, waitForOutput } from "../helpers/cli.js";

const SELF_RUN = fileURLToPath(new URL("./fixtures/self-run-server.ts", import.meta.url));
const NO_SERVER = fileURLToPath(new URL("./fixtures/no-server.ts", import.meta.url));

describe.concurrent("fastmcp-ts list", () => {
  it("prints tools with their argument schemas, resources and prompts", async () => {
    const run = await runCli(["list", FIXTURE]);
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain("Tools (4)");
    expect(out).toMatch(/ {2}ask — Asks the client's LLM\n {6}prompt: string \(required\) — What to ask\n/);
    expect(out).toMatch(
      / {2}echo — Returns its text \(no LLM needed\)\n {6}text: string \(required\)\n {6}times: integer = 1\n/,
    );
    expect(out).toMatch(/ {2}fail — Always fails\n {6}\(no arguments\)\n/);
    expect(out).toContain("Resources (1)\n  test://greeting  greeting (text/plain)");
    expect(out).toContain(
      "Prompts (1)\n  review — Review a text\n      text (required) — The text to review",
    );
    expect(out).not.toContain("\u001b["); // not a terminal, NO_COLOR: plain text
  });

  it("--json gives the full schemas", async () => {
    const run = await runMain(["list", FIXTURE, "--json"]);
    expect(run.code).toBe(0);
    const listing = JSON.parse(run.stdout);
    expect(listing.tools.map((tool: { name: string }) => tool.name)).toEqual(["ask", "pick", "echo", "fail"]);
    expect(listing.tools[0].inputSchema).toMatchObject({
      type: "object",
      properties: { prompt: { type: "string", description: "What to ask" } },
      required: ["prompt"],
    });
    expect(listing.resources).toEqual([{ uri: "test://greeting", name: "greeting", mimeType: "text/plain" }]);
    expect(listing.prompts[0]).toMatchObject({
      name: "review",
      arguments: [{ name: "text", required: true }],
    });
  });
});

describe.concurrent("fastmcp-ts run", () => {
  it("lets a file that calls server.run() itself serve (here: stdio, driven through an mcpServers entry)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fastmcp-run-"));
    const entry = { command: process.execPath, args: ["--import", TSX, CLI, "run", SELF_RUN] };
    writeFileSync(join(dir, "mcp.json"), JSON.stringify({ mcpServers: { self: entry } }));
    const run = await runCli(["call", "self", "hi", "--config", join(dir, "mcp.json")]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("hello from a self-running file\n");
  });

  it("refuses a file that neither exports a server nor serves (exit 2)", async () => {
    const run = await runMain(["run", NO_SERVER]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('exports no FastMCP server: add "export default server"');
  });
});

describe("fastmcp-ts run --transport http", () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ respond: (body) => ({ text: `over http: ${lastUserText(body)}` }) });
  });
  afterAll(async () => {
    await fake.close();
  });

  it("serves the file's exported server on a URL that call and list use, in both eras; SIGINT stops it (exit 0)", async () => {
    const server = spawnCli(["run", FIXTURE, "--transport", "http", "--port", "0", "--path", "/custom"]);
    try {
      const [, url] = (await waitForOutput(
        server.stderr!,
        /serving cli-test at (http:\/\/127\.0\.0\.1:\d+\/custom)/,
      )) as [string, string];
      const env = cleanEnv({ OPENAI_BASE_URL: fake.url });
      const [legacy, modern, listing] = await Promise.all([
        runCli(["call", url, "ask", "prompt=legacy era", "--protocol", "2025"], { env }),
        runCli(["call", url, "ask", "prompt=modern era", "--protocol", "2026"], { env }),
        runMain(["list", url, "--json"]),
      ]);
      expect(legacy.stdout).toBe("over http: legacy era\n");
      expect(legacy.code).toBe(0);
      expect(modern.stdout).toBe("over http: modern era\n");
      expect(modern.code).toBe(0);
      expect(JSON.parse(listing.stdout).tools).toHaveLength(4);
      expect(fake.requests.map(lastUserText).sort()).toEqual(["legacy era", "modern era"]);
    } finally {
      const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
      server.kill("SIGINT");
      expect(await exited).toBe(0);
    }
  });
});
