import { existsSync } from "node:fs";
import { extname, resolve } from "node:path";
import { missingScriptMessage } from "../client/connect-errors.js";
import type { ClientTarget } from "../client/target.js";
import { configCandidates, findServer, loadConfig } from "./config.js";
import { configError } from "./errors.js";
import { cliCommandArgs } from "./self.js";

export interface ResolvedTarget {
  target: ClientTarget;
  /** Shown to the user: the path, URL or configured name. */
  label: string;
  headers?: Record<string, string>;
}

const SCRIPT_EXTENSIONS = new Set([".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".py"]);

function looksLikePath(spec: string): boolean {
  return spec.includes("/") || spec.includes("\\") || SCRIPT_EXTENSIONS.has(extname(spec).toLowerCase());
}

/** `<target>` of call/list: an http(s) URL, a script path, or a server name from the mcpServers config. */
export function resolveTarget(spec: string, configFile: string | undefined): ResolvedTarget {
  if (/^https?:\/\//i.test(spec)) return { target: spec, label: spec };
  if (looksLikePath(spec)) {
    if (!existsSync(spec)) throw configError(missingScriptMessage(spec));
    return { target: scriptTarget(spec), label: spec };
  }
  const config = loadConfig(configFile);
  const configured = findServer(config, spec);
  if (configured !== undefined) {
    return {
      target: configured.target,
      label: spec,
      ...(configured.headers !== undefined && { headers: configured.headers }),
    };
  }
  if (existsSync(spec)) return { target: scriptTarget(spec), label: spec };
  const where =
    config !== undefined
      ? `${config.path} configures: ${Object.keys(config.servers).join(", ") || "(nothing)"}`
      : `no config found (looked for --config, ${configCandidates().join(", ")})`;
  throw configError(
    `Unknown server "${spec}": not a URL, a server file, or a configured server name; ${where}.`,
  );
}

const SERVED_BY_RUN = new Set([".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"]);

/**
 * A JavaScript or TypeScript file is started through `fastmcp-ts run`, so it may either call
 * `server.run()` or just export its server (as `run` accepts); other scripts run as they are.
 */
function scriptTarget(spec: string): ClientTarget {
  const args = cliCommandArgs();
  if (args === undefined || !SERVED_BY_RUN.has(extname(spec).toLowerCase())) return spec;
  return { command: process.execPath, args: [...args, "run", resolve(spec)], label: spec };
}
