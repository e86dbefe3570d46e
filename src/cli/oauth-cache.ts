import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { OAuthClientState, OAuthStateStore } from "../client/oauth/state-store.js";

/** One file per server URL: what its login left (tokens, registration) and the loopback port it registered. */
interface CacheFile {
  url: string;
  redirectPort?: number;
  state?: OAuthClientState;
}

/** `$XDG_CONFIG_HOME/fastmcp-ts/oauth` (default ~/.config/fastmcp-ts/oauth). */
export function oauthCacheDir(env: NodeJS.ProcessEnv): string {
  const base =
    env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== ""
      ? env.XDG_CONFIG_HOME
      : join(env.HOME !== undefined && env.HOME !== "" ? env.HOME : homedir(), ".config");
  return join(base, "fastmcp-ts", "oauth");
}

function fileFor(env: NodeJS.ProcessEnv, url: string): string {
  const key = createHash("sha256").update(new URL(url).href).digest("hex").slice(0, 24);
  return join(oauthCacheDir(env), `${key}.json`);
}

function read(path: string): CacheFile | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as CacheFile;
  } catch {
    return undefined; // a damaged cache only costs a new login
  }
}

function write(path: string, content: CacheFile): void {
  mkdirSync(join(path, ".."), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  // Tokens are secrets: readable by this user only.
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** The token cache of one server, as the Client's `auth.store`, plus the port its registration names. */
export function serverCache(env: NodeJS.ProcessEnv, url: string) {
  const path = fileFor(env, url);
  const store: OAuthStateStore = {
    load: () => read(path)?.state,
    save: (state) => write(path, { ...(read(path) ?? { url }), url, state }),
  };
  return {
    path,
    store,
    redirectPort: () => read(path)?.redirectPort,
    /** A new port means a new redirect URI: the old registration names the old one, so it goes. */
    setRedirectPort: (port: number) => {
      const previous = read(path);
      if (previous?.redirectPort === port) return;
      const state = { ...previous?.state };
      delete state.clientInformation;
      write(path, { url, redirectPort: port, state });
    },
  };
}

/** Deletes the cached login of `url`; true when there was one. */
export function forgetServer(env: NodeJS.ProcessEnv, url: string): boolean {
  const path = fileFor(env, url);
  if (!existsSync(path)) return false;
  rmSync(path);
  return true;
}

/** Deletes every cached login; returns the URLs they were for. */
export function forgetAll(env: NodeJS.ProcessEnv): string[] {
  const dir = oauthCacheDir(env);
  if (!existsSync(dir)) return [];
  const urls: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(".json")) continue;
    urls.push(read(join(dir, name))?.url ?? name);
    rmSync(join(dir, name));
  }
  return urls;
}
