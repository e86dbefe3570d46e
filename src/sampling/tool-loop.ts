import { FastMCPError } from "../errors.js";
import type { SamplingHost } from "./host.js";
import type { SampleInput } from "./sample.js";
import type { SampleOptions, SamplingResult } from "./types.js";

/** Placeholder until the tool loop lands (issue 5). */
export async function sampleWithTools(
  _host: SamplingHost,
  _ctx: unknown,
  _input: SampleInput,
  _options: SampleOptions<unknown>,
): Promise<SamplingResult<unknown>> {
  throw new FastMCPError("INVALID_ARGUMENT", "Sampling with tools is not available yet.");
}
