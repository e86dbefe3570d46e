// A Cloudflare Worker / Deno / Bun style module: `export default { fetch }`.
import { buildServer } from "./shared-server.js";

const mcp = buildServer().httpHandler();

export default {
  fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname !== "/mcp") return Promise.resolve(new Response("Not found", { status: 404 }));
    return mcp.fetch(request);
  },
};
