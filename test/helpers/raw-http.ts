/** A bare-hands Streamable HTTP client: no SDK, no GET stream — what the wire really carries. */
export interface RawMessage {
  jsonrpc: "2.0";
  id?: string | number | null;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

export const MODERN = "2026-07-28";

/** The 2025-era `initialize` a raw client opens with. */
export function legacyInitialize(
  capabilities: object = { sampling: {} },
  clientName = "raw",
): RawMessage & { id: number; method: "initialize" } {
  return {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities, clientInfo: { name: clientName, version: "1" } },
  };
}

export function modernMeta(capabilities: object): Record<string, unknown> {
  return {
    "io.modelcontextprotocol/protocolVersion": MODERN,
    "io.modelcontextprotocol/clientCapabilities": capabilities,
    "io.modelcontextprotocol/clientInfo": { name: "raw", version: "1" },
  };
}

/**
 * Opens a 2025 session by hand — `initialize`, then `notifications/initialized` — and returns the
 * headers that continue it (session id and protocol version).
 */
export async function openLegacySession(url: string): Promise<Record<string, string>> {
  const base = { "content-type": "application/json", accept: "application/json, text/event-stream" };
  const init = await fetch(url, { method: "POST", headers: base, body: JSON.stringify(legacyInitialize()) });
  await init.text();
  const headers = {
    ...base,
    "mcp-session-id": init.headers.get("mcp-session-id") ?? "",
    "mcp-protocol-version": "2025-11-25",
  };
  const initialized = await fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  await initialized.text();
  return headers;
}

/** The headers a 2026-07-28 POST carries: the revision, the method, and the name when it has one. */
function modernHeaders(method: string, name: unknown): Record<string, string> {
  return {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": MODERN,
    "mcp-method": method,
    ...(typeof name === "string" && { "mcp-name": name }),
  };
}

/** POSTs one 2026-07-28 request with the headers the revision requires. */
export async function postModern(
  url: string,
  body: RawMessage,
): Promise<{ status: number; message: RawMessage }> {
  const response = await fetch(url, {
    method: "POST",
    headers: modernHeaders(body.method ?? "", body.params?.name),
    body: JSON.stringify(body),
  });
  const messages = await readMessages(response);
  return { status: response.status, message: messages.at(-1)! };
}

/** What a raw client that follows tasks declares: sampling and the tasks extension. */
export const WITH_TASKS = { sampling: {}, extensions: { "io.modelcontextprotocol/tasks": {} } };

let nextModernId = 1;
/**
 * One 2026-07-28 request by hand to `url`: the revision's headers, the envelope in `_meta` with
 * `capabilities` (the tasks extension declared unless told otherwise), `as` sent as a bearer token.
 * Returns the last message of the response.
 */
export async function modernRpc(
  url: string,
  method: string,
  params: Record<string, unknown>,
  options: { as?: string; capabilities?: object } = {},
): Promise<RawMessage> {
  const name = typeof params.name === "string" ? params.name : params.taskId;
  const response = await fetch(url, {
    method: "POST",
    headers: {
      ...modernHeaders(method, name),
      ...(options.as !== undefined && { authorization: `Bearer ${options.as}` }),
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: nextModernId++,
      method,
      params: { ...params, _meta: modernMeta(options.capabilities ?? WITH_TASKS) },
    }),
  });
  return (await readMessages(response)).at(-1)!;
}

/** Reads a JSON or SSE response body into its JSON-RPC messages. */
export async function readMessages(response: Response): Promise<RawMessage[]> {
  const text = await response.text();
  if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
    return text.length > 0 ? [JSON.parse(text) as RawMessage] : [];
  }
  return parseSse(text);
}

export function parseSse(text: string): RawMessage[] {
  const out: RawMessage[] = [];
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).trimStart())
      .join("\n");
    if (data.length > 0) out.push(JSON.parse(data) as RawMessage);
  }
  return out;
}

/** Yields SSE messages as they arrive, so a test can answer a request mid-stream. */
export async function* streamSse(response: Response): AsyncGenerator<RawMessage> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let cut = buffer.search(/\r?\n\r?\n/);
    while (cut >= 0) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(buffer.indexOf("\n", cut + 1) + 1);
      yield* parseSse(`${event}\n\n`);
      cut = buffer.search(/\r?\n\r?\n/);
    }
  }
}
