import { describe, expect, it } from "vitest";
import { claudeDesktopConfig, cursorConfig, vscodeConfig } from "../../src/cli/hosts/host-paths.js";

describe("host config paths on each platform", () => {
  const mac = { platform: "darwin" as const, env: { HOME: "/Users/ann" }, cwd: "/Users/ann/p" };
  const linux = { platform: "linux" as const, env: { HOME: "/home/ann" }, cwd: "/home/ann/p" };
  const xdg = { ...linux, env: { HOME: "/home/ann", XDG_CONFIG_HOME: "/home/ann/cfg" } };
  const win = {
    platform: "win32" as const,
    env: { USERPROFILE: "C:\\Users\\ann", APPDATA: "C:\\Users\\ann\\AppData\\Roaming" },
    cwd: "C:\\p",
  };

  it("Claude Desktop", () => {
    expect(claudeDesktopConfig(mac)).toBe(
      "/Users/ann/Library/Application Support/Claude/claude_desktop_config.json",
    );
    expect(claudeDesktopConfig(linux)).toBe("/home/ann/.config/Claude/claude_desktop_config.json");
    expect(claudeDesktopConfig(xdg)).toBe("/home/ann/cfg/Claude/claude_desktop_config.json");
    expect(claudeDesktopConfig(win)).toBe(
      "C:\\Users\\ann\\AppData\\Roaming\\Claude\\claude_desktop_config.json",
    );
  });

  it("Cursor", () => {
    expect(cursorConfig(mac)).toBe("/Users/ann/.cursor/mcp.json");
    expect(cursorConfig(win)).toBe("C:\\Users\\ann\\.cursor\\mcp.json");
  });

  it("VS Code, workspace and user", () => {
    expect(vscodeConfig(linux, false)).toBe("/home/ann/p/.vscode/mcp.json");
    expect(vscodeConfig(win, false)).toBe("C:\\p\\.vscode\\mcp.json");
    expect(vscodeConfig(mac, true)).toBe("/Users/ann/Library/Application Support/Code/User/mcp.json");
    expect(vscodeConfig(linux, true)).toBe("/home/ann/.config/Code/User/mcp.json");
    expect(vscodeConfig(win, true)).toBe("C:\\Users\\ann\\AppData\\Roaming\\Code\\User\\mcp.json");
  });

  it("Windows without APPDATA is a clear error", () => {
    expect(() => claudeDesktopConfig({ ...win, env: { USERPROFILE: "C:\\Users\\ann" } })).toThrow(/APPDATA/);
  });
});
