// `npm run docs:check` fails for each way a doc's TypeScript can go wrong, naming the doc's own line,
// and passes what is right: run on a page written for it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "docs-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fence = "```";
const PAGE = [
  "# A page", // 1
  "", // 2
  `${fence}ts`, // 3
  'import { FastMCP } from "fastmcp-ts";', // 4
  'const server = new FastMCP({ name: "ok" });', // 5
  `${fence}`, // 6
  "", // 7
  "<!-- docs-check: continues -->", // 8
  `${fence}ts`, // 9
  'server.tool({ name: "t", execute: () => "fine" });', // 10
  "const n: number = server.name;", // 11: wrong, and found through the continued module
  `${fence}`, // 12
  "", // 13
  `${fence}typescript`, // 14
  'const ok = new FastMCP({ name: "no import" });', // 15: the README's old mistake
  `${fence}`, // 16
  "", // 17
  "<!-- docs-check: fragment -->", // 18
  `${fence}ts`, // 19
  "selectModel(preferences, { defaultModel }): string", // 20: skipped on purpose
  `${fence}`, // 21
  "", // 22
  "<!-- docs-check: from examples/http/worker.ts -->", // 23
  `${fence}ts`, // 24
  "export default { fetch: (request: Request) => fetch(request) };", // 25: not what the file says
  `${fence}`, // 26
  `${fence}bash`, // 27
  "const not = typescript;", // 28: other languages are not checked
  `${fence}`, // 29
].join("\n");

it("names each broken or drifted block by its line in the doc, and only those", () => {
  const page = join(dir, "page.md");
  writeFileSync(page, PAGE);
  const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/docs-check.ts", "--docs", page], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(run.status, run.stderr).toBe(1);
  const problems = run.stderr
    .split("\n")
    .filter((line) => line.includes("page.md:"))
    .map((line) => line.replace(/^.*page\.md:/, ""))
    .sort();
  expect(problems).toEqual([
    "11: TS2322 Type 'string' is not assignable to type 'number'.",
    "15: TS2304 Cannot find name 'FastMCP'.",
    "25: drifted from examples/http/worker.ts (npm run docs:check -- --write syncs it)",
  ]);
  expect(run.stderr).toContain("3 compiled, 1 from example files, 1 marked fragments");
}, 180_000);
