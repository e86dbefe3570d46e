import { FastMCPError } from "../errors.js";
import type { FastMCP } from "./fastmcp.js";
import type { HttpRunOptions, RunningHttpServer } from "./http-types.js";

export async function startHttpServer(_server: FastMCP, _options: HttpRunOptions): Promise<RunningHttpServer> {
  throw new FastMCPError("CONFIG", "HTTP transport is not available yet.");
}
