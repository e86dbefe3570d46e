// What ctx.sample and ctx.sampleStep run: messages → params → one round trip, or the tool loop
// around it (the tools themselves run in sampling-tools.ts); and the one shaping of the answer.
import { asBlocks, joinText } from "../content.js";
import { FastMCPError } from "../errors.js";
import { createFinalResponse, FINAL_RESPONSE_NUDGE, FINAL_RESPONSE_TOOL } from "./final-response.js";
import { type RoundTrip, roundTrip, type SamplingHost } from "./round-trip.js";
import { buildSamplingParams, toSamplingMessages } from "./sampling-params.js";
import {
  errorBlock,
  executeToolCalls,
  parseToolChoice,
  parseToolConcurrency,
  prepareTools,
  toolUses,
} from "./sampling-tools.js";
import { assertToolOrdering } from "./tool-ordering.js";
import type {
  AnyCreateMessageResult,
  SampleInput,
  SampleOptions,
  SampleStep,
  SampleStepOptions,
  SamplingAnswerer,
  SamplingMessage,
  SamplingResult,
  SamplingUsage,
  Tool,
  ToolChoiceMode,
  ToolResultContent,
  ToolUseContent,
} from "./types.js";
import { addUsage, usageFromMeta } from "./usage.js";

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
  const { response, via } = await roundTrip(host, params, options);
  return toSamplingResult(response, messages, via);
}

// Each iteration is one LLM request, often on the server owner's key: a bound that a runaway loop
// (or a client steering one) reaches quickly.
export const DEFAULT_MAX_ITERATIONS = 20;
/** Consecutive invalid `final_response` calls tolerated before giving up (the 4th fails). */
export const MAX_VALIDATION_RETRIES = 3;
/** Text answers (instead of `final_response`) tolerated before giving up (the 4th fails). */
export const MAX_TEXT_RETRIES = 3;

/**
 * `ctx.sample` with tools and/or a typed result: request, run the tools the LLM called, send
 * their results back as ONE user turn (one tool_result per tool_use), repeat until it answers.
 * With `result`, the answer is a `final_response` call validated against the schema; it is
 * never "executed", so an invalid one gets exactly one error tool_result (unlike Python FastMCP,
 * whose retry sent two results for one id — rejected by real clients and providers).
 */
export async function sampleWithTools(
  host: SamplingHost,
  input: SampleInput,
  options: SampleOptions<unknown>,
): Promise<SamplingResult<unknown>> {
  const requested = parseToolChoice(options.toolChoice);
  const concurrency = parseToolConcurrency(options.toolConcurrency);
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (!Number.isInteger(maxIterations) || maxIterations <= 0) {
    throw new FastMCPError(
      "INVALID_ARGUMENT",
      `maxIterations must be a positive integer, got ${maxIterations}.`,
    );
  }
  const final = options.result !== undefined ? createFinalResponse(options.result) : undefined;
  const prepared = prepareTools(options.tools, final?.tool);
  if (final === undefined && prepared.wire.length === 0) {
    // No tools and no typed result: toolChoice alone changes nothing (or cannot be met).
    effectiveToolChoice(requested, false);
    const { toolChoice: _dropped, ...plain } = options;
    return samplePlain(host, input, plain);
  }
  if (final !== undefined && requested === "none") {
    throw new FastMCPError(
      "INVALID_ARGUMENT",
      'toolChoice "none" cannot be combined with `result` (it needs a tool call).',
    );
  }
  let toolChoice = final !== undefined ? (requested ?? "required") : requested;
  const runner = {
    host,
    byName: prepared.byName,
    maskErrorDetails: options.maskErrorDetails ?? false,
    ...(options.exposeProviderErrors === true && { exposeProviderErrors: true }),
    concurrency,
  };
  let messages = toSamplingMessages(input);
  let textRetries = 0;
  let validationFailures = 0;
  let usage: SamplingUsage | undefined;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const { response, via } = await requestStep(host, messages, prepared.wire, toolChoice, options);
    usage = addUsage(usage, usageFromMeta(response._meta));
    const assistant: SamplingMessage = { role: "assistant", content: response.content };
    const calls = toolUses(asBlocks(response.content));
    if (calls.length === 0) {
      if (final === undefined) return toSamplingResult(response, messages, via, usage);
      if (++textRetries > MAX_TEXT_RETRIES) {
        throw new FastMCPError(
          "VALIDATION_FAILED",
          `Expected a typed result, but the LLM answered with text instead of calling the \`${FINAL_RESPONSE_TOOL}\` ` +
            `tool (${textRetries} attempts).`,
        );
      }
      validationFailures = 0;
      messages = [
        ...messages,
        assistant,
        { role: "user", content: { type: "text", text: FINAL_RESPONSE_NUDGE } },
      ];
      continue;
    }
    // A valid final_response ends the loop; other tools called in the same turn are not run.
    const rejected = new Map<ToolUseContent, ToolResultContent>();
    if (final !== undefined) {
      let lastError = "";
      for (const call of calls) {
        if (call.name !== FINAL_RESPONSE_TOOL) continue;
        const parsed = await final.parse(call.input);
        if (parsed.ok) return toSamplingResult(response, messages, via, usage, parsed);
        lastError = parsed.message;
        rejected.set(
          call,
          errorBlock(call.id, `Validation error: ${parsed.message}. Please try again with valid data.`),
        );
      }
      if (rejected.size === 0) validationFailures = 0;
      else if (++validationFailures > MAX_VALIDATION_RETRIES) {
        throw new FastMCPError(
          "VALIDATION_FAILED",
          `The LLM's ${FINAL_RESPONSE_TOOL} failed validation ${validationFailures} consecutive times: ${lastError}`,
        );
      }
    }
    if (iteration === maxIterations) break; // nobody would read these tools' results
    const toRun = calls.filter((call) => !rejected.has(call));
    const ran = await executeToolCalls(toRun, runner);
    let next = 0;
    const results = calls.map((call) => rejected.get(call) ?? ran[next++]!);
    messages = [...messages, assistant, { role: "user", content: results }];
    // "required" with plain tools forces the first call only, or the LLM could never answer.
    if (final === undefined && toolChoice === "required") toolChoice = "auto";
  }
  throw new FastMCPError(
    "ITERATIONS_EXCEEDED",
    `Sampling did not reach a final answer within maxIterations (${maxIterations}) LLM requests.`,
  );
}

/**
 * Shapes the final protocol answer into what `ctx.sample` returns; `messages` are those sent. With a
 * `typed` value, `result` is that value and `text` its JSON (and the only content block).
 */
export function toSamplingResult(
  response: AnyCreateMessageResult,
  messages: SamplingMessage[],
  via: SamplingAnswerer,
  usage?: SamplingUsage,
): SamplingResult<string>;
export function toSamplingResult(
  response: AnyCreateMessageResult,
  messages: SamplingMessage[],
  via: SamplingAnswerer,
  usage: SamplingUsage | undefined,
  typed: { value: unknown },
): SamplingResult<unknown>;
export function toSamplingResult(
  response: AnyCreateMessageResult,
  messages: SamplingMessage[],
  via: SamplingAnswerer,
  usage: SamplingUsage | undefined = usageFromMeta(response._meta),
  typed?: { value: unknown },
): SamplingResult<unknown> {
  const history: SamplingMessage[] = [...messages, { role: "assistant", content: response.content }];
  let content = asBlocks(response.content);
  let text: string;
  let value: unknown;
  if (typed === undefined) {
    text = joinText(content);
    value = text;
  } else {
    text = JSON.stringify(typed.value) ?? "null";
    content = [{ type: "text", text }];
    value = typed.value;
  }
  const result: SamplingResult<unknown> = {
    text,
    content,
    model: response.model,
    result: value,
    history,
    via,
  };
  if (response.stopReason !== undefined) result.stopReason = response.stopReason;
  if (usage !== undefined) result.usage = usage;
  if (response._meta !== undefined) result.meta = response._meta as Record<string, unknown>;
  return result;
}

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
