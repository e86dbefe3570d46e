import type { CallToolResult, Client as SdkClient } from "@modelcontextprotocol/client";
import type { StandardSchemaV1 } from "@standard-schema/spec";

/** The era codec's result check, as the SDK's own `request()` runs it for a spec method. */
interface WireCodec {
  validateResult(
    method: string,
    value: unknown,
  ): { ok: true; value: unknown } | { ok: false; reason: string; message?: string };
}

/**
 * Gives the SDK client a `callTool` that, on a 2025 session, sends `tools/call` straight through
 * `request()`. The SDK's own `callTool` first looks in its response cache for a `tools/list` to
 * validate `structuredContent` against the tool's output schema, then has the era codec's zod
 * schemas walk the result: on an in-memory sampled call that was about a fifth of the whole call
 * (an async cache probe with three JSON encodings, and a union walk over every content type).
 *
 * It answers exactly as the SDK's would:
 * - only on a 2025 session (on 2026-07-28 the SDK also mirrors tool arguments into headers),
 *   without `toolDefinition`, and while nothing has listed tools on this connection — that cache
 *   is per client and only `listTools` fills it, so until then the SDK finds no output schema;
 *   once tools were listed every call is the SDK's own;
 * - a result of text blocks only gets the copy the SDK's schema would make; anything else is
 *   checked by the era codec itself, with its message.
 *
 * Installed on the instance before telemetry wraps `callTool`, so spans and `configureSdk` see one
 * method. An SDK without the codec accessor keeps its own `callTool`.
 */
export function installFastToolCall(client: SdkClient): void {
  const internals = client as unknown as { _wireCodec?: () => WireCodec };
  if (typeof internals._wireCodec !== "function") return;
  const codec = () => (internals._wireCodec as () => WireCodec).call(client);
  const sdkCallTool = client.callTool.bind(client);
  const sdkListTools = client.listTools.bind(client);
  let listed = false;
  client.listTools = (params, options) => {
    listed = true;
    return sdkListTools(params, options);
  };
  const schema = toolResultSchema(codec);
  client.callTool = (params, options) => {
    if (listed || options?.toolDefinition !== undefined || client.getProtocolEra() !== "legacy")
      return sdkCallTool(params, options);
    return client.request({ method: "tools/call", params }, schema, options);
  };
}

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
