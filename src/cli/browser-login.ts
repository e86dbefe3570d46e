import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ClientOAuthOptions } from "../client/oauth/oauth-provider.js";
import { serverCache } from "./oauth-cache.js";

const LOGIN_TIMEOUT_MS = 5 * 60_000;

/** Listens on 127.0.0.1 (the port the cached registration names, if still free) for the redirect. */
async function listen(preferred: number | undefined): Promise<Server> {
  const server = createServer();
  const attempt = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  try {
    await attempt(preferred ?? 0);
  } catch {
    await attempt(0);
  }
  server.unref(); // waiting for a login must not keep a finished command alive
  return server;
}

/** Opens `url` with $BROWSER, else the platform's opener; false when nothing could be started. */
function openBrowser(url: string, env: NodeJS.ProcessEnv): boolean {
  const [command, args] =
    env.BROWSER !== undefined && env.BROWSER !== ""
      ? [env.BROWSER, [url]]
      : process.platform === "darwin"
        ? ["open", [url]]
        : process.platform === "win32"
          ? ["cmd", ["/c", "start", "", url]]
          : env.DISPLAY !== undefined || env.WAYLAND_DISPLAY !== undefined
            ? ["xdg-open", [url]]
            : [undefined, []];
  if (command === undefined) return false;
  try {
    const child = spawn(command, args as string[], { detached: true, stdio: "ignore", env });
    child.on("error", () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}

/**
 * The CLI's OAuth for an HTTP target: a browser login through a loopback redirect
 * (`http://127.0.0.1:<port>/callback`, RFC 8252), the URL printed so it also works where no browser
 * can be opened, and tokens cached per server under the user's config directory (`logout` forgets them).
 * Nothing happens unless the server answers 401.
 */
export async function cliOAuth(
  url: string,
  env: NodeJS.ProcessEnv,
  say: (line: string) => void,
): Promise<{ auth: ClientOAuthOptions; close: () => void }> {
  const cache = serverCache(env, url);
  const server = await listen(cache.redirectPort());
  const port = (server.address() as AddressInfo).port;
  cache.setRedirectPort(port);
  const redirectUrl = `http://127.0.0.1:${port}/callback`;
  const authorize = (authorizationUrl: URL) =>
    new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("No login within 5 minutes.")), LOGIN_TIMEOUT_MS);
      server.on("request", (request, response) => {
        const back = new URL(request.url ?? "/", redirectUrl);
        if (back.pathname !== "/callback") {
          response.writeHead(404).end();
          return;
        }
        const failed = back.searchParams.get("error") !== null;
        response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        response.end(
          `<!doctype html><title>fastmcp-ts</title><p>${failed ? "The login failed" : "Logged in"}; you can close this tab.</p>`,
        );
        clearTimeout(timer);
        resolve(back);
      });
      const opened = openBrowser(authorizationUrl.href, env);
      say(
        opened
          ? `Log in to ${url} in your browser (if it did not open, visit: ${authorizationUrl.href})`
          : `Log in to ${url}: open this URL in a browser: ${authorizationUrl.href}`,
      );
    });
  return {
    auth: { authorize, redirectUrl, clientName: "fastmcp-ts CLI", store: cache.store },
    close: () => server.close(),
  };
}
