// Helpers for the interop matrix: how to reach a server (stdio command or URL), the official SDK
// clients as peers of our server, and a few process/port utilities.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { Client as V2Client, StreamableHTTPClientTransport as V2Http } from "@modelcontextprotocol/client";
import { StdioClientTransport as V2Stdio } from "@modelcontextprotocol/client/stdio";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as V1Stdio } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport as V1Http } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { SamplingMessage } from "../../src/index.js";

export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
export const TSX = import.meta.resolve("tsx");

/** How a client reaches a server: a command it spawns (stdio) or a Streamable HTTP URL. */
export type Endpoint =
  | { kind: "stdio"; command: string; args: string[]; env?: Record<string, string> }
  | { kind: "http"; url: string };

/** A TypeScript script run over stdio with Node + tsx. */
export function tsxScript(path: string, ...args: string[]): Endpoint {
  return { kind: "stdio", command: process.execPath, args: ["--import", TSX, path, ...args] };
}

/** The last message's text — what every handler in the matrix echoes back. */
export function lastText(messages: SamplingMessage[]): string {
  const content = messages.at(-1)?.content;
  const block = Array.isArray(content) ? content[0] : content;
  return block?.type === "text" ? block.text : "<no text>";
}

/** Every client in the matrix answers `echo:<the prompt it was sent>`. */
export const echo = (messages: SamplingMessage[]) => `echo:${lastText(messages)}`;

/** A connected peer client: calls one tool and reports the era it negotiated. */
export interface PeerClient {
  era: "legacy" | "modern";
  callText(tool: string, args: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

function joinTexts(content: unknown): string {
  return ((content ?? []) as Array<{ type: string; text?: string }>)
    .filter((block) => block.type === "text")
    .map((block) => block.text)
    .join("\n");
}

/** The official SDK v1 client (2025 era only), answering sampling with `echo`. */
export async function sdkV1Client(endpoint: Endpoint): Promise<PeerClient> {
  const client = new V1Client(
    { name: "interop-sdk-v1-client", version: "1.0.0" },
    { capabilities: { sampling: {} } },
  );
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => ({
    role: "assistant",
    content: { type: "text", text: echo(request.params.messages as SamplingMessage[]) },
    model: "sdk-v1-model",
    stopReason: "endTurn",
  }));
  const transport =
    endpoint.kind === "http"
      ? new V1Http(new URL(endpoint.url))
      : new V1Stdio({
          command: endpoint.command,
          args: endpoint.args,
          stderr: "pipe",
          ...(endpoint.env && { env: endpoint.env }),
        });
  await client.connect(transport);
  return {
    era: "legacy",
    async callText(name, args) {
      const result = await client.callTool({ name, arguments: args }, undefined, { timeout: 20_000 });
      if (result.isError === true) throw new Error(`tool error: ${joinTexts(result.content)}`);
      return joinTexts(result.content);
    },
    close: () => client.close(),
  };
}

/** The official SDK v2 client, in the 2025 era ("legacy") or pinned to 2026-07-28. */
export async function sdkV2Client(endpoint: Endpoint, era: "legacy" | "2026-07-28"): Promise<PeerClient> {
  const client = new V2Client(
    { name: "interop-sdk-v2-client", version: "1.0.0" },
    {
      capabilities: { sampling: {} },
      versionNegotiation: { mode: era === "legacy" ? "legacy" : { pin: era } },
    },
  );
  client.setRequestHandler("sampling/createMessage", async (request) => ({
    role: "assistant",
    content: { type: "text", text: echo(request.params.messages as SamplingMessage[]) },
    model: "sdk-v2-model",
    stopReason: "endTurn",
  }));
  const transport =
    endpoint.kind === "http"
      ? new V2Http(new URL(endpoint.url))
      : new V2Stdio({
          command: endpoint.command,
          args: endpoint.args,
          stderr: "pipe",
          ...(endpoint.env && { env: endpoint.env }),
        });
  await client.connect(transport);
  return {
    era: client.getProtocolEra() ?? "legacy",
    async callText(name, args) {
      const result = (await client.callTool({ name, arguments: args }, { timeout: 20_000 })) as {
        content?: unknown;
        isError?: boolean;
      };
      if (result.isError === true) throw new Error(`tool error: ${joinTexts(result.content)}`);
      return joinTexts(result.content);
    },
    close: () => client.close(),
  };
}

/** A free TCP port on 127.0.0.1 (for servers that must be told their port). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Spawns a server process and waits (bounded) until its HTTP endpoint answers. */
export async function spawnHttpServer(
  command: string,
  args: string[],
  url: string,
  env: Record<string, string> = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const child: ChildProcess = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${stderr}`);
    const up = await fetch(url, { method: "GET", signal: AbortSignal.timeout(1_000) }).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`server at ${url} did not come up: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
