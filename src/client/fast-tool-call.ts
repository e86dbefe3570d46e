import type { CallToolResult, Client as SdkClient } from "@modelcontextprotocol/client";
// The SDK brands its error classes: the server package's (always loaded) match the client's errors.
import { ProtocolError } from "@modelcontextprotocol/server";
import type { StandardSchemaV1 } from "@standard-schema/spec";

/** The era codec's result check, as the SDK's own `request()` runs it for a spec method. */
interface WireCodec {
  validateResult(
    method: string,
    value: unknown,
  ): { ok: true; value: unknown } | { ok: false; reason: string; message?: string };
}

/**
 * Gives the SDK client a `callTool` that sends `tools/call` straight through `request()` while
 * nothing has listed tools on this connection. The SDK's own `callTool` first looks in its response
 * cache for a `tools/list` (an async two-probe lookup with three JSON encodings): for the tool's
 * output schema, and on 2026-07-28 for the arguments it mirrors into Mcp-Param-* headers. That
 * cache is per client and only `listTools` fills it, so until then it finds nothing and the call
 * is exactly `request()` with the era codec's check. On an in-memory sampled call the probe and
 * the codec's zod walk of the result were about a fifth of the 2025 call.
 *
 * It answers as the SDK's would:
 * - once tools were listed (through our Client or the SDK client), or with a `toolDefinition`,
 *   every call is the SDK's own;
 * - a result of text blocks only gets the copy the SDK's schema would make (an SDK server's
 *   2026-07-28 results also carry a `_meta`, so they go on); anything else is checked by the era
 *   codec itself, with its message;
 * - on 2026-07-28 a call refused for missing Mcp-Param-* headers goes to the SDK's `callTool`, which
 *   lists tools and mirrors them, as it would have.
 *
 * Installed on the instance before telemetry wraps `callTool`, so spans and `configureSdk` see one
 * method. An SDK without the codec accessor keeps its own `callTool`.
 */
export function installFastToolCall(client: SdkClient): void {
  const wireCodec = (client as unknown as { _wireCodec?: () => WireCodec })._wireCodec;
  if (typeof wireCodec !== "function") return;
  const codec = wireCodec.bind(client);
  const sdkCallTool = client.callTool.bind(client);
  const sdkListTools = client.listTools.bind(client);
  let listed = false;
  client.listTools = (params, options) => {
    listed = true;
    return sdkListTools(params, options);
  };
  const schema = toolResultSchema(codec);
  client.callTool = (params, options) => {
    if (listed || options?.toolDefinition !== undefined) return sdkCallTool(params, options);
    const sent = client.request({ method: "tools/call", params }, schema, options);
    if (client.getProtocolEra() === "legacy") return sent;
    // 2026-07-28 over HTTP: a tool that declares `x-mcp-header` arguments is refused without their
    // Mcp-Param-* headers (-32020). The SDK's callTool recovers by listing tools and mirroring them
    // (its first try, also without headers, is refused the same way): it takes such a call over.
    return sent.catch((error: unknown) => {
      if (!(error instanceof ProtocolError && error.code === HEADER_MISMATCH)) throw error;
      return sdkCallTool(params, options);
    });
  };
}

/** SEP-2243's HeaderMismatch: the request's Mcp-Param-* headers and its arguments disagree. */
const HEADER_MISMATCH = -32020;

function toolResultSchema(codec: () => WireCodec): StandardSchemaV1<unknown, CallToolResult> {
  return {
    "~standard": {
      version: 1,
      vendor: "fastmcp-ts",
      validate(value) {
        const plain = textOnlyResult(value);
        if (plain !== undefined) return { value: plain };
        const outcome = codec().validateResult("tools/call", value);
        if (outcome.ok) return { value: outcome.value as CallToolResult };
        const message = outcome.reason === "invalid" ? outcome.message : undefined;
        return { issues: [{ message: message ?? "not-in-era: tools/call" }] };
      },
    },
  };
}

/**
 * `{ content: [{ type: "text", text }…], isError? }` and nothing else, copied as the SDK's zod
 * schema copies it (fresh objects, its key order); undefined for any other value.
 */
export function textOnlyResult(value: unknown): CallToolResult | undefined {
  if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype)
    return undefined;
  const result = value as Record<string, unknown>;
  let keys = 0;
  for (const key in result) {
    if (key !== "content" && key !== "isError") return undefined;
    keys++;
  }
  const { content, isError } = result;
  if (!Array.isArray(content) || (isError !== undefined && typeof isError !== "boolean")) return undefined;
  // `isError: undefined` is a key zod keeps; leave such a value to the schema.
  if (keys !== (isError === undefined ? 1 : 2)) return undefined;
  const blocks: Array<{ type: "text"; text: string }> = [];
  for (let i = 0; i < content.length; i++) {
    const block = content[i] as Record<string, unknown> | undefined;
    if (typeof block !== "object" || block === null || Object.getPrototypeOf(block) !== Object.prototype)
      return undefined;
    for (const key in block) if (key !== "type" && key !== "text") return undefined;
    if (block.type !== "text" || typeof block.text !== "string") return undefined;
    blocks.push({ type: "text", text: block.text });
  }
  return isError === undefined ? { content: blocks } : { content: blocks, isError };
}
