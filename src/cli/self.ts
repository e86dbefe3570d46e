import { fileURLToPath } from "node:url";

/**
 * The CLI's own entry file, set by `main()`, so `call` and `list` can start a script target through
 * `fastmcp-ts run` — then a file that only exports its server works as a target too.
 */
let entry: string | undefined;

export function setCliEntry(url: string): void {
  entry = fileURLToPath(url);
}

/** `node <these args> run <file>` runs the CLI; TypeScript sources (a checkout) need tsx loaded first. */
export function cliCommandArgs(): string[] | undefined {
  if (entry === undefined) return undefined;
  return /\.[mc]?ts$/.test(entry) ? ["--import", import.meta.resolve("tsx"), entry] : [entry];
}
