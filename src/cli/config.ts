import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { StdioTarget } from "../client/target.js";
import { configError } from "./errors.js";
import { isTrusted } from "./project-trust.js";

/** One server in the `mcpServers` format hosts use (Claude Desktop, Cursor, Claude Code, VS Code). */
export interface ServerEntry {
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  url?: string;
  type?: string;
  headers?: Record<string, string>;
}

export interface LoadedConfig {
  path: string;
  servers: Record<string, ServerEntry>;
}

export interface ResolvedServer {
  target: string | StdioTarget;
  headers?: Record<string, string>;
}

/** Where a config is looked for when `--config` is not given, in order. */
export function configCandidates(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string[] {
  return [...projectCandidates(cwd), userConfigPath(env)];
}

function projectCandidates(cwd: string): string[] {
  return [join(cwd, "mcp.json"), join(cwd, ".mcp.json")];
}

function userConfigPath(env: NodeJS.ProcessEnv): string {
  const configHome =
    env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== ""
      ? env.XDG_CONFIG_HOME
      : join(homedir(), ".config");
  return join(configHome, "fastmcp-ts", "mcp.json");
}

/** A project's config that was found but is not trusted (yet): its servers must not be started. */
export interface UntrustedConfig extends LoadedConfig {
  content: string;
}

export interface ConfigSearch {
  config?: LoadedConfig;
  untrusted?: UntrustedConfig;
}

export interface ConfigSearchOptions {
  cwd?: string;
  /** `--trust-project`: use a config from the working directory without asking. */
  trustProject?: boolean;
}

/**
 * `--config <file>` (named by the user, so trusted), else the first candidate that exists. A
 * candidate in the working directory is used only when trusted; an untrusted one is reported
 * beside the user's own config, which is used instead.
 */
export function searchConfig(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  options: ConfigSearchOptions = {},
): ConfigSearch {
  if (explicit !== undefined) {
    const path = resolve(explicit);
    if (!existsSync(path)) throw configError(`Config file not found: ${explicit}`);
    return { config: readConfig(path, readText(path), env) };
  }
  const cwd = options.cwd ?? process.cwd();
  const project = projectCandidates(cwd).find((candidate) => existsSync(candidate));
  let untrusted: UntrustedConfig | undefined;
  if (project !== undefined) {
    const content = readText(project);
    const config = readConfig(project, content, env);
    if (options.trustProject === true || isTrusted(project, content, env)) return { config };
    untrusted = { ...config, content };
  }
  const user = userConfigPath(env);
  const config = existsSync(user) ? readConfig(user, readText(user), env) : undefined;
  return { ...(config !== undefined && { config }), ...(untrusted !== undefined && { untrusted }) };
}

/** The config `searchConfig` would use; `undefined` when there is none. */
export function loadConfig(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  options: ConfigSearchOptions = {},
): LoadedConfig | undefined {
  return searchConfig(explicit, env, options).config;
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw configError(`Cannot read config ${path}: ${(error as Error).message}`);
  }
}

function readConfig(path: string, content: string, env: NodeJS.ProcessEnv): LoadedConfig {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    throw configError(`Cannot read config ${path}: ${(error as Error).message}`);
  }
  const record = (json ?? {}) as { mcpServers?: unknown; servers?: unknown };
  // VS Code spells the key "servers"; everyone else "mcpServers".
  const servers = record.mcpServers ?? record.servers;
  if (typeof servers !== "object" || servers === null || Array.isArray(servers)) {
    throw configError(
      `Config ${path} has no "mcpServers" object: { "mcpServers": { "name": { "command": … } } }`,
    );
  }
  const expanded = Object.fromEntries(
    Object.entries(servers).map(([name, entry]) => [name, expandSecrets(entry, env)]),
  );
  return { path, servers: expanded as Record<string, ServerEntry> };
}

/**
 * Variables expand only where secrets belong: `env` and `headers`. Expanded into `command`,
 * `args` or `url`, a config could carry the user's keys to a program or a host of its choosing.
 */
function expandSecrets(entry: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return entry;
  const record = entry as Record<string, unknown>;
  return {
    ...record,
    ...(record.env !== undefined && { env: expandEnv(record.env, env) }),
    ...(record.headers !== undefined && { headers: expandEnv(record.headers, env) }),
  };
}

/** `${VAR}`, `${VAR:-default}` and Cursor's `${env:VAR}` in every string of a value. */
export function expandEnv(value: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof value === "string") {
    return value.replace(
      /\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
      (_match, name: string, fallback?: string) => {
        const found = env[name];
        return found !== undefined && found !== "" ? found : (fallback ?? "");
      },
    );
  }
  if (Array.isArray(value)) return value.map((item) => expandEnv(item, env));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expandEnv(item, env)]));
  }
  return value;
}

/** A configured entry → a Client target (stdio command or URL with headers). */
export function entryToTarget(name: string, entry: ServerEntry, configPath: string): ResolvedServer {
  if (typeof entry !== "object" || entry === null)
    throw configError(`Server "${name}" in ${configPath} is not an object.`);
  const type = entry.type?.toLowerCase();
  if (type === "sse") {
    throw configError(
      `Server "${name}" uses the legacy SSE transport, which fastmcp-ts does not speak; use its Streamable HTTP URL.`,
    );
  }
  if (typeof entry.url === "string") {
    if (!/^https?:\/\//i.test(entry.url))
      throw configError(`Server "${name}" has an invalid url: ${entry.url}`);
    return { target: entry.url, ...(entry.headers !== undefined && { headers: entry.headers }) };
  }
  if (typeof entry.command !== "string" || entry.command === "") {
    throw configError(`Server "${name}" in ${configPath} needs a "command" (stdio) or a "url" (HTTP).`);
  }
  if (
    entry.args !== undefined &&
    !(Array.isArray(entry.args) && entry.args.every((arg) => typeof arg === "string"))
  ) {
    throw configError(`Server "${name}": "args" must be a list of strings.`);
  }
  const target: StdioTarget = { command: entry.command, args: entry.args ?? [] };
  if (entry.env !== undefined)
    target.env = Object.fromEntries(Object.entries(entry.env).map(([key, value]) => [key, String(value)]));
  // A relative cwd is relative to the config file, like relative paths in most hosts' configs.
  if (entry.cwd !== undefined) target.cwd = resolve(dirname(configPath), entry.cwd);
  return { target };
}

/** Looks a configured name up; `undefined` when there is no config or no such name. */
export function findServer(config: LoadedConfig | undefined, name: string): ResolvedServer | undefined {
  if (config === undefined || !Object.hasOwn(config.servers, name)) return undefined;
  return entryToTarget(name, config.servers[name]!, config.path);
}
