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
