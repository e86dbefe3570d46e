// `npm run docs:check`: every ```ts block of README.md and docs/*.md compiles, and every block that
// says it comes from a file still equals that file. `-- --write` re-syncs those blocks from their files.
//
// A block is checked as its own module against the source (`fastmcp-ts` and its subpaths resolve to
// src/, so no build is needed), with the project's tsconfig. An HTML comment on the line before the
// fence changes that (it does not render):
//   <!-- docs-check: from examples/http/express.ts#mount -->  the block is that file's `// #region mount`
//                                                             (or the whole file without `#…`), which
//                                                             is compiled where it lives
//   <!-- docs-check: continues -->                            the block goes on from the previous one of
//                                                             the same page (same module)
//   <!-- docs-check: fragment -->                             deliberately not a whole program: skipped
// Names a page uses without defining them (`server`, `client`…) are declared in AMBIENT below: they
// stand for "the server you made earlier", nothing more. A block's own declarations shadow them.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// One folder per run, so two runs (CI and a test, say) never share files.
const WORK = join(ROOT, ".docs-check", String(process.pid));
const write = process.argv.includes("--write");
/** `--docs a.md b.md`: check these instead (paths relative to the repository, or absolute). */
const only = process.argv.includes("--docs")
  ? process.argv.slice(process.argv.indexOf("--docs") + 1)
  : undefined;

const AMBIENT = `import type { AuthInfo, Client, Context, FastMCP, SamplingHandler, SamplingTool } from "fastmcp-ts";
declare global {
  /** The FastMCP server a page made earlier. */
  const server: FastMCP;
  /** The connected Client a page made earlier. */
  const client: Client;
  /** The server's URL. */
  const url: string;
  // The reader's own code, which a page only calls:
  const myModelHandler: SamplingHandler;
  const weather: SamplingTool; // the get_weather tool of docs/sampling-tools.md
  function fetchWeather(city: string): Promise<string>;
  function waitForRedirect(authorizationUrl: URL): Promise<URL | string>;
  function lookUp(authorization: string | null): Promise<AuthInfo | undefined>;
  const confirmSchema: Parameters<Context["elicit"]>[0]["requestedSchema"];
  function runLongDeploy(confirmed: unknown, signal: AbortSignal): Promise<string>;
}
`;

// Packages a page shows that are not installed here (no heavy dev dependency for a doc): the least
// of their types the pages use. A script file, so these are ambient declarations, not augmentations.
const MODULES = `declare module "@ai-sdk/google" {
  export function google(modelId: string): import("ai").LanguageModel;
}
`;

interface Block {
  doc: string;
  /** 1-based line of the first code line. */
  line: number;
  code: string;
  marker: { kind: "plain" | "continues" | "fragment" } | { kind: "from"; file: string; region?: string };
}

const MARKER = /^<!--\s*docs-check:\s*(.+?)\s*-->$/;

export function blocksOf(doc: string, text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)\b/.exec(lines[i]!);
    if (open === null) {
      if (/^```/.test(lines[i]!)) i = closingFence(lines, i); // skip other languages' blocks whole
      continue;
    }
    const end = closingFence(lines, i);
    let prev = i - 1;
    while (prev >= 0 && lines[prev]!.trim() === "") prev--;
    const said = prev >= 0 ? MARKER.exec(lines[prev]!.trim())?.[1] : undefined;
    blocks.push({
      doc,
      line: i + 2,
      code: lines.slice(i + 1, end).join("\n"),
      marker: parseMarker(said, doc, i),
    });
    i = end;
  }
  return blocks;
}

function closingFence(lines: string[], open: number): number {
  for (let j = open + 1; j < lines.length; j++) if (/^```\s*$/.test(lines[j]!)) return j;
  throw new Error(`unclosed code fence at line ${open + 1}`);
}

function parseMarker(said: string | undefined, doc: string, index: number): Block["marker"] {
  if (said === undefined) return { kind: "plain" };
  if (said === "continues" || said === "fragment") return { kind: said };
  const from = /^from\s+(\S+?)(?:#(\S+))?$/.exec(said);
  if (from !== null)
    return { kind: "from", file: from[1]!, ...(from[2] !== undefined && { region: from[2] }) };
  throw new Error(`${doc}:${index}: unknown docs-check marker "${said}"`);
}

/** A file's text, or the lines between `// #region name` and `// #endregion` (markers left out). */
function sourceText(file: string, region: string | undefined): string {
  const text = readFileSync(join(ROOT, file), "utf8").replace(/\n+$/, "");
  if (region === undefined) return text;
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.trim() === `// #region ${region}`);
  const end = lines.findIndex((line, index) => index > start && line.trim() === "// #endregion");
  if (start < 0 || end < 0) throw new Error(`${file}: no "// #region ${region}" … "// #endregion"`);
  return lines.slice(start + 1, end).join("\n");
}

/** `fastmcp-ts` and each subpath export → its source entry (read from tsdown.config.ts and package.json). */
function packagePaths(): Record<string, string[]> {
  const exported = Object.keys(
    (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { exports: object }).exports,
  );
  const config = readFileSync(join(ROOT, "tsdown.config.ts"), "utf8");
  const paths: Record<string, string[]> = {};
  for (const [, name, source] of config.matchAll(/^\s*"?([\w/-]+)"?:\s*"(src\/[^"]+\.ts)"/gm)) {
    const subpath = name === "index" ? "." : `./${name}`;
    if (exported.includes(subpath))
      paths[subpath === "." ? "fastmcp-ts" : `fastmcp-ts/${name}`] = [join(ROOT, source!)];
  }
  return paths;
}

interface Unit {
  file: string;
  /** Which doc lines each stretch of the file came from. */
  segments: Array<{ doc: string; docLine: number; fileLine: number; lines: number }>;
}

function main(): number {
  const docs = (
    only ?? [
      "README.md",
      ...readdirSync(join(ROOT, "docs"))
        .filter((name) => name.endsWith(".md"))
        .sort()
        .map((name) => `docs/${name}`),
    ]
  ).map((doc) => relative(ROOT, resolve(ROOT, doc)));
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  writeFileSync(join(WORK, "ambient.d.ts"), AMBIENT);
  writeFileSync(join(WORK, "modules.d.ts"), MODULES);
  const units: Unit[] = [];
  const sources = new Set<string>();
  const problems: string[] = [];
  const counts = { compiled: 0, from: 0, fragments: 0 };
  for (const doc of docs) {
    let text = readFileSync(join(ROOT, doc), "utf8");
    let current: Unit | undefined;
    let code = "";
    const flush = () => {
      if (current === undefined) return;
      writeFileSync(current.file, `${code}\nexport {};\n`);
      units.push(current);
      current = undefined;
      code = "";
    };
    for (const block of blocksOf(doc, text)) {
      const { marker } = block;
      if (marker.kind === "fragment") {
        counts.fragments++;
        continue;
      }
      if (marker.kind === "from") {
        counts.from++;
        if (!existsSync(join(ROOT, marker.file))) {
          problems.push(`${doc}:${block.line}: ${marker.file} does not exist`);
          continue;
        }
        sources.add(join(ROOT, marker.file));
        const expected = sourceText(marker.file, marker.region);
        if (block.code.replace(/\n+$/, "") !== expected) {
          if (write) text = text.replace(block.code, expected);
          else
            problems.push(
              `${doc}:${block.line}: drifted from ${marker.file}${marker.region !== undefined ? `#${marker.region}` : ""} (npm run docs:check -- --write syncs it)`,
            );
        }
        continue;
      }
      counts.compiled++;
      if (marker.kind === "plain" || current === undefined) {
        if (marker.kind === "continues")
          problems.push(`${doc}:${block.line}: "continues", but no block before it`);
        flush();
        const name = `${doc.replace(/[/.]/g, "-")}-${block.line}.ts`;
        current = { file: join(WORK, name), segments: [] };
      } else code += "\n";
      const fileLine = code === "" ? 1 : code.split("\n").length;
      current.segments.push({ doc, docLine: block.line, fileLine, lines: block.code.split("\n").length });
      code += block.code;
    }
    flush();
    if (write) writeFileSync(join(ROOT, doc), text);
  }

  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) =>
        problems.push(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")),
    },
  );
  if (config === undefined) return report(problems, counts);
  const checked = [...units.map((unit) => unit.file), ...sources];
  const roots = [join(WORK, "ambient.d.ts"), join(WORK, "modules.d.ts"), ...checked];
  const program = ts.createProgram(roots, { ...config.options, noEmit: true, paths: packagePaths() });
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file?.fileName;
    if (file !== undefined && !checked.includes(resolve(file))) continue;
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    const line =
      diagnostic.file !== undefined && diagnostic.start !== undefined
        ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1
        : 0;
    problems.push(`${where(units, resolve(file ?? ""), line)}: TS${diagnostic.code} ${message}`);
  }
  return report(problems, counts);
}

function where(units: Unit[], file: string, line: number): string {
  const unit = units.find((candidate) => candidate.file === file);
  if (unit === undefined) return `${relative(ROOT, file)}:${line}`;
  const segment = unit.segments.findLast((candidate) => candidate.fileLine <= line) ?? unit.segments[0]!;
  const offset = Math.min(line - segment.fileLine, segment.lines - 1);
  return `${segment.doc}:${segment.docLine + offset}`;
}

function report(problems: string[], counts: { compiled: number; from: number; fragments: number }): number {
  const summary = `${counts.compiled} compiled, ${counts.from} from example files, ${counts.fragments} marked fragments`;
  if (problems.length === 0) {
    if (!process.argv.includes("--keep")) rmSync(WORK, { recursive: true, force: true });
    process.stdout.write(`docs:check: every TypeScript block is fine (${summary})\n`);
    return 0;
  }
  process.stderr.write(
    `${problems.join("\n")}\n\ndocs:check: ${problems.length} problem(s) (${summary}); blocks kept in ${relative(ROOT, WORK)}/\n`,
  );
  return 1;
}

process.exitCode = main();
