import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { OpenAISamplingHandler } from "../../src/handlers/openai.js";
import { Client, FastMCP, type SamplingHandler } from "../../src/index.js";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/openai-server.js";
import { type OtelHarness, setupOtel } from "../helpers/otel.js";

let otel: OtelHarness;
let fake: FakeOpenAI;
beforeAll(async () => {
  otel = setupOtel();
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
  await otel.shutdown();
});
beforeEach(() => {
  otel.exporter.reset();
  otel.enable();
});

const ERAS = ["2025", "2026"] as const;

function askServer(options: { samplingHandler?: SamplingHandler } = {}) {
  const server = new FastMCP({
    name: "traced",
    ...(options.samplingHandler !== undefined && {
      samplingHandler: options.samplingHandler,
      samplingHandlerBehavior: "always" as const,
    }),
  });
  server.tool({
    name: "ask",
    parameters: z.object({ q: z.string() }),
    execute: async ({ q }, ctx) => (await ctx.sample(q, { maxTokens: 20 })).text,
  });
  return server;
}

async function overHttp(server: FastMCP, era: "2025" | "2026", samplingHandler?: SamplingHandler) {
  await server.run({ transport: "http", port: 0 });
  const client = new Client(server.url!, {
    protocol: era,
    ...(samplingHandler !== undefined && { samplingHandler }),
  });
  await client.connect();
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

function named(spans: ReadableSpan[], name: string, kind: SpanKind): ReadableSpan[] {
  return spans.filter((span) => span.name === name && span.kind === kind);
}

function one(spans: ReadableSpan[], name: string, kind: SpanKind): ReadableSpan {
  const found = named(spans, name, kind);
  expect(found, `${SpanKind[kind]} span "${name}" in ${spans.map((s) => s.name).join(", ")}`).toHaveLength(1);
  return found[0]!;
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan) => span.spanContext().spanId;

describe("MCP spans with the real OpenTelemetry SDK", () => {
  it.each(ERAS)(
    "a client-answered sample over HTTP (%s): client and server tools/call and sampling spans in one trace, the handler inside it",
    async (era) => {
      const seen: Array<string | undefined> = [];
      const { client, close } = await overHttp(askServer(), era, () => {
        seen.push(trace.getActiveSpan()?.spanContext().traceId);
        return "traced answer";
      });
      try {
        expect((await client.callTool("ask", { q: "hi" })).text).toBe("traced answer");
      } finally {
        await close();
      }
      const spans = otel.spans();
      const clientCall = one(spans, "tools/call ask", SpanKind.CLIENT);
      const serverCalls = named(spans, "tools/call ask", SpanKind.SERVER);
      // 2026-07-28: the sample is one input_required round, so the server sees the call twice.
      expect(serverCalls).toHaveLength(era === "2025" ? 1 : 2);
      const serverSample = one(spans, "sampling/createMessage", SpanKind.CLIENT);
      const clientSample = one(spans, "sampling/createMessage", SpanKind.SERVER);

      const traceId = clientCall.spanContext().traceId;
      for (const span of [...serverCalls, serverSample, clientSample]) {
        expect(span.spanContext().traceId).toBe(traceId);
      }
      expect(seen).toEqual([traceId]);
      for (const span of serverCalls) expect(parentOf(span)).toBe(idOf(clientCall));
      expect(serverCalls.map(idOf)).toContain(parentOf(serverSample));
      expect(parentOf(clientSample)).toBe(idOf(serverSample));

      for (const span of [clientCall, ...serverCalls]) {
        expect(span.attributes).toMatchObject({
          "mcp.method.name": "tools/call",
          "gen_ai.tool.name": "ask",
          "gen_ai.operation.name": "execute_tool",
        });
        expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
      }
      for (const span of serverCalls) {
        expect(span.attributes["jsonrpc.request.id"]).toEqual(expect.any(String));
        expect(span.attributes["mcp.protocol.version"]).toEqual(expect.any(String));
        if (era === "2025") expect(span.attributes["mcp.session.id"]).toEqual(expect.any(String));
      }
      if (era === "2026") {
        for (const span of serverCalls) expect(span.attributes["mcp.protocol.version"]).toBe("2026-07-28");
      }
      expect(serverSample.attributes["mcp.method.name"]).toBe("sampling/createMessage");
      expect(clientSample.attributes["mcp.method.name"]).toBe("sampling/createMessage");
    },
  );

  it.each(ERAS)(
    "a server-side provider sample (%s) is a GenAI span with model and token usage inside the tool call's trace",
    async (era) => {
      fake.reset();
      fake.enqueue({ text: "from the provider", usage: { prompt_tokens: 7, completion_tokens: 3 } });
      const handler = new OpenAISamplingHandler({
        defaultModel: "fake-gpt",
        client: new OpenAI({ baseURL: fake.url, apiKey: "k", maxRetries: 0 }),
      });
      const { client, close } = await overHttp(askServer({ samplingHandler: handler }), era);
      try {
        expect((await client.callTool("ask", { q: "hello" })).text).toBe("from the provider");
      } finally {
        await close();
      }
      const spans = otel.spans();
      const serverCall = one(spans, "tools/call ask", SpanKind.SERVER);
      const chat = one(spans, "chat fake-gpt", SpanKind.CLIENT);
      expect(chat.spanContext().traceId).toBe(serverCall.spanContext().traceId);
      expect(parentOf(chat)).toBe(idOf(serverCall));
      expect(chat.attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "fake-gpt",
        "gen_ai.response.model": "fake-gpt",
        "gen_ai.request.max_tokens": 20,
        "gen_ai.usage.input_tokens": 7,
        "gen_ai.usage.output_tokens": 3,
        "gen_ai.response.finish_reasons": ["endTurn"],
      });
      // No MCP sampling request went out: the server answered it itself.
      expect(named(spans, "sampling/createMessage", SpanKind.CLIENT)).toHaveLength(0);
    },
  );

  it.each(ERAS)("a failing client sample (%s) marks the sampling and tool spans ERROR", async (era) => {
    const { client, close } = await overHttp(askServer(), era, () => {
      throw new Error("the model is on fire");
    });
    try {
      await expect(client.callTool("ask", { q: "hi" })).rejects.toThrow(/on fire/);
    } finally {
      await close();
    }
    const spans = otel.spans();
    const clientSample = one(spans, "sampling/createMessage", SpanKind.SERVER);
    expect(clientSample.status.code).toBe(SpanStatusCode.ERROR);
    expect(clientSample.attributes["error.type"]).toEqual(expect.any(String));
    const clientCall = one(spans, "tools/call ask", SpanKind.CLIENT);
    expect(clientCall.status.code).toBe(SpanStatusCode.ERROR);
    const serverCall = one(spans, "tools/call ask", SpanKind.SERVER);
    if (era === "2025") {
      // The server got the client's error answer and returned a tool error result.
      const serverSample = one(spans, "sampling/createMessage", SpanKind.CLIENT);
      expect(serverSample.status.code).toBe(SpanStatusCode.ERROR);
      expect(serverCall.status.code).toBe(SpanStatusCode.ERROR);
      expect(serverCall.attributes["error.type"]).toBe("tool_error");
      expect(clientCall.attributes["error.type"]).toBe("tool_error");
    } else {
      // 2026-07-28: the client's handler fails locally, so no retry reaches the server; its one
      // round (the input_required answer) went fine, and the client's call span holds the failure.
      expect(serverCall.status.code).not.toBe(SpanStatusCode.ERROR);
      expect(clientCall.attributes["error.type"]).toEqual(expect.any(String));
      expect(clientCall.events.some((event) => event.name === "exception")).toBe(true);
    }
  });

  it("a failing provider sample marks the GenAI span ERROR with the provider's error type", async () => {
    fake.reset();
    fake.enqueue({ error: { status: 429, message: "slow down", type: "rate_limit_exceeded" } });
    const handler = new OpenAISamplingHandler({
      defaultModel: "fake-gpt",
      client: new OpenAI({ baseURL: fake.url, apiKey: "k", maxRetries: 0 }),
    });
    const server = askServer({ samplingHandler: handler });
    const client = new Client(server);
    await client.connect();
    try {
      await expect(client.callTool("ask", { q: "hi" })).rejects.toThrow(/429/);
    } finally {
      await client.close();
      await server.close();
    }
    const chat = one(otel.spans(), "chat fake-gpt", SpanKind.CLIENT);
    expect(chat.status.code).toBe(SpanStatusCode.ERROR);
    expect(chat.attributes["error.type"]).toBe("rate_limit_exceeded");
    expect(chat.events.some((event) => event.name === "exception")).toBe(true);
  });

  it("the caller's own span is the parent: an app span around callTool holds the whole exchange", async () => {
    const server = askServer();
    const client = new Client(server, { samplingHandler: () => "ok" });
    await client.connect();
    const tracer = trace.getTracer("app");
    let appTrace = "";
    try {
      await tracer.startActiveSpan("user request", async (span) => {
        appTrace = span.spanContext().traceId;
        await client.callTool("ask", { q: "x" });
        span.end();
      });
    } finally {
      await client.close();
      await server.close();
    }
    const spans = otel.spans();
    const app = one(spans, "user request", SpanKind.INTERNAL);
    const clientCall = one(spans, "tools/call ask", SpanKind.CLIENT);
    expect(parentOf(clientCall)).toBe(idOf(app));
    for (const span of spans) expect(span.spanContext().traceId).toBe(appTrace);
    // in memory too: tools/list etc. are traced the same way
    expect(named(spans, "sampling/createMessage", SpanKind.SERVER)).toHaveLength(1);
  });

  it("with no provider registered nothing is recorded and calls behave the same", async () => {
    otel.disable();
    const server = askServer();
    const client = new Client(server, { samplingHandler: () => "plain" });
    await client.connect();
    try {
      expect((await client.callTool("ask", { q: "x" })).text).toBe("plain");
    } finally {
      await client.close();
      await server.close();
      otel.enable();
    }
    expect(otel.spans()).toHaveLength(0);
  });
});

describe("opting out", () => {
  it("telemetry: false keeps a server and a client out of the traces even with a provider registered", async () => {
    const server = new FastMCP({ name: "quiet", telemetry: false });
    server.tool({ name: "ask", execute: async (_args, ctx) => (await ctx.sample("x")).text });
    const client = new Client(server, { samplingHandler: () => "unseen", telemetry: false });
    await client.connect();
    try {
      expect((await client.callTool("ask")).text).toBe("unseen");
    } finally {
      await client.close();
      await server.close();
    }
    expect(otel.spans()).toHaveLength(0);
  });
});

describe("MCP and GenAI metrics", () => {
  it("records mcp.server/client.operation.duration and gen_ai.client.token.usage", async () => {
    fake.reset();
    fake.enqueue({ text: "m", usage: { prompt_tokens: 5, completion_tokens: 1 } });
    const handler = new OpenAISamplingHandler({
      defaultModel: "metered-gpt",
      client: new OpenAI({ baseURL: fake.url, apiKey: "k", maxRetries: 0 }),
    });
    const server = askServer({ samplingHandler: handler });
    const client = new Client(server);
    await client.connect();
    try {
      await client.callTool("ask", { q: "count me" });
    } finally {
      await client.close();
      await server.close();
    }
    const serverPoints = await otel.histogram("mcp.server.operation.duration");
    expect(serverPoints).toContainEqual(
      expect.objectContaining({
        attributes: expect.objectContaining({ "mcp.method.name": "tools/call", "gen_ai.tool.name": "ask" }),
        count: expect.any(Number),
      }),
    );
    const clientPoints = await otel.histogram("mcp.client.operation.duration");
    expect(clientPoints.some((point) => point.attributes["mcp.method.name"] === "tools/call")).toBe(true);
    const tokens = (await otel.histogram("gen_ai.client.token.usage")).filter(
      (point) => point.attributes["gen_ai.request.model"] === "metered-gpt",
    );
    const byType = Object.fromEntries(
      tokens.map((point) => [point.attributes["gen_ai.token.type"], point.sum]),
    );
    expect(byType).toEqual({ input: 5, output: 1 });
  });
});
