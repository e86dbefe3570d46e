// The official SDK v1 (2025 era only): McpServer + extra.sendRequest, the way its conformance fixture samples.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CreateMessageResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { isMain, samplingParams, TOOL } from "./common.js";

export function buildSdkV1(): McpServer {
  const server = new McpServer({ name: "bench-sdk-v1", version: "1.0.0" });
  server.registerTool(
    TOOL,
    { description: "Summarise text with the client's LLM", inputSchema: { text: z.string() } },
    async ({ text }, extra) => {
      const answer = await extra.sendRequest(
        { method: "sampling/createMessage", params: samplingParams(text) },
        CreateMessageResultSchema,
      );
      const content = answer.content as { type: string; text?: string };
      return {
        content: [{ type: "text" as const, text: content.type === "text" ? (content.text ?? "") : "" }],
      };
    },
  );
  return server;
}

if (isMain(import.meta.url)) {
  await buildSdkV1().connect(new StdioServerTransport());
}
