import { asBlocks } from "../content.js";
import type {
  CreateMessageResultWithTools,
  SamplingHandlerFunction,
  SamplingMessage,
  SamplingMessageContentBlock,
  Tool,
} from "../sampling/types.js";

/**
 * The demo's built-in offline "LLM": a deterministic script, no network, clearly not a real model.
 * It lets `npm run demo` run end to end on a fresh clone with no API key: it calls each offered tool
 * once (arguments made up from the schema and the request's text), answers typed results through
 * `final_response` with values picked from the text, and answers plain requests with an extract.
 */
export const OFFLINE_MODEL = "offline-echo";
const FINAL_RESPONSE = "final_response";

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema of any shape, read field by field
type Schema = Record<string, any>;

export function createOfflineModel(): SamplingHandlerFunction {
  return (messages, params) => {
    const task = firstUserText(messages);
    const tools = params.tools ?? [];
    if (tools.length > 0 && params.toolChoice?.mode !== "none") {
      const call = nextToolCall(messages, tools, task);
      if (call !== undefined) {
        const content = [{ type: "tool_use" as const, id: `offline_${messages.length}`, ...call }];
        return {
          role: "assistant",
          content,
          model: OFFLINE_MODEL,
          stopReason: "toolUse",
        } as CreateMessageResultWithTools;
      }
    }
    const limit = Math.max(40, params.maxTokens * 4);
    const text = answerText(messages, `${params.systemPrompt ?? ""}\n${task}`).slice(0, limit);
    return {
      role: "assistant",
      content: { type: "text", text },
      model: OFFLINE_MODEL,
      stopReason: "endTurn",
    };
  };
}

const blocksOf = (message: SamplingMessage): SamplingMessageContentBlock[] => asBlocks(message.content);

function textOf(blocks: ReadonlyArray<{ type: string; text?: unknown; content?: unknown }>): string {
  return blocks
    .flatMap((block) =>
      block.type === "text"
        ? [String(block.text)]
        : block.type === "tool_result"
          ? [textOf(block.content as never[])]
          : [],
    )
    .join("\n");
}

function firstUserText(messages: SamplingMessage[]): string {
  const first = messages.find(
    (message) => message.role === "user" && blocksOf(message).some((block) => block.type === "text"),
  );
  return first === undefined ? "" : textOf(blocksOf(first));
}

function toolResultsText(messages: SamplingMessage[]): string {
  return messages
    .flatMap(blocksOf)
    .filter((block) => block.type === "tool_result")
    .map((block) => textOf([block]))
    .join("\n");
}

/** Each offered tool once, in order; then `final_response` when a typed result is wanted. */
function nextToolCall(messages: SamplingMessage[], tools: Tool[], task: string) {
  const called = new Set(
    messages.flatMap(blocksOf).flatMap((block) => (block.type === "tool_use" ? [block.name] : [])),
  );
  const source = `${task}\n${toolResultsText(messages)}`;
  const next = tools.find((tool) => tool.name !== FINAL_RESPONSE && !called.has(tool.name));
  const chosen = next ?? tools.find((tool) => tool.name === FINAL_RESPONSE);
  if (chosen === undefined) return undefined;
  const input = synthesize(chosen.inputSchema, chosen.name, source, chosen.inputSchema) as Record<
    string,
    unknown
  >;
  return { name: chosen.name, input: typeof input === "object" && input !== null ? input : {} };
}

/** A value that fits `schema`, taken from `text` where the property name says what to look for. */
export function synthesize(schema: Schema | undefined, name: string, text: string, root: Schema): unknown {
  if (schema === undefined || typeof schema !== "object") return firstSentence(text);
  if (typeof schema.$ref === "string") {
    const key = schema.$ref.split("/").pop() ?? "";
    return synthesize(root.$defs?.[key] ?? root.definitions?.[key], name, text, root);
  }
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return pickEnum(schema.enum, text);
  const options = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(options)) {
    const option = options.find((candidate: Schema) => candidate?.type !== "null") ?? options[0];
    return synthesize(option, name, text, root);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== "null") : schema.type;
  if (type === "object" || (type === undefined && schema.properties !== undefined)) {
    const out: Record<string, unknown> = {};
    for (const [key, property] of Object.entries<Schema>(schema.properties ?? {})) {
      out[key] = synthesize(property, key, text, root);
    }
    return out;
  }
  if (type === "array") return [synthesize(schema.items, name.replace(/s$/, ""), text, root)];
  if (type === "boolean") return false;
  if (type === "number" || type === "integer") {
    let value = /confidence|probability|score/i.test(name)
      ? 0.5
      : Number(/-?\d+(?:\.\d+)?/.exec(text)?.[0] ?? 0);
    if (typeof schema.maximum === "number") value = Math.min(value, schema.maximum);
    if (typeof schema.minimum === "number") value = Math.max(value, schema.minimum);
    return type === "integer" ? Math.round(value) : value;
  }
  return stringFor(name, String(schema.format ?? ""), text);
}

const PATTERNS: Array<[RegExp, RegExp]> = [
  [/e-?mail/i, /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/],
  [/phone|tel/i, /\+?\d[\d ().-]{6,}\d/],
  [/url|link|website/i, /https?:\/\/\S+/],
  [/date/i, /\d{4}-\d{2}-\d{2}/],
  [/^(full_?)?name$|person|contact/i, /(?:I'm|I am|my name is|this is)\s+([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)*)/],
  [/company|organi[sz]ation|org$|employer/i, /\b(?:from|at|with)\s+([A-Z][\w&-]*(?:\s+[A-Z][\w&-]*)*)/],
  [/topic|subject/i, /\babout\s+([^.?!\n]+)/],
];

function stringFor(name: string, format: string, text: string): string {
  for (const [key, pattern] of PATTERNS) {
    if (!key.test(name) && !key.test(format)) continue;
    const match = pattern.exec(text);
    if (match !== null) return (match[1] ?? match[0]).trim();
  }
  if (/expression|formula/i.test(name)) {
    const numbers = [...text.matchAll(/\d[\d,]*(?:\.\d+)?/g)]
      .map((m) => Number(m[0].replaceAll(",", "")))
      .filter((n) => n >= 10);
    // The two largest figures found so far: good enough for "how many more" questions.
    const [first, second] = numbers.sort((a, b) => b - a);
    if (first !== undefined && second !== undefined) return `${first} - ${second}`;
  }
  if (/query|topic|question|search|input|text|subject/i.test(name))
    return (
      text
        .split("\n")
        .find((line) => line.trim() !== "")
        ?.trim() ?? text
    );
  return `(offline) ${firstSentence(text)}`;
}

const SYNONYMS: Record<string, string[]> = {
  bug: ["crash", "error", "broken", "fails", "exception", "does not work", "doesn't work"],
  feature: ["would like", "please add", "could you add", "wish", "support for"],
  question: ["how do", "how can", "what is", "why does", "is there a way"],
  praise: ["love", "great", "thank", "awesome", "excellent"],
  positive: ["love", "great", "good", "happy", "excellent"],
  negative: ["bad", "hate", "angry", "broken", "crash", "terrible"],
  urgent: ["asap", "urgent", "immediately", "outage", "down"],
};

/** The enum value whose words (and their synonyms) occur most in the text; ties go to the first. */
function pickEnum(values: unknown[], text: string): unknown {
  const lower = text.toLowerCase();
  let best = values[0];
  let bestScore = 0;
  for (const value of values) {
    const words = String(value)
      .toLowerCase()
      .split(/[\s_-]+/);
    const keywords = words
      .flatMap((word) => [word, ...(SYNONYMS[word] ?? [])])
      .filter((word) => word.length > 2);
    const score = keywords.reduce((sum, keyword) => sum + (lower.includes(keyword) ? 1 : 0), 0);
    if (score > bestScore) {
      best = value;
      bestScore = score;
    }
  }
  return best;
}

function firstSentence(text: string): string {
  const line = text.split("\n").find((candidate) => candidate.trim() !== "") ?? "";
  const sentence = /^.*?[.!?](?=\s|$)/.exec(line.trim())?.[0] ?? line.trim();
  return sentence.length > 120 ? `${sentence.slice(0, 117)}…` : sentence;
}

/** A plain answer: tool findings when tools ran, an extract for summaries, else an echo. */
function answerText(messages: SamplingMessage[], instructions: string): string {
  const findings = toolResultsText(messages);
  if (findings !== "") return `[offline echo model] From the tools: ${findings.replace(/\s*\n\s*/g, "; ")}`;
  const task = firstUserText(messages);
  if (/summar/i.test(instructions)) {
    // The document is what follows the instruction line: keep its first prose sentences.
    const prose = task
      .replace(/```[\s\S]*?```/g, "")
      .split("\n")
      .slice(1)
      .map((line) => line.trim())
      .filter((line) => line !== "" && !/^(#|[-*|>]|\d+\.)/.test(line))
      .join(" ")
      .replace(/[*_`]/g, "");
    const sentences =
      prose
        .match(/\S.*?[.!?](?=\s|$)/g)
        ?.slice(0, 2)
        .join(" ")
        .replace(/\s+/g, " ") ?? firstSentence(prose);
    return `[offline echo model] ${sentences}`;
  }
  return `[offline echo model] You asked: "${firstSentence(task)}"`;
}
