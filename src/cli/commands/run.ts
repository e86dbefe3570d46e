import { existsSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { missingScriptMessage } from "../../client/connect-errors.js";
import type { FastMCP, RunOptions } from "../../server/fastmcp.js";
import { type RunOverride, setRunOverride } from "../../server/run-override.js";
import { registerTsx } from "../../tsx-loader.js";
import { configError, EXIT_OK, usageError } from "../errors.js";
import { parseCommand } from "../parse-command.js";
import type { CliIO } from "../session.js";

export const RUN_HELP = `Usage: fastmcp-ts run <server-file> [--transport stdio|http] [--host <h>] [--port <n>] [--path <p>]

Runs a server file. The file exports its FastMCP instance (export default server, or
export const server) and the CLI serves it. A file that calls server.run() itself runs too;
then --transport, --host, --port and --path replace what its run() call asks for.
TypeScript files run through tsx (an optional peer: npm install --save-dev tsx).

Options:
  --transport <t>     stdio (default) or http (Streamable HTTP, both protocol eras on one URL)
  --host <h>          HTTP: address to bind (default 127.0.0.1)
  --port <n>          HTTP: port (default 8000; 0 picks a free one)
  --path <p>          HTTP: endpoint path (default /mcp)
  -h, --help          show this help

Exit codes: 0 stopped cleanly, 1 the server failed, 2 usage or configuration error.
`;

const TS_EXTENSIONS = new Set([".ts", ".mts", ".cts", ".tsx"]);

type Servable = Pick<FastMCP, "run" | "close" | "name" | "url">;

function isServer(value: unknown): value is Servable {
  const candidate = value as Record<string, unknown> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.run === "function" &&
    typeof candidate.tool === "function" &&
    typeof candidate.connectInMemory === "function"
  );
}

/** `default`, then `server`; a default-exported function is a factory called with no arguments. */
async function findServer(module: Record<string, unknown>): Promise<Servable | undefined> {
  for (const candidate of [module.default, module.server]) {
    if (isServer(candidate)) return candidate;
  }
  if (typeof module.default === "function") {
    const made = await (module.default as () => unknown)();
    if (isServer(made)) return made;
  }
  return undefined;
}

/** Signs that the file started serving by itself: a stdio reader or a listening socket. */
function alreadyServing(server: Servable | undefined): boolean {
  if (server?.url !== undefined) return true;
  if (process.stdin.listenerCount("data") > 0) return true;
  return process.getActiveResourcesInfo().includes("TCPServerWrap");
}

function parseRunOptions(values: Record<string, string | boolean | undefined>): RunOptions {
  const transport = (values.transport as string | undefined) ?? "stdio";
  const httpOnly = ["host", "port", "path"].filter((name) => values[name] !== undefined);
  if (transport === "stdio") {
    if (httpOnly.length > 0) throw usageError(`--${httpOnly[0]} needs --transport http.`, "run");
    return { transport: "stdio" };
  }
  if (transport !== "http") throw usageError(`--transport must be stdio or http, got "${transport}".`, "run");
  const options: RunOptions = { transport: "http" };
  if (values.host !== undefined) options.host = values.host as string;
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw usageError(`--port must be 0…65535, got "${values.port}".`, "run");
    options.port = port;
  }
  if (values.path !== undefined) {
    const path = values.path as string;
    if (!path.startsWith("/")) throw usageError(`--path must start with "/", got "${path}".`, "run");
    options.path = path;
  }
  return options;
}

/** Resolves to `undefined`: the process keeps serving until a signal or the end of stdin. */
export async function runRun(args: string[], io: CliIO): Promise<number | undefined> {
  const { values, positionals } = parseCommand("run", args, {
    transport: { type: "string" },
    host: { type: "string" },
    port: { type: "string" },
    path: { type: "string" },
  });
  if (values.help === true) {
    io.stdout.write(RUN_HELP);
    return EXIT_OK;
  }
  const [file, ...extra] = positionals;
  if (file === undefined) throw usageError("run needs a <server-file>.", "run");
  if (extra.length > 0) throw usageError(`Unexpected argument "${extra[0]}".`, "run");
  const options = parseRunOptions(values);
  const path = resolve(file);
  if (!existsSync(path)) throw configError(missingScriptMessage(file));
  if (
    TS_EXTENSIONS.has(extname(path).toLowerCase()) &&
    !process.execArgv.some((arg) => arg.includes("tsx"))
  ) {
    // Built CLI under plain Node: let tsx load the TypeScript server file.
    await registerTsx();
  }
  // Only flags given on the command line override what the file's own server.run() asks for.
  const override = values.transport !== undefined ? setRunOverride(options) : undefined;
  // The file runs as if it were the program, so an `if (import.meta.url === argv[1]) run()` guard holds.
  process.argv[1] = path;
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const server = await findServer(module);
  if (override !== undefined && override.started.length > 0) {
    await announce(override, io);
    return undefined;
  }
  if (alreadyServing(server)) {
    if (override !== undefined) {
      // It serves, but not through FastMCP.run(): the flags cannot apply, and serving something
      // other than what was asked for would be a silent surprise.
      throw configError(
        `${file} started serving without FastMCP's server.run(), so --transport ${options.transport} cannot apply: export the server (export default server) or serve it with server.run().`,
      );
    }
    if (server !== undefined) installShutdown(server);
    return undefined;
  }
  if (server === undefined) {
    throw configError(
      `${file} exports no FastMCP server: add "export default server" (or "export const server"), or call server.run() in it.`,
    );
  }
  if (override === undefined) installShutdown(server);
  await server.run(options);
  if (override !== undefined) await announce(override, io);
  return undefined;
}

/** Waits for every server the file started under the override; says where HTTP ones listen. */
async function announce(override: RunOverride, io: CliIO): Promise<void> {
  const servers = await Promise.all(override.started);
  for (const running of servers) {
    installShutdown(running);
    if (running.url !== undefined)
      io.stderr.write(
        `fastmcp-ts: serving ${running.name} at ${running.url} (both protocol eras; Ctrl-C stops)\n`,
      );
  }
}

function installShutdown(server: Pick<Servable, "close">): void {
  const stop = () => {
    void server.close().finally(() => process.exit(EXIT_OK));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
