// Preloaded in every benchmark process (NODE_OPTIONS, set by bench/run.ts): imports of the project's
// src/index resolve to the package's own build instead (BENCH_FASTMCP_DIST), so fastmcp-ts is measured
// as users get it — compiled by tsdown — like every other framework, not transpiled from src/ by tsx.
import { register } from "node:module";

const target = process.env.BENCH_FASTMCP_DIST;
if (target !== undefined) {
  const hooks = `
const target = ${JSON.stringify(target)};
const src = ${JSON.stringify(new URL("../../src/", import.meta.url).href)};
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (resolved.url === src + "index.ts" || resolved.url === src + "index.js") return { url: target, shortCircuit: true };
  return resolved;
}
`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}
