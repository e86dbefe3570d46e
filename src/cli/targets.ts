import { existsSync } from "node:fs";
import { extname, resolve } from "node:path";
import { missingScriptMessage } from "../client/connect-errors.js";
import type { ClientTarget } from "../client/target.js";
import { configCandidates, entryToTarget, findServer, type LoadedConfig, searchConfig } from "./config.js";
import { configError } from "./errors.js";
import { askTrust, rememberTrust } from "./project-trust.js";
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

export interface ResolveOptions {
  /** `--config <file>`. */
  configFile?: string | undefined;
  /** `--trust-project`: use the working directory's mcp.json without asking. */
  trustProject?: boolean | undefined;
  /** Set when a person is at the terminal: an untrusted project config is asked about there. */
  ask?: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } | undefined;
  env?: NodeJS.ProcessEnv;
}

/** `<target>` of call/list: an http(s) URL, a script path, or a server name from the mcpServers config. */
export async function resolveTarget(spec: string, options: ResolveOptions = {}): Promise<ResolvedTarget> {
  if (/^https?:\/\//i.test(spec)) return { target: spec, label: spec };
  if (looksLikePath(spec)) {
    if (!existsSync(spec)) throw configError(missingScriptMessage(spec));
    return { target: scriptTarget(spec), label: spec };
  }
  const env = options.env ?? process.env;
  const { config, untrusted } = searchConfig(options.configFile, env, {
    trustProject: options.trustProject === true,
  });
  const configured = findServer(config, spec);
  if (configured !== undefined) return fromConfigured(spec, configured);
  if (untrusted !== undefined && Object.hasOwn(untrusted.servers, spec)) {
    const commands = Object.values(untrusted.servers).map(describeEntry);
    if (options.ask === undefined)
      throw configError(
        `"${spec}" is configured in ${untrusted.path}, which came with the current directory and can run any command; ` +
          "it is used only when trusted: pass --trust-project, or run on a terminal to be asked.",
      );
    if (!(await askTrust(untrusted.path, commands, options.ask.input, options.ask.output)))
      throw configError(`Not trusted: ${untrusted.path}; nothing was started.`);
    rememberTrust(untrusted.path, untrusted.content, env);
    return fromConfigured(spec, entryToTarget(spec, untrusted.servers[spec]!, untrusted.path));
  }
  if (existsSync(spec)) return { target: scriptTarget(spec), label: spec };
  throw configError(
    `Unknown server "${spec}": not a URL, a server file, or a configured server name; ${where(config, untrusted)}.`,
  );
}

function fromConfigured(
  spec: string,
  configured: NonNullable<ReturnType<typeof findServer>>,
): ResolvedTarget {
  return {
    target: configured.target,
    label: spec,
    ...(configured.headers !== undefined && { headers: configured.headers }),
  };
}

function describeEntry(entry: LoadedConfig["servers"][string]): string {
  if (typeof entry !== "object" || entry === null) return "(invalid entry)";
  if (typeof entry.url === "string") return entry.url;
  return [entry.command ?? "(no command)", ...(Array.isArray(entry.args) ? entry.args : [])].join(" ");
}

function where(config: LoadedConfig | undefined, untrusted: LoadedConfig | undefined): string {
  const found =
    config !== undefined
      ? `${config.path} configures: ${Object.keys(config.servers).join(", ") || "(nothing)"}`
      : `no config found (looked for --config, ${configCandidates().join(", ")})`;
  return untrusted === undefined ? found : `${found}; ${untrusted.path} is not trusted (--trust-project)`;
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
