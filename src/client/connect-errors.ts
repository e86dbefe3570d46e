import { resolve } from "node:path";
import { SdkError, SdkErrorCode } from "@modelcontextprotocol/server";
import { FastMCPError } from "../errors.js";

/**
 * Connection failures in words a user can act on. The CLI prints these same texts (it connects
 * through `Client`), so a script path, a crashed script and an unreachable URL read alike in both.
 */

export function missingScriptMessage(path: string): string {
  return `Server file not found: ${path} (${resolve(path)}); check the path, or give an http(s):// URL or { command, args }.`;
}

export function exitedBeforeServingMessage(label: string, stderrTail: string): string {
  const tail = stderrTail.trim();
  return (
    `${label} exited before serving MCP — does it call server.run()? (A file that only exports its server is served by: fastmcp-ts run ${label})` +
    (tail === "" ? "; it printed nothing on stderr." : `\nThe end of its stderr:\n${indent(tail)}`)
  );
}

export function unreachableMessage(url: string, reason: string): string {
  return `Cannot reach ${url} (${reason}) — is the server running, at this address?`;
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found",
  ECONNRESET: "connection reset",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

const MAX_TAIL_CHARS = 2_000;
const MAX_TAIL_LINES = 20;

/** Keeps the last lines a child wrote to stderr, for the "exited before serving" message. */
export class StderrTail {
  private text = "";

  append(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-4 * MAX_TAIL_CHARS);
  }

  toString(): string {
    return this.text
      .split("\n")
      .slice(-MAX_TAIL_LINES - 1)
      .join("\n")
      .slice(-MAX_TAIL_CHARS);
  }
}

export interface ConnectFailureContext {
  kind: "memory" | "stdio" | "http";
  /** The path, URL or command, as shown to the user. */
  label: string;
  stderrTail?: StderrTail;
}

/** Rewords a failed `connect()`; errors it does not recognise pass unchanged. */
export function explainConnectFailure(error: unknown, context: ConnectFailureContext): unknown {
  if (FastMCPError.isInstance(error)) return error;
  if (context.kind === "http") {
    const code = networkCode(error);
    const reason = code === undefined ? undefined : NETWORK_REASONS[code];
    if (reason !== undefined)
      return new FastMCPError("TRANSPORT", unreachableMessage(context.label, reason), { cause: error });
    return error;
  }
  if (context.kind !== "stdio") return error;
  const spawnFailure = error as { code?: unknown; syscall?: unknown; path?: unknown };
  if (spawnFailure.code === "ENOENT" && typeof spawnFailure.syscall === "string") {
    return new FastMCPError(
      "TRANSPORT",
      `Cannot start ${String(spawnFailure.path ?? context.label)}: command not found.`,
      { cause: error },
    );
  }
  if (error instanceof SdkError && error.code === SdkErrorCode.ConnectionClosed) {
    return new FastMCPError(
      "TRANSPORT",
      exitedBeforeServingMessage(context.label, context.stderrTail?.toString() ?? ""),
      { cause: error },
    );
  }
  return error;
}

/** The Node network error code somewhere down the cause chain (fetch wraps it twice). */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code in NETWORK_REASONS) return code;
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested)) {
      const found = nested.map(networkCode).find((value) => value !== undefined);
      if (found !== undefined) return found;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function indent(text: string): string {
  return text.replace(/^/gm, "  ");
}
