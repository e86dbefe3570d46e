// tmcp (npm `tmcp` + `@tmcp/transport-http` + `@tmcp/adapter-zod`), served on node:http the way its
// transport's README shows (`@remix-run/node-fetch-server`). Sampling through `server.message`: on a
// 2025 session it sends `sampling/createMessage` (on the standalone GET stream); on 2026-07-28 it
// returns `input_required` and replays the handler, which must be declared `replayable`.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequestListener } from "@remix-run/node-fetch-server";
import { ZodJsonSchemaAdapter } from "@tmcp/adapter-zod";
import { HttpTransport } from "@tmcp/transport-http";
import { McpServer } from "tmcp";
import { z } from "zod";
import { announce, isMain, PLAIN_TOOL, plainText, samplingParams, TOOL } from "./common.js";

export function buildTmcp(): McpServer<z.ZodType> {
  const server = new McpServer(
    { name: "bench-tmcp", version: "1.0.0", description: "benchmark server" },
    { adapter: new ZodJsonSchemaAdapter(), capabilities: { tools: {} } },
  );
  server.tool(
    {
      name: TOOL,
      description: "Summarise text with the client's LLM",
      schema: z.object({ text: z.string() }),
      replayable: true,
    },
    async ({ text }) => {
      const answer = await server.message(samplingParams(text));
      const content = answer.content as { type: string; text?: string };
      return { content: [{ type: "text", text: content.type === "text" ? (content.text ?? "") : "" }] };
    },
  );
  server.tool(
    { name: PLAIN_TOOL, description: "Echo the text back", schema: z.object({ text: z.string() }) },
    async ({ text }) => ({ content: [{ type: "text", text: plainText(text) }] }),
  );
  return server;
}

export async function serveTmcp(): Promise<string> {
  const transport = new HttpTransport(buildTmcp(), { path: "/mcp" });
  const http = createServer(
    createRequestListener(
      async (request) => (await transport.respond(request)) ?? new Response(null, { status: 404 }),
    ),
  );
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
}

if (isMain(import.meta.url)) announce(await serveTmcp());
