import { defineConfig } from "tsdown";

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
  // 15 chunks cost ~40 ms more than one file of the same code there). Left out: what only a subpath,
  // the CLI or a lazy import reaches (so @modelcontextprotocol/node stays behind loadHttpServer),
  // lazy-modules (the only start-up file with an import(), see its comment), and the declarations.
  outputOptions: {
    advancedChunks: {
      groups: [
        { name: "lazy-modules", test: /[\\/]src[\\/]lazy-modules\.ts$/, priority: 2 },
        {
          name: "core",
          test: (id: string) =>
            /[\\/]src[\\/].*(?<!\.d)\.ts$/.test(id) &&
            !/[\\/]src[\\/](cli|handlers|redis)[\\/]|[\\/](http-server|lazy-modules)\.ts$/.test(id),
          priority: 1,
        },
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
