// fastmcp-ts exactly as it ships: the package's own tsdown build (`npm run build`), into a cache folder.
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
/** Where the benchmark keeps its build (inside node_modules, so it resolves the project's dependencies). */
export const PACKAGE_DIR = join(ROOT, "node_modules/.cache/fastmcp-ts-bench/pkg");

export function packageBuild(outdir: string = PACKAGE_DIR): void {
  const tsdown = join(ROOT, "node_modules/tsdown/dist/run.mjs");
  const built = spawnSync(process.execPath, [tsdown, "--out-dir", outdir, "--no-dts"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (built.status !== 0) throw new Error(`tsdown build failed (exit ${built.status})`);
}
