// fastmcp-ts: the tool samples through ctx.sample; the same code serves both eras (replay on 2026-07-28).
import { z } from "zod";
import { FastMCP } from "../../src/index.js";
import { announce, isMain, MAX_TOKENS, PLAIN_TOOL, plainText, TOOL } from "./common.js";

/**
 * `sampledOnly`: the one sampled tool every framework's server registers, and nothing else (section 1).
 * The replay tools include a task tool, and a server with one offers the tasks extension, which our
 * Client then declares on every 2026-07-28 request: work the SDK's server (which has no tasks) never does.
 */
export function buildOurs(extra: { telemetry?: boolean; sampledOnly?: boolean } = {}): FastMCP {
  // The replay section starts a second server with a small state cap to show where a call stops.
  const cap = process.env.BENCH_MAX_REQUEST_STATE_BYTES;
  const { sampledOnly = false, ...options } = extra;
  const server = new FastMCP({
    name: "bench-ours",
    version: "1.0.0",
    ...(cap !== undefined && { maxRequestStateBytes: Number(cap) }),
    ...options,
  });
  server.tool({
    name: TOOL,
    description: "Summarise text with the client's LLM",
    parameters: z.object({ text: z.string() }),
    execute: async ({ text }, ctx) => (await ctx.sample(text, { maxTokens: MAX_TOKENS })).text,
  });
  // The load sections (3, 3b) list the tools every framework registers there, and nothing else.
  if (process.env.BENCH_LOAD_TOOLS !== "1" && !sampledOnly) addReplayTools(server);
  return server;
}

/** For the replay (section 4) and task (section 6) figures. */
function addReplayTools(server: FastMCP): void {
  // For the replay figures: n samples one after another, or n at once.
  server.tool({
    name: "sequential",
    parameters: z.object({ n: z.number().int() }),
    execute: async ({ n }, ctx) => {
      let last = "";
      for (let i = 0; i < n; i++)
        last = (await ctx.sample(`step ${i} after ${last}`, { maxTokens: MAX_TOKENS })).text;
      return last;
    },
  });
  // The same loop as a task tool (section 6): one body run, answers through tasks/update.
  server.tool({
    name: "sequential_task",
    parameters: z.object({ n: z.number().int() }),
    task: true,
    execute: async ({ n }, ctx) => {
      let last = "";
      for (let i = 0; i < n; i++)
        last = (await ctx.sample(`step ${i} after ${last}`, { maxTokens: MAX_TOKENS })).text;
      return last;
    },
  });
  server.tool({
    name: "parallel",
    parameters: z.object({ n: z.number().int() }),
    execute: async ({ n }, ctx) => {
      const answers = await Promise.all(
        Array.from({ length: n }, (_, i) => ctx.sample(`part ${i}`, { maxTokens: MAX_TOKENS })),
      );
      return answers.map((answer) => answer.text).join(",");
    },
  });
}

/** The HTTP entry's extra tool for section 3b: no sampling, a short text back. */
export function addPlainTool(server: FastMCP): FastMCP {
  server.tool({
    name: PLAIN_TOOL,
    description: "Echo the text back",
    parameters: z.object({ text: z.string() }),
    execute: ({ text }) => plainText(text),
  });
  return server;
}

if (isMain(import.meta.url)) {
  const server = buildOurs();
  if (process.argv[2] === "http") {
    addPlainTool(server);
    await server.run({ transport: "http", port: 0 });
    announce(server.url!);
  } else {
    await server.run();
  }
}

// `fastmcp-ts run bench/servers/ours.ts` serves this factory's server.
export default buildOurs;
