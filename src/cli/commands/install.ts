import { basename, extname, resolve } from "node:path";
import { configError, EXIT_OK, usageError } from "../errors.js";
import { addWithClaudeCli, findClaudeCli } from "../hosts/claude-code.js";
import { mergeEntry } from "../hosts/config-file.js";
import { collectEnv } from "../hosts/env-vars.js";
import {
  claudeCodeProjectConfig,
  claudeDesktopConfig,
  currentPlatform,
  cursorConfig,
  type PlatformInfo,
  vscodeConfig,
} from "../hosts/host-paths.js";
import { type LaunchEntry, launchEntry } from "../hosts/launch-entry.js";
import { parseCommand } from "../parse-command.js";
import type { CliIO } from "../session.js";

export const INSTALL_HELP = `Usage: fastmcp-ts install <host> <server-file> [options]

Adds the server to a host's MCP configuration, so the host starts it (stdio) by itself. Paths are
written absolute (the Node binary, this CLI, the server file), so the entry works from any working
directory and without PATH; TypeScript files run through tsx. An existing file keeps its other
entries; the previous version is saved as <file>.bak.

Hosts:
  claude-desktop   Claude Desktop's claude_desktop_config.json (macOS, Windows, Linux)
  cursor           ~/.cursor/mcp.json
  vscode           ./.vscode/mcp.json of the project (--user: the user-level mcp.json)
  claude-code      "claude mcp add" when the claude CLI is on PATH, else the project's .mcp.json
  mcp-json         print the entry ({ "<name>": { command, args, env } }) for any other host

Options:
  --name <n>          server name in the host (default: the file's name without extension)
  --env <KEY=VALUE>   environment for the server, repeatable; goes into the entry's "env", never its args
  --env-file <f>      KEY=VALUE lines to add to "env" (--env wins)
  --project <dir>     the project folder for vscode and claude-code (default: the current folder)
  --user              vscode: the user-level mcp.json instead of the project's
  --scope <s>         claude-code through its CLI: local (default), project or user
  -h, --help          show this help

Exit codes: 0 installed, 1 the claude CLI failed, 2 usage or configuration error.
`;

const HOSTS = ["claude-desktop", "cursor", "vscode", "claude-code", "mcp-json"] as const;
type Host = (typeof HOSTS)[number];

const RESTART: Record<Host, string> = {
  "claude-desktop": "Restart Claude Desktop to load it.",
  cursor: "Cursor picks it up in Settings → MCP (toggle it on if needed).",
  vscode: 'VS Code lists it under "MCP: List Servers"; start it there or from the Chat tools menu.',
  "claude-code": 'Run "claude" in the project and check it with /mcp.',
  "mcp-json": "",
};

export async function runInstall(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand("install", args, {
    name: { type: "string" },
    env: { type: "string", multiple: true },
    "env-file": { type: "string" },
    project: { type: "string" },
    user: { type: "boolean" },
    scope: { type: "string" },
  });
  if (values.help === true) {
    io.stdout.write(INSTALL_HELP);
    return EXIT_OK;
  }
  const [host, file, ...extra] = positionals;
  if (host === undefined) throw usageError(`install needs a <host>: ${HOSTS.join(", ")}.`, "install");
  if (!(HOSTS as readonly string[]).includes(host))
    throw usageError(`Unknown host "${host}"; one of ${HOSTS.join(", ")}.`, "install");
  if (file === undefined) throw usageError("install needs a <server-file>.", "install");
  if (extra.length > 0) throw usageError(`Unexpected argument "${extra[0]}".`, "install");
  if (values.user === true && host !== "vscode") throw usageError("--user is for vscode only.", "install");
  const scope = values.scope ?? "local";
  if (values.scope !== undefined && host !== "claude-code")
    throw usageError("--scope is for claude-code only.", "install");
  if (!["local", "project", "user"].includes(scope))
    throw usageError(`--scope must be local, project or user, got "${scope}".`, "install");

  const name = values.name ?? basename(file, extname(file));
  if (name.trim() === "") throw usageError("--name must not be empty.", "install");
  const entry = launchEntry(file, collectEnv(values.env ?? [], values["env-file"]));
  const info = currentPlatform(io.env, resolve(values.project ?? process.cwd()));
  return installFor(host as Host, name, entry, info, { user: values.user === true, scope }, io);
}

function installFor(
  host: Host,
  name: string,
  entry: LaunchEntry,
  info: PlatformInfo,
  options: { user: boolean; scope: string },
  io: CliIO,
): number {
  switch (host) {
    case "mcp-json":
      io.stdout.write(`${JSON.stringify({ [name]: entry }, null, 2)}\n`);
      return EXIT_OK;
    case "claude-desktop":
      return write(io, claudeDesktopConfig(info), "mcpServers", name, entry, host);
    case "cursor":
      return write(io, cursorConfig(info), "mcpServers", name, entry, host);
    case "vscode":
      return write(io, vscodeConfig(info, options.user), "servers", name, { type: "stdio", ...entry }, host);
    case "claude-code": {
      const claude = findClaudeCli(io.env);
      if (claude !== undefined) {
        const said = addWithClaudeCli(claude, name, entry, options.scope, info.cwd, io.env);
        if (said !== "") io.stdout.write(`${said}\n`);
        io.stdout.write(`Installed "${name}" with ${claude} (scope ${options.scope}). ${RESTART[host]}\n`);
        return EXIT_OK;
      }
      if (options.scope !== "local" && options.scope !== "project")
        throw configError(
          `--scope ${options.scope} needs the claude CLI on PATH; without it only the project's .mcp.json is written.`,
        );
      const file = claudeCodeProjectConfig(info);
      const code = write(io, file, "mcpServers", name, { type: "stdio", ...entry }, host);
      if (entry.env !== undefined)
        io.stderr.write(
          `note: ${file} is usually checked in; its "env" values are readable by anyone with the repository.\n`,
        );
      return code;
    }
  }
}

function write(io: CliIO, file: string, key: string, name: string, entry: unknown, host: Host): number {
  const result = mergeEntry(file, key, name, entry);
  const verb = result.replaced ? "Replaced" : "Installed";
  const backup = result.backup !== undefined ? ` (previous version: ${result.backup})` : "";
  io.stdout.write(`${verb} "${name}" in ${file}${backup}. ${RESTART[host]}\n`);
  if (result.droppedComments)
    io.stderr.write(`note: the comments in ${file} are gone from the rewritten file; the backup has them.\n`);
  return EXIT_OK;
}
