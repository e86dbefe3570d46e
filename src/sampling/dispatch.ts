import { type ClientCapabilities, MissingRequiredClientCapabilityError } from "@modelcontextprotocol/server";
import { FastMCPError } from "../errors.js";

export type SamplingHandlerBehavior = "fallback" | "always";

export const NO_SAMPLING = "Client does not support sampling";
export const NO_SAMPLING_TOOLS = "Client does not support sampling with tools (sampling.tools capability)";
/** Follows the pinned text: how to declare it with our Client (the first thing a user of it needs). */
export const NO_SAMPLING_TOOLS_HINT =
  " — with a fastmcp-ts Client, pass samplingCapabilities: { tools: true } beside the samplingHandler";

export interface DispatchInput {
  behavior: SamplingHandlerBehavior;
  hasServerHandler: boolean;
  clientCapabilities: ClientCapabilities | undefined;
  needsTools: boolean;
  era: "legacy" | "modern";
}

/**
 * Who answers a sample: "always" → the server's handler; "fallback" → the client when it declared
 * sampling (and sampling.tools when tools are given), else the server's handler, else an error.
 * On 2026-07-28 the error is the spec's -32021 so the client learns which capability to declare.
 */
export function chooseAnswerer(input: DispatchInput): "client" | "server" {
  if (input.behavior === "always") return "server";
  const sampling = input.clientCapabilities?.sampling;
  const clientCan = sampling !== undefined && (!input.needsTools || sampling.tools !== undefined);
  if (clientCan) return "client";
  if (input.hasServerHandler) return "server";
  const missingTools = sampling !== undefined && input.needsTools;
  if (input.era === "modern") {
    const required = missingTools ? { sampling: { tools: {} } } : { sampling: {} };
    throw new MissingRequiredClientCapabilityError(
      { requiredCapabilities: required },
      missingTools ? NO_SAMPLING_TOOLS + NO_SAMPLING_TOOLS_HINT : NO_SAMPLING,
    );
  }
  throw new FastMCPError(
    "CAPABILITY_MISSING",
    missingTools ? NO_SAMPLING_TOOLS + NO_SAMPLING_TOOLS_HINT : NO_SAMPLING,
  );
}
