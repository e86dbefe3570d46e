// A Cloudflare Worker / Deno / Bun style module: `export default { fetch }`.
import { buildServer } from "./shared-server.js";

// httpHandler() answers only localhost names by default (DNS-rebinding protection): name the host(s)
// this Worker is served under.
const mcp = buildServer().httpHandler({ allowedHosts: ["mcp.example.workers.dev", "localhost"] });

export default {
  fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname !== "/mcp") return Promise.resolve(new Response("Not found", { status: 404 }));
    return mcp.fetch(request);
  },
};
