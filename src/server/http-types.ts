import type { HttpHandlerOptions } from "./http-handler.js";

export interface HttpRunOptions extends HttpHandlerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8000; 0 picks a free port. */
  port?: number;
  /** Default "/mcp". */
  path?: string;
}

/** What `FastMCP.run` takes: stdio (the default), or HTTP with its options. */
export type RunOptions = { transport?: "stdio" } | ({ transport: "http" } & HttpRunOptions);

export interface RunningHttpServer {
  url: string;
  /** Open 2025-era sessions. */
  readonly sessionCount: number;
  close(): Promise<void>;
}
