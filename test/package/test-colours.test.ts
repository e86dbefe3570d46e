// `npm test` into a pipe or a log file writes no colour codes (Vitest alone colours whenever TERM is set).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

it("the test command prints no ANSI escapes when stdout is not a terminal", () => {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm-256color" };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const run = spawnSync(
    process.execPath,
    ["scripts/test.mjs", "test/property/stable-hash.property.test.ts"],
    {
      cwd: ROOT,
      env,
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  expect(run.status).toBe(0);
  expect(run.stdout).toContain("Tests: ");
  expect(run.stdout).not.toContain("\u001b[");
});
