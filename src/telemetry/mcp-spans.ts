/**
 * MCP spans and metrics (OpenTelemetry semantic conventions for MCP): a SERVER span for every
 * request a side receives, a CLIENT span for every request it sends, named
 * `{mcp.method.name} {target}`, with trace context carried in `params._meta` both ways.
 * Instrumenting is a no-op unless `@opentelemetry/api` has loaded; each request then checks
 * whether a provider is registered and, when none is, runs the handler as it is.
 */
import { PROTOCOL_VERSION_META_KEY } from "@modelcontextprotocol/server";
import type { ProtocolEra } from "../sampling/types.js";
import {
  type ActiveTelemetry,
  activeTelemetry,
  type Context,
  errorType,
  failSpan,
  loadTelemetry,
  metaGetter,
  metaSetter,
  type Span,
  telemetryLoaded,
} from "./otel.js";

type Loose = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: request handlers of every method pass through here unchanged
type AnyHandler = (request: any, ctx: any) => unknown;
type Attributes = Record<string, string | number | boolean | string[]>;

/** What we touch on the SDK's Server and Client: handler registration (and, on a Client, its sending methods). */
interface HandlerHost {
  setRequestHandler: (...args: never[]) => unknown;
}

function isRecord(value: unknown): value is Loose {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The span name's target and the attributes the conventions give each method. */
function describe(method: string, params: unknown): { name: string; attributes: Attributes } {
  const attributes: Attributes = { "mcp.method.name": method };
  const p = isRecord(params) ? params : {};
  let target: string | undefined;
  if (method === "tools/call") {
    target = stringOf(p.name);
    if (target !== undefined) attributes["gen_ai.tool.name"] = target;
    attributes["gen_ai.operation.name"] = "execute_tool";
  } else if (method === "prompts/get") {
    target = stringOf(p.name);
    if (target !== undefined) attributes["gen_ai.prompt.name"] = target;
  } else {
    // A URI is high-cardinality: an attribute, never part of the span name.
    const uri = stringOf(p.uri);
    if (uri !== undefined) attributes["mcp.resource.uri"] = uri;
  }
  return { name: target === undefined ? method : `${method} ${target}`, attributes };
}

/** Metric attributes: the low-cardinality subset of the span's. */
function metricAttributes(attributes: Attributes, failure: string | undefined): Attributes {
  const out: Attributes = { "mcp.method.name": attributes["mcp.method.name"]! };
  for (const key of [
    "gen_ai.tool.name",
    "gen_ai.prompt.name",
    "gen_ai.operation.name",
    "mcp.protocol.version",
  ]) {
    const value = attributes[key];
    if (value !== undefined) out[key] = value;
  }
  if (failure !== undefined) out["error.type"] = failure;
  return out;
}

/** A copy of `params` whose `_meta` carries the given context (traceparent, tracestate). */
function withTraceMeta(t: ActiveTelemetry, active: Context, params: unknown): Loose {
  const base = isRecord(params) ? params : {};
  const meta: Loose = isRecord(base._meta) ? { ...base._meta } : {};
  t.api.propagation.inject(active, meta, metaSetter);
  return { ...base, _meta: meta };
}

function toolFailure(method: string, result: unknown): boolean {
  return method === "tools/call" && isRecord(result) && result.isError === true;
}

function toolErrorText(result: Loose): string {
  const content = Array.isArray(result.content) ? result.content : [];
  const text = content
    .map((block) => (isRecord(block) && typeof block.text === "string" ? block.text : ""))
    .join("");
  return text === "" ? "tool returned an error result" : text;
}

/**
 * Runs one outgoing request inside a CLIENT span: the request's `_meta` carries the span's
 * context; the span ends when the answer (or the failure) arrives.
 */
async function sendTraced<T>(
  t: ActiveTelemetry,
  method: string,
  params: unknown,
  extra: Attributes,
  send: (params: Loose) => Promise<T>,
): Promise<T> {
  const { api, tracer, instruments } = t;
  const { name, attributes } = describe(method, params);
  Object.assign(attributes, extra);
  const parent = api.context.active();
  const span = tracer?.startSpan(name, { kind: api.SpanKind.CLIENT, attributes }, parent);
  const active = span === undefined ? parent : api.trace.setSpan(parent, span);
  const started = performance.now();
  let failure: string | undefined;
  try {
    const result = await api.context.with(active, () => send(withTraceMeta(t, active, params)));
    if (toolFailure(method, result)) {
      failure = "tool_error";
      failSpan(span, api, new Error(toolErrorText(result as Loose)), failure);
    }
    return result;
  } catch (error) {
    failure = failRequestSpan(span, api, error);
    throw error;
  } finally {
    span?.end();
    instruments?.clientDuration.record(
      (performance.now() - started) / 1000,
      metricAttributes(attributes, failure),
    );
  }
}

/**
 * 2026-07-28: a round's sampling (or elicitation, roots) requests travel inside the result. Each
 * gets a CLIENT span, ended as it leaves, and carries its context in its params' `_meta`, so the
 * client's SERVER span (and its handler) joins the trace. The request hashes the replay checks
 * were taken before, from the untouched params.
 */
function traceEmbedded(t: ActiveTelemetry, active: Context, result: Loose, common: Attributes): Loose {
  const requests = result.inputRequests;
  if (!isRecord(requests)) return result;
  const traced: Loose = {};
  for (const [key, request] of Object.entries(requests)) {
    if (!isRecord(request) || typeof request.method !== "string") {
      traced[key] = request;
      continue;
    }
    const { name, attributes } = describe(request.method, request.params);
    Object.assign(attributes, common, { "jsonrpc.request.id": key });
    const span = t.tracer?.startSpan(name, { kind: t.api.SpanKind.CLIENT, attributes }, active);
    const context = span === undefined ? active : t.api.trace.setSpan(active, span);
    traced[key] = { ...request, params: withTraceMeta(t, context, request.params) };
    span?.end();
  }
  return { ...result, inputRequests: traced };
}

/** The context a received request runs in: its `_meta` trace context, else whatever is active. */
function parentOf(t: ActiveTelemetry, meta: unknown): Context {
  const active = t.api.context.active();
  return isRecord(meta) ? t.api.propagation.extract(active, meta, metaGetter) : active;
}

interface ReceiveOptions {
  /** Attributes known only per connection: protocol version, session. */
  connection: (ctx: Loose) => Attributes;
}

/** Runs one received request inside a SERVER span; requests it sends from its context get CLIENT spans. */
async function receiveTraced(
  t: ActiveTelemetry,
  method: string,
  handler: AnyHandler,
  request: Loose,
  ctx: Loose,
  options: ReceiveOptions,
): Promise<unknown> {
  const { api, tracer, instruments } = t;
  const mcpReq = isRecord(ctx?.mcpReq) ? ctx.mcpReq : {};
  const params = request?.params;
  const { name, attributes } = describe(method, params);
  const common = options.connection(ctx);
  Object.assign(attributes, common);
  if (mcpReq.id !== undefined) attributes["jsonrpc.request.id"] = String(mcpReq.id);
  const parent = parentOf(t, mcpReq._meta ?? (isRecord(params) ? params._meta : undefined));
  const span: Span | undefined = tracer?.startSpan(name, { kind: api.SpanKind.SERVER, attributes }, parent);
  const active = span === undefined ? parent : api.trace.setSpan(parent, span);
  const started = performance.now();
  let failure: string | undefined;
  try {
    let result = await api.context.with(active, () => handler(request, withTracedSend(ctx, mcpReq, common)));
    if (toolFailure(method, result)) {
      failure = "tool_error";
      failSpan(span, api, new Error(toolErrorText(result as Loose)), failure);
    } else if (isRecord(result) && result.inputRequests !== undefined) {
      result = traceEmbedded(t, active, result, common);
    }
    return result;
  } catch (error) {
    failure = failRequestSpan(span, api, error);
    throw error;
  } finally {
    span?.end();
    instruments?.serverDuration.record(
      (performance.now() - started) / 1000,
      metricAttributes(attributes, failure),
    );
  }
}

/** The handler's context with `mcpReq.send` traced (a server's sampling request is a CLIENT span on the server). */
function withTracedSend(ctx: Loose, mcpReq: Loose, common: Attributes): Loose {
  const send = mcpReq.send;
  if (typeof send !== "function") return ctx;
  const traced = (request: Loose, ...rest: unknown[]) => {
    const t = activeTelemetry();
    if (t === undefined || !isRecord(request) || typeof request.method !== "string") {
      return send(request, ...rest);
    }
    return sendTraced(t, request.method, request.params, common, (params) =>
      send({ ...request, params }, ...rest),
    );
  };
  return { ...ctx, mcpReq: { ...mcpReq, send: traced } };
}

/** Wraps every handler registered on `host` from now on. */
function wrapRegistrations(host: HandlerHost, options: ReceiveOptions): void {
  const register = host.setRequestHandler.bind(host) as (...args: unknown[]) => unknown;
  const wrap = (method: string, handler: AnyHandler): AnyHandler =>
    function traced(request, ctx) {
      const t = activeTelemetry();
      if (t === undefined) return handler(request, ctx);
      return receiveTraced(t, method, handler, request, ctx, options);
    };
  (host as { setRequestHandler: unknown }).setRequestHandler = (method: string, ...rest: unknown[]) => {
    const last = rest.length - 1;
    if (typeof rest[last] === "function") rest[last] = wrap(method, rest[last] as AnyHandler);
    return register(method, ...rest);
  };
}

/**
 * Instruments one SDK Server: call before its handlers are registered. `protocolVersion` reads the
 * 2025 session's negotiated version (2026-07-28 requests carry theirs in the envelope).
 */
export function instrumentServer(server: HandlerHost, era: ProtocolEra): void {
  if (!telemetryLoaded()) {
    // OTel registered after the start: load it now, so the servers built after it are traced.
    void loadTelemetry();
    return;
  }
  wrapRegistrations(server, {
    connection: (ctx) => {
      const attributes: Attributes = {};
      const mcpReq = isRecord(ctx?.mcpReq) ? ctx.mcpReq : {};
      const version =
        era === "modern"
          ? (mcpReq.envelope as Loose | undefined)?.[PROTOCOL_VERSION_META_KEY]
          : // The SDK keeps the negotiated version on the instance and has no public getter for it on Server.
            (server as { _negotiatedProtocolVersion?: unknown })._negotiatedProtocolVersion;
      if (typeof version === "string") attributes["mcp.protocol.version"] = version;
      if (typeof ctx?.sessionId === "string") attributes["mcp.session.id"] = ctx.sessionId;
      return attributes;
    },
  });
}

/** The request methods of the SDK Client that send one request each (2026-07-28 rounds included). */
const CLIENT_METHODS: Record<string, string> = {
  callTool: "tools/call",
  readResource: "resources/read",
  getPrompt: "prompts/get",
  listTools: "tools/list",
  listResources: "resources/list",
  listResourceTemplates: "resources/templates/list",
  listPrompts: "prompts/list",
  complete: "completion/complete",
};

interface ClientLike extends HandlerHost {
  getNegotiatedProtocolVersion?: () => string | undefined;
  transport?: { sessionId?: string };
}

/**
 * Instruments one SDK Client: CLIENT spans for what it sends (one span per call, over every
 * 2026-07-28 round, whose retries all carry the same trace context), SERVER spans for the
 * requests it answers (sampling, elicitation, roots). Call before its handlers are registered.
 */
export function instrumentClient(client: ClientLike): void {
  if (!telemetryLoaded()) return;
  const connection = (): Attributes => {
    const attributes: Attributes = {};
    const version = client.getNegotiatedProtocolVersion?.();
    if (typeof version === "string") attributes["mcp.protocol.version"] = version;
    const sessionId = client.transport?.sessionId;
    if (typeof sessionId === "string") attributes["mcp.session.id"] = sessionId;
    return attributes;
  };
  wrapRegistrations(client, { connection });
  const methods = client as unknown as Record<
    string,
    (params: unknown, options?: unknown) => Promise<unknown>
  >;
  for (const [name, method] of Object.entries(CLIENT_METHODS)) {
    const original = methods[name];
    if (typeof original !== "function") continue;
    const bound = original.bind(client);
    methods[name] = (params, options) => {
      const t = activeTelemetry();
      if (t === undefined) return bound(params, options);
      return sendTraced(t, method, params, connection(), (traced) => bound(traced, options));
    };
  }
}

/** A request that threw: the span fails with its `error.type`, and a JSON-RPC code is kept as the status code. */
function failRequestSpan(
  span: Span | undefined,
  api: Parameters<typeof failSpan>[1],
  error: unknown,
): string {
  const failure = errorType(error);
  failSpan(span, api, error, failure);
  const code = (error as { code?: unknown } | null)?.code;
  if (span !== undefined && typeof code === "number")
    span.setAttribute("rpc.response.status_code", String(code));
  return failure;
}
