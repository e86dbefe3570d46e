import type { RunOptions } from "./http-types.js";

/**
 * `fastmcp-ts run FILE --transport http --port P` must serve HTTP on P even when FILE calls
 * `server.run()` itself (the README's own form). The CLI sets an override before it imports FILE,
 * and every `FastMCP.run()` in that process honours it. It lives on `globalThis` under a registered
 * symbol so a file importing another copy of fastmcp-ts sees it too, and — unlike an environment
 * variable — it never leaks into child processes a server spawns.
 */
const KEY = Symbol.for("fastmcp-ts.run-override");

export interface RunningServer {
  name: string;
  readonly url: string | undefined;
  close(): Promise<void>;
}

export interface RunOverride {
  /** The command line's transport and address; they replace the file's own. */
  readonly options: RunOptions;
  /** Each `run()` started under the override; settles once it serves (HTTP: listening). */
  readonly started: Array<Promise<RunningServer>>;
}

type Holder = { [KEY]?: RunOverride };

export function setRunOverride(options: RunOptions): RunOverride {
  const override: RunOverride = { options, started: [] };
  (globalThis as Holder)[KEY] = override;
  return override;
}

/** Ends the override (tests; the CLI keeps it for the life of its process). */
export function clearRunOverride(): void {
  delete (globalThis as Holder)[KEY];
}

export function currentRunOverride(): RunOverride | undefined {
  return (globalThis as Holder)[KEY];
}

/**
 * Runs `serve` with the override's transport, host, port and path in place of the caller's; the
 * caller's other options (auth, allowedHosts, …) are kept. Without an override, just serves.
 */
export function runWithOverride(
  server: RunningServer,
  own: RunOptions,
  serve: (options: RunOptions) => Promise<void>,
): Promise<void> {
  const override = currentRunOverride();
  if (override === undefined) return serve(own);
  const {
    transport: _transport,
    host: _host,
    port: _port,
    path: _path,
    ...rest
  } = own as RunOptions & {
    host?: string;
    port?: number;
    path?: string;
  };
  const effective: RunOptions =
    override.options.transport === "http" ? { ...rest, ...override.options } : { transport: "stdio" };
  const serving = serve(effective);
  override.started.push(serving.then(() => server));
  return serving;
}
