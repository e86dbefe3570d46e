// Observability: the traces and metrics of a sampled tool call, exported to the console, or to an
// OTLP endpoint (Jaeger, Grafana Tempo, Honeycomb, an OpenTelemetry Collector…) when one is set.
// Run: npx tsx examples/observability.ts
//      OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 npx tsx examples/observability.ts
//
// fastmcp-ts emits nothing until the application registers providers, as below; then every MCP
// request is a span (SERVER where it is received, CLIENT where it is sent), linked into one trace
// through `params._meta.traceparent`, and provider handlers add GenAI spans.
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import {
  ConsoleMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { z } from "zod";
import { Client, FastMCP } from "../src/index.js";

// 1. OpenTelemetry: a tracer provider, a meter provider, async context and W3C propagation.
const otlp = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [
    otlp !== undefined && otlp !== ""
      ? new BatchSpanProcessor(new OTLPTraceExporter()) // reads OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/traces)
      : new SimpleSpanProcessor(new ConsoleSpanExporter()),
  ],
});
trace.setGlobalTracerProvider(tracerProvider);
const meterProvider = new MeterProvider({
  readers: [
    new PeriodicExportingMetricReader({
      exporter: new ConsoleMetricExporter(),
      exportIntervalMillis: 60_000,
    }),
  ],
});
metrics.setGlobalMeterProvider(meterProvider);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

// 2. A server whose tool samples, and a client whose "LLM" is a function.
const server = new FastMCP({ name: "observed" });
server.tool({
  name: "summarize",
  parameters: z.object({ text: z.string() }),
  execute: async ({ text }, ctx) => (await ctx.sample(`Summarize: ${text}`, { maxTokens: 50 })).text,
});
const client = new Client(server, {
  samplingHandler: () => {
    // The handler runs inside the call's trace: its own spans (an LLM call, say) join it.
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    return `A summary (trace ${traceId}).`;
  },
});

await client.connect();
const result = await client.callTool("summarize", { text: "OpenTelemetry follows the call." });
console.log(`Result: ${result.text}`);
await client.close();
await server.close();

// 3. Flush: the batch processor and the metric reader export on shutdown.
await meterProvider.shutdown();
await tracerProvider.shutdown();
