// Section 2: stdio cold start — spawn → initialize → first sampled tool result, per framework.
// Every TypeScript server starts the same way in one mode (all through `node --import tsx`, or all
// pre-bundled by esbuild with node_modules left external, i.e. compiled JS), and one client measures all.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Client as V2Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { build } from "esbuild";
import { Client } from "../src/index.js";
import { packageBuild } from "./lib/package-build.js";
import { processCpuMs } from "./lib/process-cpu.js";
import { QUICK, section } from "./lib/section.js";
import { median, percentile, round } from "./lib/stats.js";
import { ARGS, lastText, samplingAnswer, TOOL } from "./servers/common.js";

const ROOT = resolve(import.meta.dirname, "..");
const FRAMEWORKS = [
  { name: "fastmcp-ts", file: "bench/servers/ours.ts" },
  { name: "SDK v2 (raw)", file: "bench/servers/sdk-v2.ts" },
  { name: "SDK v1 (raw)", file: "bench/servers/sdk-v1.ts" },
  { name: "fastmcp (punkpeye)", file: "bench/servers/punkpeye.ts" },
];
const TSX = import.meta.resolve("tsx");
const EXPECTED = samplingAnswer(ARGS.text).content.text;

interface Config {
  name: string;
  mode: string;
  /**
   * Spawns the server, initializes, calls the tool once; resolves [ms to initialized, ms to result,
   * the server process's CPU ms by then (undefined when it cannot be read)].
   */
  run: () => Promise<[number, number, number?]>;
}

/** The raw SDK v2 client (2025 era, the one every framework speaks) times each server alike. */
function rawClientConfig(name: string, mode: string, command: string, args: string[]): Config {
  return {
    name,
    mode,
    run: async () => {
      const start = performance.now();
      const client = new V2Client({ name: "bench", version: "1.0.0" }, { capabilities: { sampling: {} } });
      client.setRequestHandler("sampling/createMessage", (request) =>
        samplingAnswer(lastText(request.params)),
      );
      const transport = new StdioClientTransport({ command, args, cwd: ROOT, stderr: "ignore" });
      await client.connect(transport);
      const initialized = performance.now() - start;
      const result = (await client.callTool({ name: TOOL, arguments: ARGS })) as {
        content: Array<{ text?: string }>;
      };
      const done = performance.now() - start;
      const cpu = processCpuMs(transport.pid);
      if (result.content[0]?.text !== EXPECTED)
        throw new Error(`${name} (${mode}) answered ${JSON.stringify(result)}`);
      await client.close();
      return [initialized, done, cpu];
    },
  };
}

async function bundle(file: string, outdir: string): Promise<string> {
  const outfile = join(outdir, `${file.replace(/\W+/g, "-")}.mjs`);
  await build({
    entryPoints: [join(ROOT, file)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "silent",
  });
  return outfile;
}

/** Compiles every .ts file one by one (no bundling), as tsc would: the module graph stays as written. */
async function compileAll(outdir: string): Promise<void> {
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir)).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(join(ROOT, path)).isDirectory()) return walk(path);
      return path.endsWith(".ts") ? [join(ROOT, path)] : [];
    });
  await build({
    entryPoints: [...walk("src"), ...walk("bench/servers")],
    outdir,
    outbase: ROOT,
    bundle: false,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "silent",
  });
}

export interface ColdStartRow {
  name: string;
  mode: string;
  runs: number;
  initializeMs: number;
  firstResultMs: number;
  minFirstResultMs: number;
  maxFirstResultMs: number;
  /** Median first-result time minus the raw SDK v2's in the same mode. */
  deltaVsSdkV2Ms?: number;
  /**
   * Median CPU the server process had used by its first result (all threads; Linux only, not for
   * the row using our own Client): unlike the times, it does not grow with other load on the machine.
   */
  serverCpuMs?: number;
  cpuDeltaVsSdkV2Ms?: number;
  error?: string;
}

await section(import.meta.url, async () => {
  const reps = QUICK ? 3 : 7;
  // Inside node_modules so the bundles resolve their external packages from the project.
  const outdir = join(ROOT, "node_modules/.cache/fastmcp-ts-bench");
  mkdirSync(outdir, { recursive: true });
  const configs: Config[] = [];
  // The frameworks as they ship (JS), every server file compiled one by one as tsc would, and a copy of
  // each TypeScript server file beside its compiled twin, so "run the .ts with tsx" loads the same JS.
  const compiled = join(outdir, "js");
  await compileAll(compiled);
  // ESM like the project (inside node_modules no outer package.json applies).
  writeFileSync(join(compiled, "package.json"), '{ "type": "module" }\n');
  // fastmcp-ts as it ships (its tsdown build), which the compiled server files import instead of src/.
  packageBuild(join(outdir, "pkg"));
  writeFileSync(join(compiled, "src/index.js"), 'export * from "../../pkg/index.mjs";\n');
  for (const fw of FRAMEWORKS) copyFileSync(join(ROOT, fw.file), join(compiled, fw.file));
  const TSX_MODE = "server .ts via node --import tsx";
  for (const fw of FRAMEWORKS) {
    const file = join(compiled, fw.file);
    configs.push(rawClientConfig(fw.name, TSX_MODE, process.execPath, ["--import", TSX, file, "stdio"]));
  }
  for (const fw of FRAMEWORKS) {
    const file = join(compiled, fw.file.replace(/\.ts$/, ".js"));
    configs.push(
      rawClientConfig(fw.name, "compiled JS (per file, like tsc)", process.execPath, [file, "stdio"]),
    );
  }
  for (const fw of FRAMEWORKS) {
    const file = await bundle(fw.file, outdir);
    configs.push(
      rawClientConfig(fw.name, "esbuild bundle (deps external)", process.execPath, [file, "stdio"]),
    );
  }
  const oursTs = join(compiled, "bench/servers/ours.ts");
  // Ours the way our docs say: our Client spawns a .ts path itself (node --import tsx), and times it.
  configs.push({
    name: "fastmcp-ts",
    mode: "our Client given the .ts path (tsx)",
    run: async () => {
      const start = performance.now();
      const client = new Client(oursTs, {
        samplingHandler: (_messages, params) => samplingAnswer(lastText(params)),
        stderr: "ignore",
      });
      await client.connect();
      const initialized = performance.now() - start;
      const { text } = await client.callTool(TOOL, ARGS);
      const done = performance.now() - start;
      if (text !== EXPECTED) throw new Error(`our client answered ${text}`);
      await client.close();
      return [initialized, done];
    },
  });
  const cli = join(outdir, "pkg/cli/main.mjs");
  if (existsSync(cli)) {
    configs.push(
      rawClientConfig("fastmcp-ts", "fastmcp-ts run (CLI as JS; .ts via tsx)", process.execPath, [
        cli,
        "run",
        oursTs,
      ]),
    );
  }
  // Development mode: the framework itself from its TypeScript source (what this repository's tests do).
  configs.push(
    rawClientConfig("fastmcp-ts", "framework from TS source via tsx (dev)", process.execPath, [
      "--import",
      TSX,
      FRAMEWORKS[0]!.file,
      "stdio",
    ]),
  );
  const times = new Map<Config, Array<[number, number, number?]>>(configs.map((c) => [c, []]));
  const errors = new Map<Config, string>();
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < configs.length; i++) {
      const config = configs[(r + i) % configs.length]!;
      if (errors.has(config)) continue;
      try {
        times.get(config)!.push(await config.run());
      } catch (error) {
        errors.set(config, (error as Error).message.slice(0, 200));
      }
    }
  }
  const rows: ColdStartRow[] = configs.map((config) => {
    const values = times.get(config)!;
    const results = values.map(([, done]) => done);
    const cpus = values.flatMap(([, , cpu]) => (cpu === undefined ? [] : [cpu]));
    return {
      name: config.name,
      mode: config.mode,
      runs: values.length,
      initializeMs: round(median(values.map(([init]) => init))),
      firstResultMs: round(median(results)),
      minFirstResultMs: round(percentile(results, 0)),
      maxFirstResultMs: round(percentile(results, 100)),
      ...(cpus.length > 0 && { serverCpuMs: round(median(cpus)) }),
      ...(errors.has(config) && { error: errors.get(config) }),
    };
  });
  for (const row of rows) {
    const base = rows.find(
      (r) =>
        r.name === "SDK v2 (raw)" &&
        (r.mode === row.mode || (row.mode.includes("tsx") && r.mode.includes("tsx"))),
    );
    if (base !== undefined && row.runs > 0)
      row.deltaVsSdkV2Ms = round(row.firstResultMs - base.firstResultMs);
    if (base?.serverCpuMs !== undefined && row.serverCpuMs !== undefined)
      row.cpuDeltaVsSdkV2Ms = round(row.serverCpuMs - base.serverCpuMs);
  }
  return { reps, rows, cliPresent: existsSync(join(ROOT, "src/cli/main.ts")) };
});
