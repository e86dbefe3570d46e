import { type Client as SdkClient, ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/client";
import { runSamplingHandler } from "../sampling/handler.js";
import { toolOrderingViolation } from "../sampling/tool-ordering.js";
import type { SamplingHandler, SamplingParams } from "../sampling/types.js";

export interface SamplingBridgeOptions {
  handler: SamplingHandler;
  toolsDeclared: boolean;
  /** Largest maxTokens this client grants; larger requests are capped to it. */
  maxTokensCap?: number;
  serverName: () => string | undefined;
}

/**
 * Answers `sampling/createMessage` (pushed in 2025 sessions, or embedded in 2026-07-28
 * input_required rounds — the SDK routes both here) with the user's handler, after the checks
 * the spec puts on clients.
 */
export function installSamplingBridge(client: SdkClient, options: SamplingBridgeOptions): void {
  client.setRequestHandler("sampling/createMessage", async (request, ctx) => {
    const params = request.params as SamplingParams;
    if ((params.tools !== undefined || params.toolChoice !== undefined) && !options.toolsDeclared) {
      // Spec: the client MUST reject tools it did not declare; the handler never sees them.
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        "Sampling request includes tools, but this client did not declare the sampling.tools capability",
      );
    }
    const violation = toolOrderingViolation(params.messages);
    if (violation !== undefined) throw new ProtocolError(ProtocolErrorCode.InvalidParams, violation);
    const cap = options.maxTokensCap;
    const effective = cap !== undefined && params.maxTokens > cap ? { ...params, maxTokens: cap } : params;
    const serverName = options.serverName();
    return runSamplingHandler(options.handler, effective, {
      requestId: ctx.mcpReq.id,
      signal: ctx.mcpReq.signal,
      side: "client",
      ...(serverName !== undefined && { serverName }),
    });
  });
}
