import { FastMCPError } from "./errors.js";
import { loadTsxApi } from "./lazy-modules.js";

/**
 * tsx runs TypeScript server files (`new Client("./server.ts")`, `fastmcp-ts run server.ts`) on
 * Node 20, which cannot run TypeScript by itself. It is an optional peer: only those who give `.ts`
 * files need it, and everyone else is spared esbuild's install script.
 */
export const TSX_MISSING =
  "Running a TypeScript file needs tsx (an optional peer dependency of fastmcp-ts): npm install --save-dev tsx — or point at the compiled .js file.";

/** The URL of tsx's loader, for `node --import <url> file.ts`. */
export function tsxLoaderUrl(): string {
  try {
    return import.meta.resolve("tsx");
  } catch (error) {
    throw new FastMCPError("CONFIG", TSX_MISSING, { cause: error });
  }
}

/** Lets this process import `.ts` files. */
export async function registerTsx(): Promise<void> {
  let api: { register: () => unknown };
  try {
    api = await loadTsxApi();
  } catch (error) {
    throw new FastMCPError("CONFIG", TSX_MISSING, { cause: error });
  }
  api.register();
}
