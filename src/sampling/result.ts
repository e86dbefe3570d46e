import type { AnyCreateMessageResult } from "./handler.js";
import { contentBlocks, joinText } from "./normalize.js";
import type { SamplingMessage, SamplingResult } from "./types.js";
import { usageFromMeta } from "./usage.js";

/** Shapes a protocol result into what `ctx.sample` returns. */
export function toSamplingResult(
  response: AnyCreateMessageResult,
  messages: SamplingMessage[],
  via: "client" | "server",
): SamplingResult<string> {
  const content = contentBlocks(response.content);
  const text = joinText(content);
  const history: SamplingMessage[] = [...messages, { role: "assistant", content: response.content }];
  const result: SamplingResult<string> = { text, content, model: response.model, result: text, history, via };
  if (response.stopReason !== undefined) result.stopReason = response.stopReason;
  if (response._meta !== undefined) {
    result.meta = response._meta as Record<string, unknown>;
    const usage = usageFromMeta(response._meta);
    if (usage !== undefined) result.usage = usage;
  }
  return result;
}
