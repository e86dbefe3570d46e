// Benchmark-only peers in bench/peers (mcp-use 2.x): they declare Node >= 22.22.2, so they stay out of
// the project's own install (whose Node 20 install prints no EBADENGINE) and are installed here, from
// their lock file, the first time a benchmark needs them.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const PEERS = resolve(import.meta.dirname, "../peers");

function installedVersion(name: string): string | undefined {
  const manifest = join(PEERS, "node_modules", name, "package.json");
  return existsSync(manifest)
    ? (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version
    : undefined;
}

/** Installs bench/peers when its pinned versions are missing; returns why it could not, or undefined. */
export function ensurePeers(): string | undefined {
  const wanted = (
    JSON.parse(readFileSync(join(PEERS, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    }
  ).dependencies;
  if (installedVersion("mcp-use") === wanted["mcp-use"]) return undefined;
  process.stderr.write("bench: installing bench/peers (mcp-use; it declares Node >= 22.22.2)… ");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const installed = spawnSync(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: PEERS,
    stdio: ["ignore", "ignore", "inherit"],
  });
  process.stderr.write(installed.status === 0 ? "done\n" : "failed\n");
  return installed.status === 0 && installedVersion("mcp-use") === wanted["mcp-use"]
    ? undefined
    : `npm install in bench/peers failed (exit ${installed.status ?? installed.error?.message})`;
}
