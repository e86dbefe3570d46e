// The official SDK v2 done by hand: McpServer + ctx.mcpReq.send (2025 era) or inputRequired (2026-07-28).
// Stdio entry here; the HTTP entry is sdk-v2-http.ts, so a stdio cold start loads no HTTP code.
import {
  type CallToolResult,
  type InputRequiredResult,
  inputRequired,
  McpServer,
} from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";
import { isMain, samplingParams, TOOL } from "./common.js";

export function buildSdkV2(era: "legacy" | "modern"): McpServer {
  const server = new McpServer({ name: "bench-sdk-v2", version: "1.0.0" });
  server.registerTool(
    TOOL,
    { description: "Summarise text with the client's LLM", inputSchema: z.object({ text: z.string() }) },
    async ({ text }, ctx): Promise<CallToolResult | InputRequiredResult> => {
      if (era === "legacy") {
        // The SDK's own conformance fixture: send() is related to the tools/call, so it rides its POST stream.
        const answer = await ctx.mcpReq.send({
          method: "sampling/createMessage",
          params: samplingParams(text),
        });
        const content = answer.content as { type: string; text?: string };
        return { content: [{ type: "text", text: content.type === "text" ? (content.text ?? "") : "" }] };
      }
      const answer = ctx.mcpReq.inputResponses?.summary as
        | { content?: { type: string; text?: string } }
        | undefined;
      if (answer === undefined) {
        return inputRequired({
          inputRequests: { summary: inputRequired.createMessage(samplingParams(text)) },
        });
      }
      return {
        content: [{ type: "text", text: answer.content?.type === "text" ? (answer.content.text ?? "") : "" }],
      };
    },
  );
  return server;
}

if (isMain(import.meta.url)) serveStdio(({ era }) => buildSdkV2(era));
