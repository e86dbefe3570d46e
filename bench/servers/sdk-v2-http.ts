// The official SDK v2 over Streamable HTTP, per its legacy-routing recipe on node:http: a sessionful
// 2025 leg (NodeStreamableHTTPServerTransport per session) and createMcpHandler for 2026-07-28.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { NodeStreamableHTTPServerTransport, toNodeHandler, toWebRequest } from "@modelcontextprotocol/node";
import {
  createMcpHandler,
  isInitializeRequest,
  isLegacyRequest,
  type McpServer,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { announce, isMain, PLAIN_TOOL, plainText } from "./common.js";
import { buildSdkV2 } from "./sdk-v2.js";

/** The HTTP entry's extra tool for section 3b: no sampling, a short text back. */
function withPlainTool(server: McpServer): McpServer {
  server.registerTool(
    PLAIN_TOOL,
    { description: "Echo the text back", inputSchema: z.object({ text: z.string() }) },
    async ({ text }) => ({ content: [{ type: "text", text: plainText(text) }] }),
  );
  return server;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

export async function serveSdkV2Http(): Promise<string> {
  const sessions = new Map<string, NodeStreamableHTTPServerTransport>();
  const modern = toNodeHandler(
    createMcpHandler(({ era }) => withPlainTool(buildSdkV2(era)), { legacy: "reject" }),
  );
  const http = createServer(async (req, res) => {
    try {
      const sid = req.headers["mcp-session-id"] as string | undefined;
      const body = req.method === "POST" ? await readBody(req) : undefined;
      if (req.method === "POST" && !(await isLegacyRequest(await toWebRequest(req, body)))) {
        await modern(req, res, body);
      } else if (sid !== undefined && sessions.has(sid)) {
        await sessions.get(sid)!.handleRequest(req, res, body);
      } else if (sid === undefined && isInitializeRequest(body)) {
        const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => {
            sessions.set(id, transport);
          },
        });
        transport.onclose = () => {
          if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
        };
        await withPlainTool(buildSdkV2("legacy")).connect(transport);
        await transport.handleRequest(req, res, body);
      } else {
        res.writeHead(sid === undefined ? 400 : 404, { "content-type": "application/json" });
        res.end(
          JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message: "Bad session" }, id: null }),
        );
      }
    } catch (error) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
}

if (isMain(import.meta.url)) announce(await serveSdkV2Http());
