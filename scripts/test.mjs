// `npm test`: Vitest, without colour codes when stdout is not a terminal (Vitest colours whenever
// TERM is set, so a redirected log filled with escapes). FORCE_COLOR still forces them.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const env = { ...process.env };
if (process.stdout.isTTY !== true && env.FORCE_COLOR === undefined) env.NO_COLOR ??= "1";
const vitest = fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url));
const run = spawnSync(process.execPath, [vitest, "run", ...process.argv.slice(2)], { stdio: "inherit", env });
process.exit(run.status ?? 1);
