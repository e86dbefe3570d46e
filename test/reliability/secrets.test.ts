import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AnthropicSamplingHandler } from "../../src/handlers/anthropic.js";
import { OpenAISamplingHandler } from "../../src/handlers/openai.js";
import { Client, FastMCP, type SamplingHandler } from "../../src/index.js";
import { rejectionOf } from "../helpers/pending.js";

const KEY = "sk-test-SECRET-0123456789abcdefSECRET";

type Mode = "masked" | "echo" | "server-error";
let mode: Mode = "masked";
let provider: Server;
let base: string;

/**
 * A provider that refuses the key: like OpenAI/Anthropic ("masked": the key's ends only), like a
 * careless proxy that echoes the Authorization header back ("echo"), or failing outright.
 */
beforeAll(async () => {
  provider = createServer((req, res) => {
    const auth = String(req.headers.authorization ?? req.headers["x-api-key"] ?? "");
    const key = auth.replace(/^Bearer /, "");
    const message =
      mode === "masked"
        ? `Incorrect API key provided: ${key.slice(0, 7)}***${key.slice(-4)}.`
        : mode === "echo"
          ? `Invalid credentials in header: ${auth}`
          : "upstream exploded";
    const status = mode === "server-error" ? 500 : 401;
    const body = req.url?.includes("/messages")
      ? { type: "error", error: { type: "authentication_error", message } }
      : { error: { message, type: "invalid_request_error", code: "invalid_api_key" } };
    req.resume();
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => provider.close(resolve)));

const handlers: Array<[string, () => SamplingHandler]> = [
  [
    "OpenAISamplingHandler",
    () =>
      new OpenAISamplingHandler({
        defaultModel: "gpt-x",
        client: new OpenAI({ apiKey: KEY, baseURL: `${base}/v1`, maxRetries: 0 }),
      }),
  ],
  [
    "AnthropicSamplingHandler",
    () =>
      new AnthropicSamplingHandler({
        defaultModel: "claude-x",
        client: new Anthropic({ apiKey: KEY, baseURL: base, maxRetries: 0 }),
      }),
  ],
];

describe.each(handlers)("%s never puts the API key in an error", (_name, make) => {
  const cases: Mode[] = [
    "masked",
    "server-error",
    // Regression: a provider or proxy echoing the Authorization header once leaked the key here.
    "echo",
  ];
  for (const which of cases) {
    it(`provider answer: ${which}`, async () => {
      mode = which;
      const handler = make() as { createMessage: (...args: never[]) => Promise<unknown> };
      const direct = await rejectionOf(
        handler.createMessage(
          ...([
            [{ role: "user", content: { type: "text", text: "hi" } }],
            { messages: [], maxTokens: 5 },
            { requestId: 1, signal: new AbortController().signal, side: "server" },
          ] as never[]),
        ),
        10_000,
      );
      expect(direct.message.length).toBeGreaterThan(0);
      expect(direct.message).not.toContain(KEY);
      expect(String(direct.stack)).not.toContain(KEY);

      // And as the MCP client sees it, when the server's own handler fails.
      const server = new FastMCP({
        name: "secrets",
        samplingHandler: make(),
        samplingHandlerBehavior: "always",
      });
      server.tool({
        name: "ask",
        parameters: z.object({}),
        execute: async (_args, ctx) => (await ctx.sample("hi")).text,
      });
      const client = new Client(server);
      await client.connect();
      try {
        const error = await rejectionOf(client.callTool("ask"), 10_000);
        expect(error.message).toMatch(/API error (401|500)/);
        expect(error.message).not.toContain(KEY);
        expect(JSON.stringify((error as { result?: unknown }).result)).not.toContain(KEY);
      } finally {
        await client.close();
        await server.close();
      }
    });
  }
});
