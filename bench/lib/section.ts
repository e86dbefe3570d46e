// Each section runs in its own Node process and hands its figures back as one JSON line on stdout.
import { isMain } from "../servers/common.js";

export const QUICK = process.argv.includes("--quick");

/** Runs `body` when `moduleUrl` is the entry script and prints its result as the last stdout line. */
export async function section<T>(moduleUrl: string, body: () => Promise<T>): Promise<void> {
  if (!isMain(moduleUrl)) return;
  const result = await body();
  process.stdout.write(`\n@@RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}
