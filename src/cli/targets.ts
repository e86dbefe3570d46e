import { existsSync } from "node:fs";
import { extname } from "node:path";
import type { ClientTarget } from "../client/target.js";
import { configCandidates, findServer, loadConfig } from "./config.js";
import { configError } from "./errors.js";

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
    if (!existsSync(spec)) throw configError(`Server file not found: ${spec}`);
    return { target: spec, label: spec };
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
  if (existsSync(spec)) return { target: spec, label: spec };
  const where =
    config !== undefined
      ? `${config.path} configures: ${Object.keys(config.servers).join(", ") || "(nothing)"}`
      : `no config found (looked for --config, ${configCandidates().join(", ")})`;
  throw configError(
    `Unknown server "${spec}": not a URL, a server file, or a configured server name; ${where}.`,
  );
}
