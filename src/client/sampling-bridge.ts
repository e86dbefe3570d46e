import type { ClientContext, Client as SdkClient } from "@modelcontextprotocol/client";
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { abortReason, linkSignals, raceAbort } from "../abort.js";
import { FastMCPError } from "../errors.js";
import { invokeHandler, toCreateMessageResult } from "../sampling/handler.js";
import { timeoutHintOf } from "../sampling/round-trip.js";
import { toolOrderingViolation } from "../sampling/tool-ordering.js";
import type { AnyCreateMessageResult, SamplingHandler, SamplingParams } from "../sampling/types.js";
import { anyObject } from "../schema.js";
import { markSamplingFailure } from "./call-errors.js";
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
  const limits = {
    maxRequestBytes: options.maxRequestBytes ?? DEFAULT_MAX_SAMPLING_BYTES,
    maxResultBytes: options.maxResultBytes ?? DEFAULT_MAX_SAMPLING_BYTES,
  };
  const legacy = () => client.getProtocolEra() === "legacy";
  // Not an async function: a sample answered at once (a free slot, a synchronous handler) goes back
  // as a value, with no promise of ours and no microtask; the SDK's dispatch awaits it either way.
  client.setRequestHandler("sampling/createMessage", { params: CHECKED_BY_SDK }, (params, ctx) => {
    try {
      const answered = answer(options, limits, legacy, params as unknown as SamplingParams, ctx);
      if (!isPromiseLike(answered)) return answered;
      return answered.then(undefined, (error: unknown) => {
        throw markSamplingFailure(error, legacy());
      });
    } catch (error) {
      throw markSamplingFailure(error, legacy());
    }
  });
}

/** One sampling request answered by the user's handler, after the checks the spec puts on clients. */
function answer(
  options: SamplingBridgeOptions,
  limits: { maxRequestBytes: number; maxResultBytes: number },
  legacy: () => boolean,
  params: SamplingParams,
  ctx: ClientContext,
): AnyCreateMessageResult | Promise<AnyCreateMessageResult> {
  const { maxRequestBytes, maxResultBytes } = limits;
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
  const withTools = effective.tools !== undefined || effective.toolChoice !== undefined;
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
  const finish = (settled: unknown): AnyCreateMessageResult => {
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
  };
  const respond = (): AnyCreateMessageResult | Promise<AnyCreateMessageResult> => {
    const value = invokeHandler(options.handler, effective.messages, effective, {
      requestId: ctx.mcpReq.id,
      signal,
      side: "client",
      ...(serverName !== undefined && { serverName }),
    });
    if (!isPromiseLike(value)) {
      if (signal.aborted) throw abortReason(signal);
      return finish(value);
    }
    // Stop waiting once the request is cancelled, even if the handler ignores its signal: on
    // 2026-07-28 the SDK holds the aborted callTool until every input handler has settled. A 2025
    // session holds nothing on it (a cancelled request's answer is dropped), so the race is skipped.
    const settled = legacy() ? Promise.resolve(value) : raceAbort(Promise.resolve(value), signal);
    return settled.then(finish);
  };
  // A free slot is taken at once (no promise, no microtask); otherwise wait for one.
  let release = options.gate?.tryEnter();
  const done = () => {
    release?.();
    bounded?.dispose();
  };
  if (options.gate !== undefined && release === undefined) {
    return options.gate
      .enter(signal)
      .then((admitted) => {
        release = admitted;
        return respond();
      })
      .finally(done);
  }
  return withCleanup(respond, done);
}

/** `run`'s value, with `cleanup` run once it has settled (at once when `run` answered synchronously). */
function withCleanup<T>(run: () => T | Promise<T>, cleanup: () => void): T | Promise<T> {
  let value: T | Promise<T>;
  try {
    value = run();
  } catch (error) {
    cleanup();
    throw error;
  }
  if (!isPromiseLike(value)) {
    cleanup();
    return value;
  }
  return Promise.resolve(value).finally(cleanup);
}

/**
 * The SDK's client checks every sampling request against the spec's schema before the registered
 * handler runs (its `_wrapHandler`, on both eras, for pushed and embedded requests alike). Registered
 * with a handler alone, the request is parsed by that schema a second time (~2 µs per sample); with
 * this schema for its params, it is parsed once. The handler then gets the params as sent (a copy of
 * their top level), not zod's copy without the fields the spec does not name.
 */
const CHECKED_BY_SDK = anyObject("expected an object");

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
