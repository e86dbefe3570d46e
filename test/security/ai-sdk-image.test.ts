import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AISDKSamplingHandler } from "../../src/handlers/ai-sdk.js";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/openai-server.js";

// A server's "image" whose data is a URL: handed over as a string, the AI SDK fetches it (or has the
// provider fetch it), so a server could make the host reach any address it names.
let fake: FakeOpenAI;
let probeHits = 0;
const probe = createServer((req, res) => {
  probeHits++;
  req.resume();
  res.writeHead(200, { "content-type": "image/png" }).end("png");
});
let probeUrl: string;
beforeAll(async () => {
  fake = await startFakeOpenAI({ respond: () => ({ text: "seen" }) });
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  probeUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/internal.png`;
});
afterAll(async () => {
  await fake.close();
  await new Promise((resolve) => probe.close(resolve));
});

describe("image data reaches the AI SDK as data, never as a fetchable string", () => {
  it("a URL in an image block's data is neither fetched nor passed on as a URL", async () => {
    const model = createOpenAICompatible({ name: "fake", baseURL: fake.url, apiKey: "sk-test" })("m");
    const handler = new AISDKSamplingHandler({ model });
    await handler.createMessage(
      [{ role: "user", content: [{ type: "image", data: probeUrl, mimeType: "image/png" }] }],
      { messages: [], maxTokens: 5 },
      { requestId: 1, signal: new AbortController().signal, side: "server" },
    );
    expect(probeHits).toBe(0);
    expect(JSON.stringify(fake.requests.at(-1))).not.toContain(probeUrl);
  });
});
