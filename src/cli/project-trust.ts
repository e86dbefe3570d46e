import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline/promises";
import { inertText } from "../human/inert-text.js";

/**
 * A `mcp.json` found in the working directory came with whatever was cloned there, and its
 * `command` runs on this machine. Such a file is used only once the user trusts it: with
 * `--trust-project`, or a "yes" at a prompt, remembered for that path and exactly that content
 * (an edited file is asked about again).
 */

function configHome(env: NodeJS.ProcessEnv): string {
  return env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== ""
    ? env.XDG_CONFIG_HOME
    : join(homedir(), ".config");
}

export function trustStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configHome(env), "fastmcp-ts", "trusted-configs.json");
}

export function contentHash(content: string): string {
  return createHash("sha256").update(content).digest("hex");
}

function readStore(env: NodeJS.ProcessEnv): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(trustStorePath(env), "utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
    );
  } catch {
    return {};
  }
}

export function isTrusted(path: string, content: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const store = readStore(env);
  return Object.hasOwn(store, path) && store[path] === contentHash(content);
}

export function rememberTrust(path: string, content: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = trustStorePath(env);
  const store = { ...readStore(env), [path]: contentHash(content) };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Written aside and renamed, so a crash mid-write never leaves a store that trusts by accident.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/** Asks on the terminal whether to use a project's config; only ever called when stdin is a TTY. */
export async function askTrust(
  path: string,
  commands: string[],
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<boolean> {
  const shown = commands.length === 0 ? "(none)" : commands.map((line) => `  ${inertText(line)}`).join("\n");
  output.write(
    `${inertText(path)} comes from the current directory, not from you, and starts these commands:\n${shown}\n`,
  );
  const prompt = createInterface({ input, output, terminal: false });
  try {
    const answer = await prompt.question("Trust this file and run them? [y/N] ");
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
