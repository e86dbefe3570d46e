import { Client, type ClientOptions, type ProtocolChoice } from "../client/client.js";
import { errorMessage, FastMCPError } from "../errors.js";
import { cliOAuth } from "./browser-login.js";
import { CliError, EXIT_FAILURE, EXIT_USAGE, usageError } from "./errors.js";
import { type ResolveOptions, resolveTarget } from "./targets.js";

/** What every command gets from main: its streams and environment (tests run main in-process too). */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  stdinIsTTY: boolean;
}

export function parseProtocol(value: string | undefined, command: string): ProtocolChoice | undefined {
  if (value === undefined) return undefined;
  if (value === "auto" || value === "2025" || value === "2026") return value;
  throw usageError(`--protocol must be auto, 2025 or 2026, got "${value}".`, command);
}

export function parseSeconds(value: string | undefined, name: string, command: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw usageError(`${name} must be a positive number of seconds, got "${value}".`, command);
  return Math.round(seconds * 1000);
}

/** How `<target>` is looked up: a project's mcp.json needs --trust-project or a yes on the terminal. */
export function targetOptions(
  configFile: string | undefined,
  trustProject: boolean | undefined,
  io: CliIO | undefined,
): ResolveOptions {
  return {
    configFile,
    trustProject,
    ...(io !== undefined && { env: io.env }),
    ...(io?.stdinIsTTY === true && { ask: { input: process.stdin, output: io.stderr } }),
  };
}

/** Resolves `<target>` (URL, script, configured name) and connects; a connection failure exits 1. */
export async function connectTarget(
  spec: string,
  configFile: string | undefined,
  options: Omit<ClientOptions, "headers">,
  io?: CliIO,
  trustProject?: boolean,
): Promise<{ client: Client; label: string }> {
  const resolved = await resolveTarget(spec, targetOptions(configFile, trustProject, io));
  // An HTTP server may ask for an OAuth login (401); a configured Authorization header opts out.
  const login =
    io !== undefined &&
    typeof resolved.target === "string" &&
    /^https?:\/\//i.test(resolved.target) &&
    !Object.keys(resolved.headers ?? {}).some((name) => name.toLowerCase() === "authorization")
      ? await cliOAuth(resolved.target, io.env, (line) => io.stderr.write(`${line}\n`))
      : undefined;
  const client = new Client(resolved.target, {
    name: "fastmcp-ts-cli",
    ...options,
    ...(resolved.headers !== undefined && { headers: resolved.headers }),
    ...(login !== undefined && { auth: login.auth }),
  });
  try {
    await client.connect();
  } catch (error) {
    // The Client's own connection texts (missing file, script died, URL unreachable) are shown as they are.
    if (FastMCPError.isInstance(error) && (error.code === "TRANSPORT" || error.code === "CONFIG"))
      throw new CliError(error.message, error.code === "CONFIG" ? EXIT_USAGE : EXIT_FAILURE);
    throw new CliError(`Cannot connect to ${resolved.label}: ${errorMessage(error)}`, EXIT_FAILURE);
  }
  return { client, label: resolved.label };
}
