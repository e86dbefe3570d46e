/**
 * OpenTelemetry, when the application has it: `@opentelemetry/api` is an optional peer, imported
 * once in the background. Until it has loaded, or when it is missing, or when no tracer or meter
 * provider is registered, `activeTelemetry()` is undefined and nothing else here runs.
 */
import type * as OtelApi from "@opentelemetry/api";
import { loadOtelApi } from "../lazy-modules.js";

type Api = typeof OtelApi;
export type Span = OtelApi.Span;
export type Context = OtelApi.Context;
export type Histogram = OtelApi.Histogram;

const SCOPE = "fastmcp-ts";

/** Seconds, as the MCP and GenAI conventions advise for operation durations. */
const DURATION_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304];

export interface Instruments {
  serverDuration: Histogram;
  clientDuration: Histogram;
  tokenUsage: Histogram;
  genAIDuration: Histogram;
}

/** What is on right now: a tracer when a tracer provider is registered, instruments when a meter provider is. */
export interface ActiveTelemetry {
  api: Api;
  tracer: OtelApi.Tracer | undefined;
  instruments: Instruments | undefined;
}

/**
 * Where the API (1.x) keeps every registered global; absent until an application registers
 * something (a provider, propagator or context manager), so one property read tells "nothing
 * registered", both before loading the API and on the hot path.
 */
const GLOBALS = Symbol.for("opentelemetry.js.api.1");
const NOTHING_REGISTERED: Promise<undefined> = Promise.resolve(undefined);

let api: Api | undefined;
let loading: Promise<Api | undefined> | undefined;
let noopTracerProvider: unknown;
let noopMeter: unknown;
let tracerCache: { provider: unknown; tracer: OtelApi.Tracer } | undefined;
let meterCache: { provider: unknown; instruments: Instruments | undefined } | undefined;

/**
 * Starts loading `@opentelemetry/api` (once) when the application has registered anything with it;
 * resolves to it, or undefined when nothing is registered (yet) or it is not installed. Importing
 * the API is ~35 ms of a cold start (17 CommonJS files), which a process that never set OTel up
 * should not pay; a provider registered later is picked up by the next call.
 */
export function loadTelemetry(): Promise<Api | undefined> {
  if (loading === undefined && (globalThis as Record<symbol, unknown>)[GLOBALS] === undefined)
    return NOTHING_REGISTERED;
  loading ??= loadOtelApi().then(
    (loaded) => {
      // The no-op singletons, to tell "nothing registered" apart from a real provider per request.
      noopTracerProvider = new loaded.ProxyTracerProvider().getDelegate();
      noopMeter = loaded.createNoopMeter();
      api = loaded;
      return loaded;
    },
    () => undefined,
  );
  return loading;
}

/** True once the API has loaded: only then are servers and clients instrumented at all. */
export function telemetryLoaded(): boolean {
  return api !== undefined;
}

function currentTracer(loaded: Api): OtelApi.Tracer | undefined {
  const global = loaded.trace.getTracerProvider() as OtelApi.TracerProvider & { getDelegate?: () => unknown };
  const delegate = typeof global.getDelegate === "function" ? global.getDelegate() : global;
  if (delegate === noopTracerProvider) return undefined;
  const cached = tracerCache;
  if (cached !== undefined && cached.provider === delegate) return cached.tracer;
  const tracer = loaded.trace.getTracer(SCOPE);
  tracerCache = { provider: delegate, tracer };
  return tracer;
}

function currentInstruments(loaded: Api): Instruments | undefined {
  const provider = loaded.metrics.getMeterProvider();
  if (meterCache?.provider === provider) return meterCache.instruments;
  const meter = provider.getMeter(SCOPE);
  if (meter === noopMeter) {
    meterCache = { provider, instruments: undefined };
    return undefined;
  }
  const seconds = { unit: "s", advice: { explicitBucketBoundaries: DURATION_BUCKETS } };
  const instruments: Instruments = {
    serverDuration: meter.createHistogram("mcp.server.operation.duration", {
      ...seconds,
      description: "MCP request duration as observed on the receiver",
    }),
    clientDuration: meter.createHistogram("mcp.client.operation.duration", {
      ...seconds,
      description: "MCP request duration as observed on the sender",
    }),
    tokenUsage: meter.createHistogram("gen_ai.client.token.usage", {
      unit: "{token}",
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
      description: "Tokens used per LLM request, by type (input, output)",
    }),
    genAIDuration: meter.createHistogram("gen_ai.client.operation.duration", {
      ...seconds,
      description: "LLM request duration",
    }),
  };
  meterCache = { provider, instruments };
  return instruments;
}

/** The telemetry to use for one operation, or undefined when neither tracing nor metrics are on. */
export function activeTelemetry(): ActiveTelemetry | undefined {
  const loaded = api;
  if (loaded === undefined) return undefined;
  if ((globalThis as Record<symbol, unknown>)[GLOBALS] === undefined) return undefined;
  const tracer = currentTracer(loaded);
  const instruments = currentInstruments(loaded);
  if (tracer === undefined && instruments === undefined) return undefined;
  return { api: loaded, tracer, instruments };
}

/** Reads `_meta` as a propagation carrier (traceparent, tracestate, baggage). */
export const metaGetter: OtelApi.TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === "string" ? value : undefined;
  },
};

export const metaSetter: OtelApi.TextMapSetter<Record<string, unknown>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** The `error.type` of a failure: a JSON-RPC error's code, else the error's name. */
export function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "number" || (typeof code === "string" && code !== "")) return String(code);
  if (error instanceof Error) return error.name === "Error" ? "_OTHER" : error.name;
  return "_OTHER";
}

/** Marks a span failed the way the conventions ask: ERROR status, `error.type`, the exception. */
export function failSpan(span: Span | undefined, loaded: Api, error: unknown, type = errorType(error)): void {
  if (span === undefined) return;
  span.setAttribute("error.type", type);
  span.setStatus({
    code: loaded.SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
  if (error instanceof Error) span.recordException(error);
}
