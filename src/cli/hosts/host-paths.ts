import { homedir } from "node:os";
import { join, posix, win32 } from "node:path";
import { configError } from "../errors.js";

/** What a config location depends on, so every platform's path can be computed (and tested) anywhere. */
export interface PlatformInfo {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** The project folder (VS Code workspace, Claude Code project). */
  cwd: string;
}

export function currentPlatform(env: NodeJS.ProcessEnv, cwd: string): PlatformInfo {
  return { platform: process.platform, env, cwd };
}

function pathFor(platform: NodeJS.Platform) {
  return platform === "win32" ? win32 : posix;
}

function home(info: PlatformInfo): string {
  const fromEnv = info.platform === "win32" ? info.env.USERPROFILE : info.env.HOME;
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : homedir();
}

/** The per-user application-data folder: %APPDATA%, ~/Library/Application Support, $XDG_CONFIG_HOME or ~/.config. */
function appData(info: PlatformInfo): string {
  const path = pathFor(info.platform);
  if (info.platform === "win32") {
    const appdata = info.env.APPDATA;
    if (appdata === undefined || appdata === "")
      throw configError("APPDATA is not set: cannot find the per-user application folder.");
    return appdata;
  }
  if (info.platform === "darwin") return path.join(home(info), "Library", "Application Support");
  const xdg = info.env.XDG_CONFIG_HOME;
  return xdg !== undefined && xdg !== "" ? xdg : path.join(home(info), ".config");
}

/** Claude Desktop's `claude_desktop_config.json` (Linux builds follow the XDG layout). */
export function claudeDesktopConfig(info: PlatformInfo): string {
  return pathFor(info.platform).join(appData(info), "Claude", "claude_desktop_config.json");
}

/** Cursor's global `~/.cursor/mcp.json`. */
export function cursorConfig(info: PlatformInfo): string {
  return pathFor(info.platform).join(home(info), ".cursor", "mcp.json");
}

/** VS Code's workspace `.vscode/mcp.json`, or with `user` the profile's `User/mcp.json`. */
export function vscodeConfig(info: PlatformInfo, user: boolean): string {
  const path = pathFor(info.platform);
  return user
    ? path.join(appData(info), "Code", "User", "mcp.json")
    : path.join(info.cwd, ".vscode", "mcp.json");
}

/** Claude Code's project-scoped `.mcp.json`. */
export function claudeCodeProjectConfig(info: PlatformInfo): string {
  return join(info.cwd, ".mcp.json");
}
