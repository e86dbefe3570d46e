import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const TSDOWN = fileURLToPath(import.meta.resolve("tsdown/run"));
/** A fresh build of the current sources, laid out as an installed package: package.json + dist/. */
let pkg: string;
let consumer: string;

beforeAll(() => {
  // Built here, every run, into a directory of its own: a dist/ left over from another checkout
  // would test old code, and the repository's dist/ stays whatever `npm run build` made it.
  // The JavaScript is what `npm run build` emits; the declarations (most of the build's time) are
  // checked on the packed package by scripts/package-smoke.sh (attw).
  pkg = mkdtempSync(join(tmpdir(), "fastmcp-built-"));
  const out = join(pkg, "dist");
  execFileSync(process.execPath, [TSDOWN, "--out-dir", out, "--no-dts", "--logLevel", "error"], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
  });
  copyFileSync(join(root, "package.json"), join(pkg, "package.json"));
  // The package's own dependencies resolve from the repository's install, as from an app's.
  symlinkSync(join(root, "node_modules"), join(pkg, "node_modules"), "dir");
  // Another project, which sees the package only through its exports map.
  consumer = mkdtempSync(join(tmpdir(), "fastmcp-consumer-"));
  mkdirSync(join(consumer, "node_modules"));
  symlinkSync(pkg, join(consumer, "node_modules/fastmcp-ts"), "dir");
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ type: "module" }));
}, 180_000);
afterAll(() => {
  rmSync(consumer, { recursive: true, force: true });
  rmSync(pkg, { recursive: true, force: true });
});

const run = (code: string) =>
  execFileSync(process.execPath, ["--input-type=module", "-e", code], {
    cwd: consumer,
    encoding: "utf8",
  }).trim();

describe("the built package", () => {
  it("exposes the public names from its root", () => {
    const out = run(`
      import { FastMCP, Client, ToolError, FastMCPError, selectModel, withApproval } from "fastmcp-ts";
      console.log([FastMCP, Client, ToolError, FastMCPError, selectModel, withApproval].map((x) => typeof x).join(","));
    `);
    expect(out).toBe("function,function,function,function,function,function");
  });

  it("samples end to end through the built code", () => {
    const out = run(`
      import { FastMCP, Client } from "fastmcp-ts";
      const server = new FastMCP({ name: "built" });
      server.tool({ name: "ask", execute: async (_a, ctx) => (await ctx.sample("hi")).text });
      const client = new Client(server, { samplingHandler: () => "from the built package" });
      await client.connect();
      console.log((await client.callTool("ask")).text);
      await client.close();
    `);
    expect(out).toBe("from the built package");
  });

  it("serves each provider handler on its own subpath", () => {
    const out = run(`
      const { OpenAISamplingHandler } = await import("fastmcp-ts/openai");
      const { AnthropicSamplingHandler } = await import("fastmcp-ts/anthropic");
      const { AISDKSamplingHandler } = await import("fastmcp-ts/ai-sdk");
      const { GoogleSamplingHandler } = await import("fastmcp-ts/google");
      console.log([OpenAISamplingHandler, AnthropicSamplingHandler, AISDKSamplingHandler, GoogleSamplingHandler].map((x) => typeof x).join(","));
    `);
    expect(out).toBe("function,function,function,function");
  });

  it("one ProviderError for the root and every handler subpath: instanceof and isInstance hold across them", () => {
    const out = run(`
      const root = await import("fastmcp-ts");
      const subpaths = await Promise.all(["openai", "anthropic", "ai-sdk", "google"].map((name) => import("fastmcp-ts/" + name)));
      const checks = subpaths.flatMap(({ ProviderError }) => {
        const error = new ProviderError("X", "failed", { status: 500 });
        return [error instanceof root.ProviderError, error instanceof root.FastMCPError, root.ProviderError.isInstance(error), error.code === root.ErrorCode.PROVIDER];
      });
      console.log(checks.every((ok) => ok) + " " + checks.length);
    `);
    expect(out).toBe("true 16");
  });

  it("serves redisSessionStore on fastmcp-ts/redis, which loads node-redis only when it connects", () => {
    const out = run(`
      const { redisSessionStore } = await import("fastmcp-ts/redis");
      const store = redisSessionStore({ url: "redis://127.0.0.1:1" });
      let refused = "";
      try { redisSessionStore({ url: "" }); } catch (error) { refused = error.message; }
      console.log(typeof redisSessionStore, typeof store.load, refused.includes("needs a Redis URL"));
    `);
    expect(out).toBe("function function true");
    // No static import of the peer: a server that never connects to Redis never loads it.
    expect(readFileSync(join(pkg, "dist/redis.mjs"), "utf8")).not.toMatch(/^import[^;]*from\s*"redis"/m);
  });

  it("keeps provider SDKs out of the core entry's import graph", () => {
    // Walk the static imports of dist/index.mjs: provider SDKs may only be reached from their subpaths.
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(file, "utf8");
      for (const match of code.matchAll(/^(?:import|export)[^;]*?from\s*"([^"]+)"|^import\s*"([^"]+)"/gm)) {
        const specifier = match[1] ?? match[2]!;
        if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier));
        else bare.add(specifier);
      }
    };
    visit(join(pkg, "dist/index.mjs"));
    expect(seen.size).toBeGreaterThan(1);
    expect(
      [...bare].filter((name) =>
        /^(openai|@anthropic-ai\/|ai$|@ai-sdk\/|@google\/|@opentelemetry\/|redis$|@redis\/)/.test(name),
      ),
    ).toEqual([]);
    expect(bare.has("@modelcontextprotocol/server")).toBe(true);
  });

  it("starts a stdio server and answers a call without loading what stdio does not use", () => {
    // A resolve hook lists every module the process loads; the server answers initialize and one
    // tools/call on stdin, then exits when stdin ends. @opentelemetry/api and jose are installed
    // here (dev dependencies), so only the library's own laziness keeps them out.
    const list = join(consumer, "loaded.txt");
    writeFileSync(
      join(consumer, "hooks.mjs"),
      `import { appendFileSync } from "node:fs";
      let file;
      export function initialize(data) { file = data.file; }
      export async function resolve(specifier, context, next) {
        const resolved = await next(specifier, context);
        appendFileSync(file, resolved.url + "\\n");
        return resolved;
      }`,
    );
    writeFileSync(
      join(consumer, "register.mjs"),
      `import { register } from "node:module";
      register("./hooks.mjs", import.meta.url, { data: { file: ${JSON.stringify(list)} } });`,
    );
    writeFileSync(
      join(consumer, "server.mjs"),
      `import { FastMCP } from "fastmcp-ts";
      const server = new FastMCP({ name: "lean", version: "1.0.0" });
      server.tool({ name: "echo", execute: ({ text }) => "echo: " + text });
      await server.run();`,
    );
    const lines = [
      {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
      },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "echo", arguments: { text: "hi" } } },
    ];
    const out = execFileSync(process.execPath, ["--import", "./register.mjs", "server.mjs"], {
      cwd: consumer,
      input: `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`,
      encoding: "utf8",
    });
    expect(out).toContain("echo: hi");
    const loaded = readFileSync(list, "utf8").split("\n");
    expect(loaded.some((url) => url.includes("@modelcontextprotocol/server"))).toBe(true);
    expect(
      loaded.filter((url) =>
        /@opentelemetry\/|\/jose\/|@modelcontextprotocol\/(client|node)\/|\/(redis|tsx)\/|\/hono\//.test(url),
      ),
    ).toEqual([]);
    // tsx rewrites (and source-maps) every loaded file that holds an import(): only the small
    // lazy-modules chunk may, or a `node --import tsx server.ts` start pays for a large chunk.
    const dist = pathToFileURL(join(pkg, "dist/")).href;
    const rewritten = loaded.filter(
      (url) =>
        url.startsWith(dist) &&
        !url.slice(dist.length).startsWith("lazy-modules") &&
        readFileSync(fileURLToPath(url), "utf8").includes("import("),
    );
    expect(rewritten).toEqual([]);
    // Each file is a resolve, read and link (and a trip through tsx's hooks under tsx): the start
    // takes index.mjs, the core chunk and lazy-modules, not one chunk per shared module.
    expect(new Set(loaded.filter((url) => url.startsWith(dist))).size).toBeLessThanOrEqual(3);
  });
});

describe("the built CLI's install", () => {
  it("writes an entry that starts a .ts server of another project through the built CLI, from any cwd", async () => {
    const { Client } = await import("@modelcontextprotocol/client");
    const { StdioClientTransport } = await import("@modelcontextprotocol/client/stdio");
    writeFileSync(
      join(consumer, "server.ts"),
      `import { FastMCP } from "fastmcp-ts";\nconst server = new FastMCP({ name: "consumer" });\nserver.tool({ name: "hello", execute: (): string => "hi" });\nexport default server;\n`,
    );
    const printed = execFileSync(
      process.execPath,
      [join(pkg, "dist/cli/main.mjs"), "install", "mcp-json", "server.ts", "--name", "c"],
      { cwd: consumer, encoding: "utf8" },
    );
    const entry = (JSON.parse(printed) as Record<string, { command: string; args: string[] }>).c!;
    expect(entry.args).toEqual([join(pkg, "dist/cli/main.mjs"), "run", join(consumer, "server.ts")]);
    const client = new Client({ name: "host", version: "1.0.0" });
    await client.connect(
      new StdioClientTransport({
        command: entry.command,
        args: entry.args,
        cwd: tmpdir(),
        env: { PATH: "/nonexistent" },
      }),
    );
    const { tools } = await client.listTools();
    await client.close();
    expect(tools.map((tool) => tool.name)).toEqual(["hello"]);
  }, 60_000);
});
