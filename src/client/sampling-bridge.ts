import type { Client as SdkClient } from "@modelcontextprotocol/client";
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { abortReason, linkSignals, raceAbort } from "../abort.js";
import { FastMCPError } from "../errors.js";
import { invokeHandler, toCreateMessageResult } from "../sampling/handler.js";
import { timeoutHintOf } from "../sampling/round-trip.js";
import { toolOrderingViolation } from "../sampling/tool-ordering.js";
import type { SamplingHandler, SamplingParams } from "../sampling/types.js";
import { reportingFailures } from "./call-errors.js";
import { jsonBytesOver } from "./json-size.js";
import { DEFAULT_MAX_SAMPLING_BYTES, type SampleGate } from "./sampling-limits.js";

export interface SamplingBridgeOptions {
  handler: SamplingHandler;
  toolsDeclared: boolean;
  /** Largest maxTokens this client grants; larger requests are capped to it. */
  maxTokensCap?: number;
  /** Sampling requests larger than this (JSON bytes) are refused before the handler runs. Default 8 MiB. */
  maxRequestBytes?: number;
  /** Handler results larger than this (JSON bytes) are refused instead of sent. Default 8 MiB. */
  maxResultBytes?: number;
  /** Bounds how many requests the handler answers at once (and how many wait). */
  gate?: SampleGate;
  serverName: () => string | undefined;
}

/**
 * Answers `sampling/createMessage` (pushed in 2025 sessions, or embedded in 2026-07-28
 * input_required rounds — the SDK routes both here) with the user's handler, after the checks
 * the spec puts on clients.
 */
export function installSamplingBridge(client: SdkClient, options: SamplingBridgeOptions): void {
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_SAMPLING_BYTES;
  const maxResultBytes = options.maxResultBytes ?? DEFAULT_MAX_SAMPLING_BYTES;
  client.setRequestHandler(
    "sampling/createMessage",
    reportingFailures(client, async (request, ctx) => {
      const params = request.params as SamplingParams;
      if (maxRequestBytes !== Number.POSITIVE_INFINITY) {
        const size = jsonBytesOver(params, maxRequestBytes);
        if (size !== undefined) {
          throw new ProtocolError(
            ProtocolErrorCode.InvalidParams,
            `Sampling request is ${size} bytes, over this client's limit of ${maxRequestBytes} (maxSamplingRequestBytes)`,
          );
        }
      }
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
      // A 2026-07-28 server is not waiting while we answer, so it sends its sample's bound along.
      // (The SDK moves a request's _meta from params to ctx.mcpReq._meta.)
      const hint = timeoutHintOf(ctx.mcpReq._meta ?? params._meta);
      // Link a signal only when there is a bound to add: an AbortController per request costs µs and GC.
      const bounded =
        hint === undefined
          ? undefined
          : linkSignals([ctx.mcpReq.signal], hint, `Sampling timed out after ${hint} ms`);
      const signal = bounded?.signal ?? ctx.mcpReq.signal;
      let release: (() => void) | undefined;
      try {
        // A free slot is taken at once (no promise, no microtask); otherwise wait for one.
        release = options.gate?.tryEnter() ?? (await options.gate?.enter(signal));
        const value = invokeHandler(options.handler, effective.messages, effective, {
          requestId: ctx.mcpReq.id,
          signal,
          side: "client",
          ...(serverName !== undefined && { serverName }),
        });
        // Stop waiting once the request is cancelled, even if the handler ignores its signal: on
        // 2026-07-28 the SDK holds the aborted callTool until every input handler has settled. A 2025
        // session holds nothing on it (a cancelled request's answer is dropped), so the race is skipped.
        // A handler that answered synchronously leaves nothing to wait for.
        if (!isPromiseLike(value) && signal.aborted) throw abortReason(signal);
        const settled = !isPromiseLike(value)
          ? value
          : client.getProtocolEra() === "legacy"
            ? await value
            : await raceAbort(Promise.resolve(value), signal);
        const withTools = effective.tools !== undefined || effective.toolChoice !== undefined;
        const result = toCreateMessageResult(settled, withTools);
        if (maxResultBytes !== Number.POSITIVE_INFINITY) {
          const size = jsonBytesOver(result, maxResultBytes);
          if (size !== undefined) {
            throw new FastMCPError(
              "INVALID_RESULT",
              `Sampling handler result is ${size} bytes, over this client's limit of ${maxResultBytes} (maxSamplingResultBytes)`,
            );
          }
        }
        return result;
      } finally {
        release?.();
        bounded?.dispose();
      }
    }),
  );
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
