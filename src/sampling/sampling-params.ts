import { ModelPreferencesSchema } from "@modelcontextprotocol/core";
import { FastMCPError } from "../errors.js";
import { firstIssue } from "../schema.js";
import type { ModelPreferences, SampleOptions, SamplingMessage, SamplingParams, Tool } from "./types.js";

export const DEFAULT_MAX_TOKENS = 512;

/** A string is one user message; in a list, strings become user messages and messages pass unchanged. */
export function toSamplingMessages(
  input: string | ReadonlyArray<string | SamplingMessage>,
): SamplingMessage[] {
  if (typeof input === "string") return [userText(input)];
  if (!Array.isArray(input)) {
    throw new FastMCPError(
      "INVALID_ARGUMENT",
      "ctx.sample messages must be a string or an array of strings and { role, content } messages.",
    );
  }
  return input.map((item, index) => {
    if (typeof item === "string") return userText(item);
    if (typeof item === "object" && item !== null && "role" in item && "content" in item) return item;
    throw new FastMCPError(
      "INVALID_ARGUMENT",
      `ctx.sample messages[${index}] must be a string or a { role, content } message.`,
    );
  });
}

function userText(text: string): SamplingMessage {
  return { role: "user", content: { type: "text", text } };
}

/** A string is one hint, a list is hints in order, an object passes through unchanged. */
export function parseModelPreferences(value: unknown): ModelPreferences | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return { hints: [{ name: value }] };
  if (Array.isArray(value)) {
    if (!value.every((hint) => typeof hint === "string")) {
      throw new FastMCPError("INVALID_ARGUMENT", "All elements of modelPreferences list must be strings.");
    }
    return { hints: value.map((name) => ({ name })) };
  }
  if (typeof value === "object") {
    const parsed = ModelPreferencesSchema.safeParse(value);
    if (parsed.success) return value as ModelPreferences;
    const issue = firstIssue(parsed.error);
    throw new FastMCPError(
      "INVALID_ARGUMENT",
      `modelPreferences is not a valid ModelPreferences object${issue.at}: ${issue.message ?? "unknown problem"}. ` +
        "Expected { hints?: [{ name }], costPriority?, speedPriority?, intelligencePriority? } (priorities 0..1).",
    );
  }
  throw new FastMCPError(
    "INVALID_ARGUMENT",
    "modelPreferences must be a string, a list of strings, or a ModelPreferences object.",
  );
}

/** Builds the wire params of one `sampling/createMessage` request; absent options stay absent. */
export function buildSamplingParams(
  messages: SamplingMessage[],
  options: SampleOptions<unknown>,
  tools?: Tool[],
  toolChoice?: SamplingParams["toolChoice"],
): SamplingParams {
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  if (!Number.isInteger(maxTokens) || maxTokens <= 0) {
    throw new FastMCPError("INVALID_ARGUMENT", `maxTokens must be a positive integer, got ${maxTokens}.`);
  }
  const params: SamplingParams = { messages, maxTokens };
  if (options.systemPrompt !== undefined) params.systemPrompt = options.systemPrompt;
  if (options.temperature !== undefined) params.temperature = options.temperature;
  const preferences = parseModelPreferences(options.modelPreferences);
  if (preferences !== undefined) params.modelPreferences = preferences;
  if (options.includeContext !== undefined) params.includeContext = options.includeContext;
  if (options.stopSequences !== undefined) params.stopSequences = options.stopSequences;
  if (options.metadata !== undefined) params.metadata = options.metadata as SamplingParams["metadata"];
  if (tools !== undefined && tools.length > 0) params.tools = tools;
  if (toolChoice !== undefined) params.toolChoice = toolChoice;
  return params;
}
