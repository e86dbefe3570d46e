/**
 * The demo server: every tool needs an LLM, which it asks through `ctx.sample` — the connected
 * client's model (sampling), whichever that is. `fastmcp-ts demo` runs it; it ships built as
 * dist/cli/demo-server.mjs so the demo works from the installed package. Serve it yourself with
 *   npx fastmcp-ts run node_modules/fastmcp-ts/dist/cli/demo-server.mjs [--transport http]
 * (in a clone of the repository: npx tsx src/cli/main.ts run src/cli/demo-server.ts).
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { asBlocks } from "../content.js";
import { FastMCP, type SamplingTool, ToolError } from "../index.js";

export const server = new FastMCP({
  name: "demo-server",
  version: "1.0.0",
  instructions: "Tools that ask your LLM: summarize_file, classify, extract_fields, research.",
});

/** Files are read only under the directory the server runs in. */
const ROOT = process.cwd();

server.tool({
  name: "summarize_file",
  description:
    "Reads a text file (under the server's working directory) and asks the LLM for a short summary",
  parameters: z.object({
    path: z.string().describe("File path relative to the server's working directory, e.g. README.md"),
    sentences: z.number().int().min(1).max(10).default(3).describe("Longest summary, in sentences"),
  }),
  execute: async ({ path, sentences }, ctx) => {
    const file = resolve(ROOT, path);
    const inside = relative(ROOT, file);
    if (inside.startsWith("..") || isAbsolute(inside))
      throw new ToolError(`Only files under ${ROOT} can be read.`);
    const text = await readFile(file, "utf8").catch(() => {
      throw new ToolError(`Cannot read ${path}.`);
    });
    await ctx.reportProgress(1, 2, "file read, asking the LLM");
    const summary = await ctx.sample(
      `Summarize this file (${inside}) in at most ${sentences} sentences.\n\n${text.slice(0, 12_000)}`,
      {
        systemPrompt: "You write short, factual summaries in plain prose.",
        maxTokens: 300,
        temperature: 0.2,
      },
    );
    return summary.text;
  },
});

const Category = z.enum(["bug report", "feature request", "question", "praise"]);

server.tool({
  name: "classify",
  description: "Classifies a customer message; the LLM must answer with one of four labels (a typed result)",
  parameters: z.object({ text: z.string().describe("The customer's message") }),
  execute: async ({ text }, ctx) => {
    // `result` makes the LLM answer through a `final_response` tool, validated against the schema.
    const { result } = await ctx.sample(`Classify this customer message.\n\n${text}`, {
      systemPrompt: "You triage customer messages for a software product.",
      result: Category,
      maxTokens: 200,
    });
    return { category: result };
  },
});

const Contact = z.object({
  name: z.string().describe("The sender's full name"),
  email: z.string().describe("Email address, or an empty string"),
  phone: z.string().describe("Phone number, or an empty string"),
  company: z.string().describe("The sender's company, or an empty string"),
  topic: z.string().describe("What the message is about, in a few words"),
});

server.tool({
  name: "extract_fields",
  description: "Extracts contact fields from free text as a validated object (a typed result)",
  parameters: z.object({ text: z.string() }),
  execute: async ({ text }, ctx) => {
    const { result } = await ctx.sample(
      `Extract the sender's contact details from this message.\n\n${text}`,
      {
        result: Contact,
        maxTokens: 400,
      },
    );
    return result;
  },
});

const FACTS: Record<string, string> = {
  iceland: "Iceland: population about 387,800; capital Reykjavik; area 103,000 km2.",
  luxembourg: "Luxembourg: population about 672,000; capital Luxembourg City; area 2,586 km2.",
  malta: "Malta: population about 542,000; capital Valletta; area 316 km2.",
  estonia: "Estonia: population about 1,374,000; capital Tallinn; area 45,335 km2.",
};

const lookupFact: SamplingTool<{ topic: string }> = {
  name: "lookup_fact",
  description: `Looks up facts about countries (known: ${Object.keys(FACTS).join(", ")}); name one or more in the topic`,
  parameters: z.object({ topic: z.string() }),
  execute: ({ topic }) => {
    const found = Object.entries(FACTS).filter(([key]) => topic.toLowerCase().includes(key));
    if (found.length === 0)
      throw new ToolError(`No facts about "${topic}". Known: ${Object.keys(FACTS).join(", ")}.`);
    return found.map(([, fact]) => fact).join("\n");
  },
};

const calculate: SamplingTool<{ expression: string }> = {
  name: "calculate",
  description: "Evaluates arithmetic: numbers, + - * / and parentheses",
  parameters: z.object({ expression: z.string() }),
  execute: ({ expression }) => String(evaluate(expression)),
};

server.tool({
  name: "research",
  description: "Answers a question by letting the LLM call tools (lookup_fact, calculate) in a loop",
  parameters: z.object({ question: z.string() }),
  execute: async ({ question }, ctx) => {
    const answer = await ctx.sample(question, {
      systemPrompt: "Use the tools to look facts up and to compute; then answer in one or two sentences.",
      tools: [lookupFact, calculate],
      maxTokens: 400,
    });
    const calls = answer.history.flatMap((message) =>
      asBlocks(message.content).flatMap((block) => (block.type === "tool_use" ? [block.name] : [])),
    );
    return `${answer.text}\n\n(tool calls: ${calls.length > 0 ? calls.join(", ") : "none"})`;
  },
});

server.resource({
  uri: "demo://facts",
  name: "facts",
  description: "The facts lookup_fact knows",
  mimeType: "text/plain",
  read: () => Object.values(FACTS).join("\n"),
});

server.prompt({
  name: "triage",
  description: "Asks for a triage of a customer message",
  parameters: z.object({ message: z.string() }),
  render: ({ message }) => `Triage this customer message and suggest a reply:\n\n${message}`,
});

/** A small arithmetic evaluator (never `eval`): + - * / and parentheses over decimal numbers. */
export function evaluate(expression: string): number {
  const tokens = expression.replaceAll(",", "").match(/\d+(?:\.\d+)?|[-+*/()]|\S/g) ?? [];
  let position = 0;
  const peek = () => tokens[position];
  const fail = (): never => {
    throw new ToolError(`Cannot evaluate "${expression}": use numbers, + - * / and parentheses.`);
  };
  const primary = (): number => {
    const token = tokens[position++] ?? fail();
    if (token === "(") {
      const value = sum();
      if (tokens[position++] !== ")") fail();
      return value;
    }
    if (token === "-") return -primary();
    return /^\d/.test(token) ? Number(token) : fail();
  };
  const product = (): number => {
    let value = primary();
    while (peek() === "*" || peek() === "/")
      value = tokens[position++] === "*" ? value * primary() : value / primary();
    return value;
  };
  const sum = (): number => {
    let value = product();
    while (peek() === "+" || peek() === "-")
      value = tokens[position++] === "+" ? value + product() : value - product();
    return value;
  };
  const value = sum();
  if (position !== tokens.length) fail();
  return value;
}

export default server;

// Run directly (`node dist/cli/demo-server.mjs`, `tsx src/cli/demo-server.ts`): serve on stdio.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  await server.run();
