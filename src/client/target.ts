import { existsSync } from "node:fs";
import { extname, resolve } from "node:path";
import type { OAuthClientProvider, Transport } from "@modelcontextprotocol/client";
import { FastMCPError } from "../errors.js";
import { loadClientSdk, loadClientStdioSdk } from "../lazy-modules.js";
import { tsxLoaderUrl } from "../tsx-loader.js";
import { type ConnectFailureContext, missingScriptMessage, StderrTail } from "./connect-errors.js";
import { type ClientOAuthOptions, toAuthProvider } from "./oauth/oauth-provider.js";

/** Anything that can serve one in-memory connection (a FastMCP instance). */
export interface InMemoryServer {
  connectInMemory(): Transport;
}

export interface StdioTarget {
  command: string;
  /** How error messages name this server (default: the command line). */
  label?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export type ClientTarget = InMemoryServer | string | URL | StdioTarget;

export interface TransportOptions {
  headers?: Record<string, string>;
  authToken?: string;
  /** OAuth for an HTTP target: log in (browser, client credentials, pre-registered) as the server asks. */
  auth?: ClientOAuthOptions | OAuthClientProvider;
  /** A fetch to use for HTTP targets (proxies, tests, in-process handlers). */
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Where a stdio server's stderr goes; default "inherit". */
  stderr?: "inherit" | "pipe" | "ignore";
}

export type TargetKind = "memory" | "stdio" | "http";

export function targetKind(target: ClientTarget): TargetKind {
  if (target instanceof URL) return "http";
  if (typeof target === "string") return /^https?:\/\//i.test(target) ? "http" : "stdio";
  if (typeof (target as InMemoryServer).connectInMemory === "function") return "memory";
  return "stdio";
}

/** Turns a target into an SDK client transport. */
export async function createTransport(
  target: ClientTarget,
  options: TransportOptions = {},
): Promise<Transport> {
  const kind = targetKind(target);
  if (kind === "memory") return (target as InMemoryServer).connectInMemory();
  if (kind === "http") {
    const headers: Record<string, string> = { ...options.headers };
    if (options.authToken !== undefined) headers.authorization = `Bearer ${options.authToken}`;
    const { StreamableHTTPClientTransport } = await loadClientSdk();
    return new StreamableHTTPClientTransport(new URL(String(target)), {
      requestInit: { headers },
      ...(options.auth !== undefined && { authProvider: toAuthProvider(options.auth) }),
      ...(options.fetch !== undefined && { fetch: options.fetch }),
    });
  }
  const spec = typeof target === "string" ? scriptCommand(target) : (target as StdioTarget);
  if (typeof spec.command !== "string" || spec.command.length === 0) {
    throw new FastMCPError(
      "INVALID_ARGUMENT",
      "A stdio target needs a command: { command, args?, env?, cwd? }.",
    );
  }
  const { getDefaultEnvironment, StdioClientTransport } = await loadClientStdioSdk();
  const stderr = options.stderr ?? "inherit";
  const transport = new StdioClientTransport({
    command: spec.command,
    args: spec.args ?? [],
    env: { ...getDefaultEnvironment(), ...spec.env },
    // Piped (and passed on when "inherit") so a script that dies at startup can be quoted.
    stderr: stderr === "ignore" ? "ignore" : "pipe",
    ...(spec.cwd !== undefined && { cwd: spec.cwd }),
  });
  const tail = new StderrTail();
  transport.stderr?.on("data", (chunk: Buffer) => {
    tail.append(chunk);
    if (stderr === "inherit") process.stderr.write(chunk);
  });
  stderrTails.set(transport, tail);
  return transport;
}

const stderrTails = new WeakMap<Transport, StderrTail>();

/** What a failed connect() needs to explain itself. */
export function connectContext(
  target: ClientTarget,
  transport: Transport | undefined,
): ConnectFailureContext {
  const kind = targetKind(target);
  const label =
    kind === "stdio" && typeof target !== "string"
      ? ((target as StdioTarget).label ??
        [(target as StdioTarget).command, ...((target as StdioTarget).args ?? [])].join(" "))
      : String(kind === "memory" ? "the in-memory server" : target);
  const tail = transport === undefined ? undefined : stderrTails.get(transport);
  return { kind, label, ...(tail !== undefined && { stderrTail: tail }) };
}

/** A script path → the command that runs it: Node for JS, Node with tsx for TS, python3 for Python. */
export function scriptCommand(path: string): StdioTarget {
  const file = resolve(path);
  if (!existsSync(file)) throw new FastMCPError("CONFIG", missingScriptMessage(path));
  const extension = extname(file).toLowerCase();
  if ([".js", ".mjs", ".cjs"].includes(extension)) return { command: process.execPath, args: [file] };
  if ([".ts", ".mts", ".cts"].includes(extension)) {
    return { command: process.execPath, args: ["--import", tsxLoaderUrl(), file] };
  }
  if (extension === ".py") return { command: "python3", args: [file] };
  throw new FastMCPError(
    "INVALID_ARGUMENT",
    `Cannot run '${path}': use a .js/.mjs/.ts/.mts/.py script, an http(s):// URL, or { command, args }.`,
  );
}
