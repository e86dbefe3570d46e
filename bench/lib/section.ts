// Each section runs in its own Node process and hands its figures back as one JSON line on stdout.
import { spawn } from "node:child_process";
import { isMain } from "../servers/common.js";

const RESULT = "@@RESULT ";

export const QUICK = process.argv.includes("--quick");

/** Runs `body` when `moduleUrl` is the entry script and prints its result as the last stdout line. */
export async function section<T>(moduleUrl: string, body: () => Promise<T>): Promise<void> {
  if (!isMain(moduleUrl)) return;
  const result = await body();
  process.stdout.write(`\n${RESULT}${JSON.stringify(result)}\n`);
  process.exit(0);
}

/**
 * Runs a TypeScript benchmark script (through tsx, with --quick when this run has it) in a Node
 * process of its own and resolves the result its `section` printed.
 */
export function runInChild<T>(
  script: string,
  args: string[] = [],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<T> {
  return new Promise((resolveResult, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", import.meta.resolve("tsx"), script, ...args, ...(QUICK ? ["--quick"] : [])],
      { stdio: ["ignore", "pipe", "inherit"], ...options },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith(RESULT));
      if (line === undefined)
        reject(new Error(`${script} ${args.join(" ")} exited with ${code} and no result`));
      else resolveResult(JSON.parse(line.slice(RESULT.length)) as T);
    });
  });
}
