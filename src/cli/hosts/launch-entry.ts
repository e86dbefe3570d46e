import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { configError } from "../errors.js";

/** How a host starts a stdio server: the fields every host's config shares. */
export interface LaunchEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** The package root: the nearest folder up from this module whose package.json names fastmcp-ts. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && /"name"\s*:\s*"fastmcp-ts"/.test(readFileSync(manifest, "utf8"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw configError("Cannot find the fastmcp-ts package this CLI runs from.");
    dir = parent;
  }
}

/**
 * The entry that starts `file` under `fastmcp-ts run`, independent of PATH and working directory:
 * the absolute Node binary, the absolute CLI script (its TypeScript source through tsx's loader
 * when this CLI itself runs from source) and the absolute server file. Hosts such as Claude Desktop
 * start servers with a minimal PATH and an arbitrary cwd, so nothing here may be relative.
 */
export function launchEntry(file: string, env: Record<string, string>): LaunchEntry {
  const serverFile = resolve(file);
  if (!existsSync(serverFile)) throw configError(`Server file not found: ${file}`);
  const root = packageRoot();
  const fromSource = extname(fileURLToPath(import.meta.url)) === ".ts";
  const cli = fromSource ? join(root, "src", "cli", "main.ts") : join(root, "dist", "cli", "main.mjs");
  if (!existsSync(cli)) throw configError(`The fastmcp-ts CLI script is missing: ${cli}`);
  const args = [cli, "run", serverFile];
  // The built CLI loads .ts server files through tsx by itself; the source CLI needs tsx to start at all.
  if (fromSource) args.unshift("--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href);
  return { command: process.execPath, args, ...(Object.keys(env).length > 0 && { env }) };
}
