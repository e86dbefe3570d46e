#!/usr/bin/env node
/**
 * The `fastmcp-ts` command: run a server, call or list a server's tools (answering its sampling
 * requests with an LLM or a person), and the demo. Exit codes: 0 ok, 1 tool error or runtime
 * failure, 2 usage or configuration error.
 */
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { errorMessage, FastMCPError } from "../errors.js";
import { inertText } from "../human/inert-text.js";
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./errors.js";
import { setCliEntry } from "./self.js";
import type { CliIO } from "./session.js";

export const MAIN_HELP = `Usage: fastmcp-ts <command> [options]

Commands:
  run <server-file>              serve a FastMCP server file (stdio, or --transport http)
  call <target> <tool> [args]    call a tool; its sampling requests are answered by --llm
  list <target>                  list tools (with schemas), resources and prompts
  demo                           run the demo server's LLM-powered tools end to end
  dev <server-file>              serve over HTTP, restart on changes, open the MCP Inspector on it
  install <host> <server-file>   add a server to Claude Desktop, Cursor, VS Code, Claude Code (or print it)
  logout <target> | --all        forget the OAuth login cached for an HTTP server

<target> is a server script, an http(s):// URL, or a server name from an mcpServers config
(--config <file>, ~/.config/fastmcp-ts/mcp.json, or ./mcp.json / ./.mcp.json once trusted with
--trust-project or a yes at the prompt: a project's file can run any command).

Run "fastmcp-ts <command> --help" for a command's options.
Exit codes: 0 ok, 1 tool error or runtime failure, 2 usage or configuration error.
`;

type Command = (args: string[], io: CliIO) => Promise<number | undefined>;

// Loaded on use: `--help` and usage errors should not pay for the SDK and the providers.
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import("./commands/run.js")).runRun,
  call: async () => (await import("./commands/call.js")).runCall,
  list: async () => (await import("./commands/list.js")).runList,
  demo: async () => (await import("./commands/demo.js")).runDemo,
  install: async () => (await import("./commands/install.js")).runInstall,
  dev: async () => (await import("./commands/dev.js")).runDev,
  logout: async () => (await import("./commands/logout.js")).runLogout,
};

function version(): string {
  try {
    const manifest = new URL("../../package.json", import.meta.url);
    return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** Runs one command line; resolves to the exit code, or `undefined` while a server keeps running. */
export async function main(argv: string[], io: CliIO): Promise<number | undefined> {
  setCliEntry(import.meta.url);
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    const topic = command === "help" ? rest[0] : undefined;
    if (topic !== undefined && Object.hasOwn(COMMANDS, topic)) return main([topic, "--help"], io);
    (command === undefined ? io.stderr : io.stdout).write(MAIN_HELP);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (command === "--version" || command === "-v") {
    io.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  try {
    if (load === undefined) throw new CliError(`Unknown command "${command}".`, EXIT_USAGE, "");
    return await (await load())(rest, io);
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: CliIO): number {
  if (error instanceof CliError) {
    io.stderr.write(`fastmcp-ts: ${inertText(error.message)}\n`);
    if (error.command !== undefined)
      io.stderr.write(`Run "fastmcp-ts ${error.command ? `${error.command} ` : ""}--help" for usage.\n`);
    return error.exitCode;
  }
  // Our own configuration errors (bad options to a handler, a missing peer package) are exit 2 too.
  if (FastMCPError.isInstance(error) && error.code === "CONFIG") {
    io.stderr.write(`fastmcp-ts: ${inertText(error.message)}\n`);
    return EXIT_USAGE;
  }
  // Error texts may come from the server (a JSON-RPC error message): shown inert.
  io.stderr.write(`fastmcp-ts: ${inertText(errorMessage(error))}\n`);
  if (process.env.FASTMCP_TS_DEBUG !== undefined && error instanceof Error)
    io.stderr.write(`${error.stack}\n`);
  return EXIT_FAILURE;
}

/** Run only as the program itself (node, tsx or the npm bin symlink), not when imported by tests. */
function isProgram(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isProgram()) {
  const code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdinIsTTY: process.stdin.isTTY === true,
  });
  // Exit at once: a stdio child or a paused stdin must not keep a finished command alive.
  if (code !== undefined) process.stdout.write("", () => process.exit(code));
}
