// A tool that samples many times in a row, as a task on 2026-07-28 (the tasks extension, SEP-2663).
// Run: `tsx examples/task-loop.ts` — it serves on a free port, calls itself with fastmcp-ts's Client
// (which declares the extension), prints the answer and how often the body ran, and exits.
import { z } from "zod";
import { Client, FastMCP } from "../src/index.js";

let bodyRuns = 0;
const server = new FastMCP({ name: "task-loop", tasks: { pollIntervalMs: 200, ttlMs: 15 * 60_000 } });
server.tool({
  name: "refine",
  description: "Improves a draft `rounds` times, one sample after another",
  parameters: z.object({ draft: z.string(), rounds: z.number().int().min(1).max(50) }),
  task: true,
  execute: async ({ draft, rounds }, ctx) => {
    bodyRuns++; // runs once as a task; under replay it would run rounds + 1 times
    let text = draft;
    for (let i = 0; i < rounds; i++) {
      if (ctx.signal.aborted) throw ctx.signal.reason; // tasks/cancel aborts it
      text = (await ctx.sample(`Improve this (pass ${i + 1}): ${text}`, { maxTokens: 200 })).text;
    }
    return text;
  },
});

if (import.meta.url === `file://${process.argv[1]}`) {
  await server.run({ transport: "http", host: "127.0.0.1", port: 0 });
  // A stand-in LLM: numbers each pass, so the output shows that all 15 samples were answered in order.
  let passes = 0;
  const client = new Client(server.url!, { protocol: "2026", samplingHandler: () => `draft v${++passes}` });
  await client.connect();
  const result = await client.callTool(
    "refine",
    { draft: "hello", rounds: 15 },
    { onTask: (task) => process.stderr.write(`task ${task.taskId}: ${task.status}\n`) },
  );
  process.stdout.write(`${result.text} (body ran ${bodyRuns} time)\n`);
  await client.close();
  await server.close();
}
