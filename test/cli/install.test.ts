// `fastmcp-ts install <host>`: each host's file is written into a temporary HOME/project, then the
// written entry is started the way that host starts it (command, args, env, working directory) by
// the official SDK client, which must list and call the server's tools.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client as SdkClient } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { describe, expect, it } from "vitest";
import { runCli, runMain } from "../helpers/cli.js";

const SERVER = fileURLToPath(new URL("./fixtures/install-server.ts", import.meta.url));
const SECRET = "sk-test-1234";

interface Entry {
  type?: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** A fresh HOME with a project folder in it; PATH points nowhere, so no claude CLI and no node on it. */
function sandbox() {
  const home = mkdtempSync(join(tmpdir(), "fastmcp-install-"));
  const project = join(home, "project");
  mkdirSync(project);
  const env = { HOME: home, PATH: join(home, "no-bin"), NO_COLOR: "1" };
  return { home, project, env };
}

/**
 * Starts an entry as a host does: the SDK's stdio transport (which Claude Desktop, Cursor, VS Code and
 * Claude Code all build on) with the entry's command, args and env over the SDK's small default
 * environment, from the host's working directory; PATH is replaced by an empty folder so nothing
 * resolves through it. Returns the tool names and what `started-with` reports.
 */
async function startLikeHost(entry: Entry, cwd: string) {
  const transport = new StdioClientTransport({
    command: entry.command,
    args: entry.args,
    env: { ...entry.env, PATH: join(cwd, "nothing-here") },
    cwd,
    stderr: "pipe",
  });
  const client = new SdkClient({ name: "host", version: "1.0.0" });
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    const result = await client.callTool({ name: "started-with", arguments: {} });
    const text = (result.content as Array<{ type: string; text: string }>)[0]!.text;
    return { tools: tools.map((tool) => tool.name), started: JSON.parse(text) as Record<string, unknown> };
  } finally {
    await client.close();
  }
}

function readJson(path: string): Record<string, Record<string, Entry>> {
  return JSON.parse(readFileSync(path, "utf8"));
}

function expectSecretOnlyInEnv(entry: Entry) {
  expect(entry.env).toEqual({ API_KEY: SECRET });
  expect(entry.args.join(" ")).not.toContain(SECRET);
  expect(entry.command).toBe(process.execPath);
  expect(entry.args).toContain(SERVER); // absolute
}

describe.concurrent("fastmcp-ts install", () => {
  it("claude-desktop: writes ~/.config/Claude/claude_desktop_config.json; the entry starts from /", async () => {
    const { home, env } = sandbox();
    const run = await runMain(
      ["install", "claude-desktop", SERVER, "--name", "demo", "--env", `API_KEY=${SECRET}`],
      env,
    );
    expect(run.code).toBe(0);
    const file = join(home, ".config", "Claude", "claude_desktop_config.json");
    expect(run.stdout).toContain(file);
    const entry = readJson(file).mcpServers!.demo!;
    expectSecretOnlyInEnv(entry);
    // Claude Desktop on macOS starts servers with cwd "/".
    const started = await startLikeHost(entry, "/");
    expect(started.tools).toEqual(["started-with"]);
    expect(started.started).toEqual({ cwd: "/", apiKey: SECRET });
  });

  it("cursor: writes ~/.cursor/mcp.json; --env-file values land in env", async () => {
    const { home, env } = sandbox();
    const envFile = join(home, "secrets.env");
    writeFileSync(envFile, `# comment\nexport API_KEY="${SECRET}"\nOTHER=x # trailing\n`);
    const run = await runMain(["install", "cursor", SERVER, "--env-file", envFile], env);
    expect(run.code).toBe(0);
    const entry = readJson(join(home, ".cursor", "mcp.json")).mcpServers!["install-server"]!;
    expect(entry.env).toEqual({ API_KEY: SECRET, OTHER: "x" });
    expect(entry.args.join(" ")).not.toContain(SECRET);
    const started = await startLikeHost(entry, home);
    expect(started.started).toEqual({ cwd: home, apiKey: SECRET });
  });

  it('vscode: writes the project\'s .vscode/mcp.json under "servers" with type stdio', async () => {
    const { project, env } = sandbox();
    const run = await runMain(
      ["install", "vscode", SERVER, "--name", "demo", "--project", project, "--env", `API_KEY=${SECRET}`],
      env,
    );
    expect(run.code).toBe(0);
    const config = readJson(join(project, ".vscode", "mcp.json"));
    expect(config.mcpServers).toBeUndefined();
    const entry = config.servers!.demo!;
    expect(entry.type).toBe("stdio");
    expectSecretOnlyInEnv(entry);
    const started = await startLikeHost(entry, project); // VS Code starts it in the workspace folder
    expect(started.started).toEqual({ cwd: project, apiKey: SECRET });
  });

  it("vscode --user: writes the user-level Code/User/mcp.json", async () => {
    const { home, env } = sandbox();
    const run = await runMain(["install", "vscode", SERVER, "--user", "--name", "demo"], env);
    expect(run.code).toBe(0);
    const entry = readJson(join(home, ".config", "Code", "User", "mcp.json")).servers!.demo!;
    const started = await startLikeHost(entry, home);
    expect(started.tools).toEqual(["started-with"]);
    expect(started.started.apiKey).toBeNull();
  });

  it("claude-code without the claude CLI: writes the project's .mcp.json and warns about env in a shared file", async () => {
    const { project, env } = sandbox();
    const run = await runMain(
      [
        "install",
        "claude-code",
        SERVER,
        "--name",
        "demo",
        "--project",
        project,
        "--env",
        `API_KEY=${SECRET}`,
      ],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("usually checked in");
    const entry = readJson(join(project, ".mcp.json")).mcpServers!.demo!;
    expect(entry.type).toBe("stdio");
    expectSecretOnlyInEnv(entry);
    const started = await startLikeHost(entry, project);
    expect(started.started).toEqual({ cwd: project, apiKey: SECRET });
  });

  it("claude-code with a claude CLI on PATH: hands the entry to `claude mcp add` (a recording stand-in; Claude Code is not installed here)", async () => {
    const { home, project, env } = sandbox();
    const bin = join(home, "bin");
    mkdirSync(bin);
    const log = join(home, "claude-argv.json");
    const claude = join(bin, "claude");
    // Records its argv and cwd the way a test double does; the real CLI stores the same fields.
    writeFileSync(
      claude,
      `#!${process.execPath}\nrequire("node:fs").writeFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd() }));\nconsole.log("Added stdio MCP server demo");\n`,
    );
    chmodSync(claude, 0o755);
    const run = await runMain(
      [
        "install",
        "claude-code",
        SERVER,
        "--name",
        "demo",
        "--project",
        project,
        "--env",
        `API_KEY=${SECRET}`,
      ],
      { ...env, PATH: bin },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Added stdio MCP server demo");
    expect(existsSync(join(project, ".mcp.json"))).toBe(false);
    const recorded = JSON.parse(readFileSync(log, "utf8")) as { argv: string[]; cwd: string };
    expect(recorded.cwd).toBe(project);
    const dashdash = recorded.argv.indexOf("--");
    expect(recorded.argv.slice(0, dashdash)).toEqual([
      "mcp",
      "add",
      "--scope",
      "local",
      "-e",
      `API_KEY=${SECRET}`,
      "demo",
    ]);
    const [command, ...args] = recorded.argv.slice(dashdash + 1);
    const entry = { command: command!, args, env: { API_KEY: SECRET } };
    expectSecretOnlyInEnv(entry);
    const started = await startLikeHost(entry, project);
    expect(started.started).toEqual({ cwd: project, apiKey: SECRET });
  });

  it("mcp-json: prints the entry, which starts as written", async () => {
    const { home, env } = sandbox();
    const run = await runMain(
      ["install", "mcp-json", SERVER, "--name", "demo", "--env", `API_KEY=${SECRET}`],
      env,
    );
    expect(run.code).toBe(0);
    const entry = (JSON.parse(run.stdout) as Record<string, Entry>).demo!;
    expectSecretOnlyInEnv(entry);
    expect((await startLikeHost(entry, home)).started.apiKey).toBe(SECRET);
  });

  it("the real CLI process installs too (spawned, its cwd as the project)", async () => {
    const { project, env } = sandbox();
    const run = await runCli(["install", "vscode", SERVER, "--name", "spawned"], {
      cwd: project,
      env: { ...env, PATH: process.env.PATH ?? "" },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const entry = readJson(join(project, ".vscode", "mcp.json")).servers!.spawned!;
    expect((await startLikeHost(entry, tmpdir())).tools).toEqual(["started-with"]);
  });
});

describe.concurrent("fastmcp-ts install: merging into an existing file", () => {
  it("keeps every other entry and top-level key, replaces a same-named entry, and backs the old file up", async () => {
    const { home, env } = sandbox();
    const file = join(home, ".cursor", "mcp.json");
    mkdirSync(join(home, ".cursor"));
    const before = JSON.stringify({
      theme: "dark",
      mcpServers: {
        other: { command: "uvx", args: ["other-server"], env: { TOKEN: "keep" } },
        demo: { command: "old" },
      },
    });
    writeFileSync(file, before);
    const run = await runMain(["install", "cursor", SERVER, "--name", "demo"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Replaced "demo"');
    const after = readJson(file) as unknown as { theme: string; mcpServers: Record<string, Entry> };
    expect(after.theme).toBe("dark");
    expect(after.mcpServers.other).toEqual({
      command: "uvx",
      args: ["other-server"],
      env: { TOKEN: "keep" },
    });
    expect(after.mcpServers.demo!.command).toBe(process.execPath);
    expect(readFileSync(`${file}.bak`, "utf8")).toBe(before);
    expect((await startLikeHost(after.mcpServers.demo!, home)).tools).toEqual(["started-with"]);
  });

  it("reads VS Code's JSON with comments and trailing commas, keeping inputs and other servers", async () => {
    const { project, env } = sandbox();
    mkdirSync(join(project, ".vscode"));
    const file = join(project, ".vscode", "mcp.json");
    const before = `{
  // tokens VS Code asks for
  "inputs": [{ "type": "promptString", "id": "key", "password": true },],
  "servers": {
    /* a remote one */ "remote": { "type": "http", "url": "https://example.com/mcp//x" },
  },
}
`;
    writeFileSync(file, before);
    const run = await runMain(["install", "vscode", SERVER, "--name", "demo", "--project", project], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("comments");
    const after = readJson(file) as unknown as { inputs: unknown[]; servers: Record<string, unknown> };
    expect(after.inputs).toEqual([{ type: "promptString", id: "key", password: true }]);
    expect(after.servers.remote).toEqual({ type: "http", url: "https://example.com/mcp//x" });
    expect(Object.keys(after.servers)).toEqual(["remote", "demo"]);
    expect(readFileSync(`${file}.bak`, "utf8")).toBe(before);
  });

  it("refuses a file that is not JSON and leaves it as it was (exit 2)", async () => {
    const { home, env } = sandbox();
    mkdirSync(join(home, ".cursor"));
    const file = join(home, ".cursor", "mcp.json");
    writeFileSync(file, "{ not json");
    const run = await runMain(["install", "cursor", SERVER], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Cannot parse");
    expect(readFileSync(file, "utf8")).toBe("{ not json");
    expect(existsSync(`${file}.bak`)).toBe(false);
  });

  it("refuses bad arguments with exit 2", async () => {
    const { env } = sandbox();
    expect((await runMain(["install", "emacs", SERVER], env)).stderr).toContain('Unknown host "emacs"');
    expect((await runMain(["install", "cursor", SERVER, "--env", "NOEQUALS"], env)).code).toBe(2);
    expect((await runMain(["install", "cursor", "/no/such/file.ts"], env)).stderr).toContain("not found");
    expect((await runMain(["install", "cursor", SERVER, "--user"], env)).code).toBe(2);
  });
});
