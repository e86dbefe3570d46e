import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { configError } from "../errors.js";

export interface MergeResult {
  /** Where the previous file was copied before writing; `undefined` when there was none. */
  backup: string | undefined;
  /** An entry of that name existed and was replaced. */
  replaced: boolean;
  /** The file had comments or trailing commas, which the rewritten file no longer has (the backup does). */
  droppedComments: boolean;
}

/**
 * Puts `entry` under `file[key][name]`, keeping every other entry and top-level key. The previous
 * file is copied to `<file>.bak` first and the new one is written to a temporary file and renamed
 * over it, so a crash never leaves half a config. A file that is not a JSON object is refused untouched.
 */
export function mergeEntry(file: string, key: string, name: string, entry: unknown): MergeResult {
  let document: Record<string, unknown> = {};
  let backup: string | undefined;
  let droppedComments = false;
  if (existsSync(file)) {
    const text = readFileSync(file, "utf8");
    const parsed = parseJsonc(text, file);
    if (parsed !== undefined) {
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw configError(`${file} is not a JSON object; left it as it is.`);
      document = parsed as Record<string, unknown>;
      droppedComments = stripJsonc(text) !== text;
    }
    backup = `${file}.bak`;
    copyFileSync(file, backup);
  }
  const section = document[key] ?? {};
  if (typeof section !== "object" || section === null || Array.isArray(section))
    throw configError(`"${key}" in ${file} is not an object; left the file as it is.`);
  const servers = section as Record<string, unknown>;
  const replaced = Object.hasOwn(servers, name);
  document[key] = { ...servers, [name]: entry };
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  return { backup, replaced, droppedComments };
}

/** JSON with comments and trailing commas (VS Code's and Cursor's files); `undefined` for an empty file. */
export function parseJsonc(text: string, label: string): unknown {
  const stripped = stripJsonc(text);
  if (stripped.trim() === "") return undefined;
  try {
    return JSON.parse(stripped);
  } catch (error) {
    throw configError(`Cannot parse ${label}: ${(error as Error).message}; left it as it is.`);
  }
}

/** Removes `//` and `/* *\/` comments, then commas before `}` or `]`, outside strings. */
export function stripJsonc(text: string): string {
  return scan(scan(text, false), true);
}

function scan(text: string, commas: boolean): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      out += text.slice(i, end + 1);
      i = end + 1;
    } else if (!commas && char === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (!commas && char === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (commas && char === "," && closesNext(text, i + 1)) {
      i++;
    } else {
      out += char;
      i++;
    }
  }
  return out;
}

const CLOSER = /\s*[}\]]/y;

function closesNext(text: string, from: number): boolean {
  CLOSER.lastIndex = from;
  return CLOSER.test(text);
}
