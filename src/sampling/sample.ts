import type { SamplingHost } from "./host.js";
import { buildSamplingParams, toSamplingMessages } from "./normalize.js";
import { toSamplingResult } from "./result.js";
import { assertToolOrdering } from "./tool-ordering.js";
import type { SampleOptions, SamplingMessage, SamplingResult } from "./types.js";

export type SampleInput = string | ReadonlyArray<string | SamplingMessage>;

/** `ctx.sample` without tools or a typed result: one request, one answer. */
export async function samplePlain(
  host: SamplingHost,
  input: SampleInput,
  options: SampleOptions<unknown>,
): Promise<SamplingResult<string>> {
  const messages = toSamplingMessages(input);
  // A hand-written history may carry tool blocks: fail here, not as the client's -32602.
  assertToolOrdering(messages);
  const params = buildSamplingParams(messages, options);
  const { response, via } = await host.createMessage(params, options);
  return toSamplingResult(response, messages, via);
}
