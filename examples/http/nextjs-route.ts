// A Next.js App Router route handler: save as app/mcp/route.ts. Next calls these with web Requests.
import { buildServer } from "./shared-server.js";

// One server per process; 2025-era sessions live in this process's memory (pin sessions to an
// instance, or rely on 2026-07-28 clients, which need no sessions at all).
const mcp = buildServer().httpHandler({ allowedHosts: ["localhost", "127.0.0.1", "my-app.example.com"] });

export const GET = (request: Request) => mcp.fetch(request);
export const POST = (request: Request) => mcp.fetch(request);
export const DELETE = (request: Request) => mcp.fetch(request);
