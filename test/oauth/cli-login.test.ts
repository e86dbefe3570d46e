// The CLI logs in to an OAuth-protected server for call/list: the browser (here $BROWSER, a script
// that acts as the user's browser) goes through the loopback redirect; tokens are cached per server
// under the config dir and reused; logout forgets them; with no browser the URL is printed.
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { FastMCP, jwtVerifier } from "../../src/index.js";
import { cleanEnv, runCli, spawnCli, waitForOutput } from "../helpers/cli.js";
import { startAuthorizationServer, type TestAuthorizationServer } from "../helpers/oauth-as.js";

let as: TestAuthorizationServer;
let server: FastMCP;
let url: string;
let home: string;
let browser: string;

/** A "browser": follows the authorization URL, then delivers its redirect to the CLI's loopback listener. */
const BROWSER_SCRIPT = `
const start = process.argv[2];
const answer = await fetch(start, { redirect: "manual" });
await fetch(answer.headers.get("location"));
`;

beforeAll(async () => {
  as = await startAuthorizationServer();
  server = new FastMCP({ name: "protected", version: "1.0.0" });
  server.tool({
    name: "echo",
    parameters: z.object({ text: z.string() }),
    execute: ({ text }, ctx) => `${text} (for ${String(ctx.auth?.extra?.sub)})`,
  });
  await server.run({
    transport: "http",
    port: 0,
    auth: {
      oauth: {
        authorizationServers: [as.issuer],
        verifier: jwtVerifier({ jwksUri: as.jwksUri, issuer: as.issuer }),
        scopesSupported: ["mcp:tools"],
      },
    },
  });
  url = server.url!;
  home = mkdtempSync(join(tmpdir(), "fastmcp-cli-login-"));
  browser = join(home, "browser.mjs");
  writeFileSync(browser, `#!${process.execPath}\n${BROWSER_SCRIPT}`);
  chmodSync(browser, 0o755);
});
afterAll(async () => {
  await server.close();
  await as.close();
});

const env = (extra: Record<string, string> = {}) => {
  const base = cleanEnv({ HOME: home });
  for (const name of ["XDG_CONFIG_HOME", "DISPLAY", "WAYLAND_DISPLAY", "BROWSER"]) delete base[name];
  return { ...base, ...extra };
};
const cacheDir = () => join(home, ".config", "fastmcp-ts", "oauth");

describe("CLI OAuth login", () => {
  it("logs in through the browser once, reuses the cached token, and logout forgets it", async () => {
    const first = await runCli(["call", url, "echo", "text=hi", "--llm", "none"], {
      env: env({ BROWSER: browser }),
    });
    expect(first.stderr).toContain(`Log in to ${url}`);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe("hi (for user-1)\n");
    const [file] = readdirSync(cacheDir());
    const cached = join(cacheDir(), file!);
    expect(statSync(cached).mode & 0o777).toBe(0o600);
    expect(readFileSync(cached, "utf8")).toContain("access_token");
    const logins = as.authorizations.length;

    const second = await runCli(["list", url, "--json"], { env: env({ BROWSER: browser }) });
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain("Log in");
    expect(JSON.parse(second.stdout).tools.map((tool: { name: string }) => tool.name)).toEqual(["echo"]);
    expect(as.authorizations.length).toBe(logins);

    const logout = await runCli(["logout", url], { env: env() });
    expect(logout.stdout).toBe(`Logged out of ${url}.\n`);
    expect(existsSync(cached)).toBe(false);
    const third = await runCli(["call", url, "echo", "text=again", "--llm", "none"], {
      env: env({ BROWSER: browser }),
    });
    expect(third.code).toBe(0);
    expect(third.stderr).toContain("Log in");
    expect(as.authorizations.length).toBe(logins + 1);
  });

  it("with no browser to open, prints the URL; visiting it finishes the login", async () => {
    await runCli(["logout", "--all"], { env: env() });
    const child = spawnCli(["call", url, "echo", "text=printed", "--llm", "none"], { env: env() });
    let stdout = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const [, link] = (await waitForOutput(
      child.stderr!,
      /open this URL in a browser: (\S+)/,
    )) as RegExpMatchArray;
    const answer = await fetch(link!, { redirect: "manual" });
    await fetch(answer.headers.get("location")!);
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    expect(code).toBe(0);
    expect(stdout).toBe("printed (for user-1)\n");
  });
});
