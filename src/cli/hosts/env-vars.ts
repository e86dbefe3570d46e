import { readFileSync } from "node:fs";
import { configError, usageError } from "../errors.js";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `--env KEY=VALUE` (repeatable) and `--env-file F` (dotenv lines) → one env map; `--env` wins. */
export function collectEnv(pairs: string[], envFile: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  if (envFile !== undefined) Object.assign(env, readEnvFile(envFile));
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    const key = at < 0 ? pair : pair.slice(0, at);
    if (at < 0 || !NAME.test(key))
      throw usageError(`--env wants KEY=VALUE with KEY a variable name, got "${pair}".`, "install");
    env[key] = pair.slice(at + 1);
  }
  return env;
}

/** KEY=VALUE lines; `#` comments, blank lines, `export ` prefixes and matching quotes allowed. */
export function parseEnvFile(text: string, label: string): Record<string, string> {
  const env: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const body = line.startsWith("export ") ? line.slice(7).trimStart() : line;
    const at = body.indexOf("=");
    const key = at < 0 ? "" : body.slice(0, at).trim();
    if (!NAME.test(key)) throw configError(`${label}:${index + 1}: expected KEY=VALUE, got "${raw}".`);
    let value = body.slice(at + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    env[key] = value;
  });
  return env;
}

function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw configError(`Cannot read --env-file ${path}: ${(error as Error).message}`);
  }
  return parseEnvFile(text, path);
}
