import { resolve } from "node:path";
import { defineConfig } from "tsdown";

interface ModuleGraph {
  getModuleInfo(id: string): { importedIds: readonly string[] } | null;
}

let startup: Set<string> | undefined;

/** The modules src/index.ts reaches through static imports (computed once per build). */
function startupModules(graph: ModuleGraph): Set<string> {
  if (startup !== undefined) return startup;
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const next of graph.getModuleInfo(id)?.importedIds ?? []) visit(next);
  };
  visit(resolve(import.meta.dirname, "src/index.ts"));
  startup = seen;
  return seen;
}

export default defineConfig({
  entry: {
    index: "src/index.ts",
    openai: "src/handlers/openai.ts",
    anthropic: "src/handlers/anthropic.ts",
    "ai-sdk": "src/handlers/ai-sdk.ts",
    google: "src/handlers/google.ts",
    redis: "src/redis/index.ts",
    "cli/main": "src/cli/main.ts",
    // Shipped so `npx fastmcp-ts demo` runs from the installed package, with plain Node.
    "cli/demo-server": "src/cli/demo-server.ts",
    // Its own chunk, so the dynamic imports stay out of index.mjs (see the file's comment).
    "lazy-modules": "src/lazy-modules.ts",
  },
  format: "esm",
  platform: "node",
  target: "node20",
  dts: true,
  clean: true,
  // No source maps: they were two thirds of the package, and the output is unminified, readable ESM.
  sourcemap: false,
  fixedExtension: true,
  // Everything a server or client start loads, in one chunk instead of ~15: each module costs its
  // resolve, read and link, and under `node --import tsx` a round trip through tsx's hooks too (the
  // 15 chunks cost ~40 ms more than one file of the same code there). "Loads" = reached from
  // src/index.ts by static imports, so what only a subpath, the CLI or a lazy import() reaches stays
  // out (http-server.ts and its Node adapter behind loadHttpServer, say), and so do the
  // declarations; lazy-modules keeps its own chunk (the one start-up file with an import(), which
  // makes tsx rewrite the file holding it, see its comment).
  outputOptions: {
    advancedChunks: {
      groups: [
        { name: "lazy-modules", test: /[\\/]src[\\/]lazy-modules\.ts$/, priority: 2 },
        { name: (id, ctx) => (startupModules(ctx).has(id) ? "core" : null), priority: 1 },
      ],
    },
  },
  // SDKs stay external: they are dependencies or optional peers, resolved from the user's install.
  external: [
    /^@modelcontextprotocol\//,
    "jose",
    "openai",
    "@anthropic-ai/sdk",
    "ai",
    "@google/genai",
    "@opentelemetry/api",
    "tsx",
    "zod",
    "redis",
  ],
});
