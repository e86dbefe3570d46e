import { asBlocks, joinText } from "../content.js";
import { FastMCPError } from "../errors.js";
import { type RoundTrip, roundTrip, type SamplingHost } from "./round-trip.js";
import { buildSamplingParams, toSamplingMessages } from "./sampling-params.js";
import {
  executeToolCalls,
  parseToolChoice,
  parseToolConcurrency,
  prepareTools,
  toolUses,
} from "./sampling-tools.js";
import { assertToolOrdering } from "./tool-ordering.js";
import type {
  SampleInput,
  SampleOptions,
  SampleStep,
  SampleStepOptions,
  SamplingMessage,
  Tool,
  ToolChoiceMode,
  ToolResultContent,
} from "./types.js";
import { usageFromMeta } from "./usage.js";

/**
 * One `sampling/createMessage` of a tool exchange. The messages are checked against the spec's
 * tool_use/tool_result rules first, so a bad history fails here with a clear error rather than
 * as the client's -32602 (or a provider's 400).
 */
export async function requestStep(
  host: SamplingHost,
  messages: SamplingMessage[],
  tools: Tool[],
  toolChoice: ToolChoiceMode | undefined,
  options: SampleOptions<unknown> | SampleStepOptions,
): Promise<RoundTrip> {
  assertToolOrdering(messages);
  const choice = toolChoice === undefined ? undefined : { mode: toolChoice };
  const params = buildSamplingParams(messages, options as SampleOptions<unknown>, tools, choice);
  return roundTrip(host, params, options);
}

/** `toolChoice` without tools: "auto"/"none" mean nothing and are dropped; "required" cannot be met. */
export function effectiveToolChoice(
  choice: ToolChoiceMode | undefined,
  hasTools: boolean,
): ToolChoiceMode | undefined {
  if (hasTools) return choice;
  if (choice === "required") {
    throw new FastMCPError("INVALID_ARGUMENT", 'toolChoice "required" needs at least one tool in `tools`.');
  }
  return undefined;
}

/** `ctx.sampleStep`: exactly one LLM request, then (by default) the tools it called. Stateless. */
export async function sampleStep(
  host: SamplingHost,
  input: SampleInput,
  options: SampleStepOptions = {},
): Promise<SampleStep> {
  const concurrency = parseToolConcurrency(options.toolConcurrency);
  const prepared = prepareTools(options.tools);
  const toolChoice = effectiveToolChoice(parseToolChoice(options.toolChoice), prepared.wire.length > 0);
  const messages = toSamplingMessages(input);
  const { response, via } = await requestStep(host, messages, prepared.wire, toolChoice, options);
  const blocks = asBlocks(response.content);
  const toolCalls = toolUses(blocks);
  const history: SamplingMessage[] = [...messages, { role: "assistant", content: response.content }];
  let toolResults: ToolResultContent[] = [];
  if (toolCalls.length > 0 && options.executeTools !== false) {
    toolResults = await executeToolCalls(toolCalls, {
      host,
      byName: prepared.byName,
      maskErrorDetails: options.maskErrorDetails ?? false,
      ...(options.exposeProviderErrors === true && { exposeProviderErrors: true }),
      concurrency,
    });
    history.push({ role: "user", content: toolResults });
  }
  const usage = usageFromMeta(response._meta);
  return {
    response,
    history,
    isToolUse: toolCalls.length > 0,
    toolCalls,
    toolResults,
    text: joinText(blocks),
    via,
    ...(usage !== undefined && { usage }),
  };
}
