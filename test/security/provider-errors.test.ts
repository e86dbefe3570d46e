import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AISDKSamplingHandler } from "../../src/handlers/ai-sdk.js";
import { Client, FastMCP, type FastMCPOptions } from "../../src/index.js";

// Not shaped like a known key: only the handler's redaction of what it knows can catch it.
const KEY = "tenant-7f3a9c1e5b2d4068-credential";
let provider: Server;
let base: string;

/** A provider (or a careless proxy) that echoes the credentials it was sent back in its error. */
beforeAll(async () => {
  provider = createServer((req, res) => {
    req.resume();
    const message = `Invalid credentials: ${String(req.headers.authorization)} (account acct_42, quota 0)`;
    res
      .writeHead(401, { "content-type": "application/json" })
      .end(JSON.stringify({ error: { message, type: "invalid_request_error", code: "invalid_api_key" } }));
  });
  await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise((resolve) => provider.close(resolve)));

const model = () => createOpenAICompatible({ name: "echoing", baseURL: base, apiKey: KEY })("m");

async function askThroughServer(options: Partial<FastMCPOptions>, secrets?: string[]) {
  const server = new FastMCP({
    name: "owner-key",
    samplingHandler: new AISDKSamplingHandler({ model: model(), ...(secrets !== undefined && { secrets }) }),
    samplingHandlerBehavior: "always",
    ...options,
  });
  server.tool({ name: "ask", execute: async (_args, ctx) => (await ctx.sample("hi")).text });
  const client = await new Client(server).connect();
  try {
    return await client.callTool("ask").then(
      () => "no error",
      (error: Error) => error.message,
    );
  } finally {
    await client.close();
    await server.close();
  }
}

describe("the AI SDK handler's provider errors", () => {
  it("never carry the key the provider echoed, as the handler throws them", async () => {
    const handler = new AISDKSamplingHandler({ model: model(), secrets: [KEY] });
    const error = (await handler
      .createMessage(
        [{ role: "user", content: { type: "text", text: "hi" } }],
        { messages: [], maxTokens: 5 },
        {
          requestId: 1,
          signal: new AbortController().signal,
          side: "server",
        },
      )
      .catch((reason: unknown) => reason)) as Error;
    expect(error.message).toContain("401");
    expect(error.message).not.toContain(KEY);
    expect(error.message).toContain("Bearer [redacted]");
  });

  it("reach the MCP client masked by default: provider, status and type only, no key, no account details", async () => {
    const seen = await askThroughServer({});
    expect(seen).toContain("The server's LLM failed: AI SDK (echoing.chat) API error 401");
    expect(seen).toContain("401");
    expect(seen).not.toContain(KEY);
    expect(seen).not.toContain("acct_42");
  });

  it("in full when the server opts in, still redacted (a Bearer credential even when nobody named it)", async () => {
    const seen = await askThroughServer({ exposeProviderErrors: true });
    expect(seen).toContain("acct_42");
    expect(seen).not.toContain(KEY);
  });
});
