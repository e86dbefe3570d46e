import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ClientOAuthOptions } from "../client/oauth/oauth-provider.js";
import { serverCache } from "./oauth-cache.js";

const LOGIN_TIMEOUT_MS = 5 * 60_000;

/** A port that is free now on 127.0.0.1: the cached one when it still is, else one the system picks. */
async function choosePort(preferred: number | undefined): Promise<number> {
  const probe = createServer();
  const attempt = (port: number) =>
    new Promise<number>((resolve, reject) => {
      probe.once("error", reject);
      probe.listen(port, "127.0.0.1", () => {
        probe.off("error", reject);
        resolve((probe.address() as AddressInfo).port);
      });
    });
  let port: number;
  try {
    port = await attempt(preferred ?? 0);
  } catch {
    port = await attempt(0);
  }
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

/** Listens for the one redirect of a login; closed as soon as it has come. */
function listenForRedirect(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once("error", (error) =>
      reject(new Error(`Cannot listen on 127.0.0.1:${port} for the login redirect: ${error.message}`)),
    );
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
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
): Promise<{ auth: ClientOAuthOptions }> {
  const cache = serverCache(env, url);
  // Only a port is chosen here: nothing listens unless the server asks for a login.
  const port = await choosePort(cache.redirectPort());
  cache.setRedirectPort(port);
  const redirectUrl = `http://127.0.0.1:${port}/callback`;
  const authorize = async (authorizationUrl: URL): Promise<URL> => {
    const server = await listenForRedirect(port);
    try {
      return await new Promise<URL>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("No login within 5 minutes.")), LOGIN_TIMEOUT_MS);
        timer.unref();
        server.on("request", (request, response) => {
          const back = new URL(request.url ?? "/", redirectUrl);
          if (back.pathname !== "/callback") {
            response.writeHead(404).end();
            return;
          }
          const failed = back.searchParams.get("error") !== null;
          response.writeHead(200, { "content-type": "text/html; charset=utf-8", connection: "close" });
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
    } finally {
      server.closeAllConnections();
      server.close();
    }
  };
  return { auth: { authorize, redirectUrl, clientName: "fastmcp-ts CLI", store: cache.store } };
}
