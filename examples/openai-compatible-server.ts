// A server that brings its own LLM: every `ctx.sample` goes to an OpenAI-compatible endpoint
// (Ollama by default; vLLM, LM Studio, llama.cpp, OpenRouter or OpenAI itself work the same way).
// This is the 2026-07-28 spec's migration advice for sampling: call a provider from the server.
//
// Run (stdio):  npx tsx examples/openai-compatible-server.ts
//   OPENAI_BASE_URL  endpoint ending in /v1        (default http://127.0.0.1:11434/v1, Ollama)
//   OPENAI_API_KEY   key, if the endpoint wants one (Ollama ignores it)
//   MODEL            default model                 (default llama3.2:3b)
//   MODELS           comma-separated names that modelPreferences hints may pick (default: MODEL)
// Try it:  npx tsx src/cli/main.ts call examples/openai-compatible-server.ts ask '{"question":"Why is the sky blue?"}'
import OpenAI from "openai";
import { z } from "zod";
import { OpenAISamplingHandler } from "../src/handlers/openai.js";
import { FastMCP } from "../src/index.js";

const defaultModel = process.env.MODEL ?? "llama3.2:3b";
const models = (process.env.MODELS ?? defaultModel)
  .split(",")
  .map((name) => name.trim())
  .filter((name) => name !== "");

const samplingHandler = new OpenAISamplingHandler({
  defaultModel,
  models,
  client: new OpenAI({
    baseURL: process.env.OPENAI_BASE_URL ?? "http://127.0.0.1:11434/v1",
    apiKey: process.env.OPENAI_API_KEY ?? "not-needed-for-local-servers",
    maxRetries: 0,
  }),
  // Local servers reliably take `max_tokens`; drop this line for OpenAI's reasoning models,
  // which want the default `max_completion_tokens`.
  maxTokensField: "max_tokens",
});

export const server = new FastMCP({
  name: "openai-compatible",
  version: "1.0.0",
  samplingHandler,
  // "always": the server's own model answers even when the client could sample.
  samplingHandlerBehavior: "always",
});

server.tool({
  name: "ask",
  description: "Answers a question with the server's own LLM",
  parameters: z.object({ question: z.string() }),
  execute: async ({ question }, ctx) =>
    (await ctx.sample(question, { systemPrompt: "Answer in at most three sentences.", maxTokens: 300 })).text,
});

server.tool({
  name: "translate",
  description: "Translates text; `model` is a hint such as 'qwen' matched against MODELS",
  parameters: z.object({ text: z.string(), language: z.string(), model: z.string().optional() }),
  execute: async ({ text, language, model }, ctx) =>
    (
      await ctx.sample(`Translate into ${language}. Reply with the translation only.\n\n${text}`, {
        temperature: 0,
        maxTokens: 500,
        ...(model !== undefined ? { modelPreferences: model } : {}),
      })
    ).text,
});

await server.run();
