import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { CliError, EXIT_FAILURE } from "../errors.js";
import type { LaunchEntry } from "./launch-entry.js";

/** The `claude` executable on `PATH`, if Claude Code is installed. */
export function findClaudeCli(env: NodeJS.ProcessEnv): string | undefined {
  const names = process.platform === "win32" ? ["claude.cmd", "claude.exe", "claude"] : ["claude"];
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * `claude mcp add --scope S [-e K=V]… <name> -- <command> <args…>`: Claude Code records the server
 * where that scope keeps them (~/.claude.json for local and user, .mcp.json for project). The values
 * pass through argv of that one short-lived process only; the stored entry keeps them in `env`.
 */
export function addWithClaudeCli(
  claude: string,
  name: string,
  entry: LaunchEntry,
  scope: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): string {
  const envArgs = Object.entries(entry.env ?? {}).flatMap(([key, value]) => ["-e", `${key}=${value}`]);
  const args = ["mcp", "add", "--scope", scope, ...envArgs, name, "--", entry.command, ...entry.args];
  const done = spawnSync(claude, args, { cwd, env, encoding: "utf8", shell: process.platform === "win32" });
  if (done.error !== undefined || done.status !== 0) {
    const why = done.error?.message ?? (done.stderr.trim() || `exit code ${done.status}`);
    throw new CliError(`"claude mcp add" failed: ${why}`, EXIT_FAILURE);
  }
  return done.stdout.trim();
}
