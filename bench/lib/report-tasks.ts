// Renders section 6 (replay vs task) of BENCHMARKS.md.
import type { TaskBenchRow } from "../tasks.js";

export type TasksSection = { rows: TaskBenchRow[] } | { failed: string } | undefined;

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

export function tasksVsReplay(r: TasksSection): string[] {
  const lines = ["## 6. 2026-07-28: replay vs task, bytes and requests", ""];
  if (r === undefined) return [...lines, "Not measured in this run.", ""];
  if ("failed" in r) return [...lines, `Failed: ${r.failed}`, ""];
  lines.push(
    "A fastmcp-ts tool calling `ctx.sample` n times one after another, called over HTTP on 2026-07-28 by fastmcp-ts's " +
      "`Client`, once as an ordinary tool (**replay**: each sample is an `input_required` round, the body runs again from " +
      "the top, and the signed state carries every earlier answer both ways) and once as a `task: true` tool with the " +
      "tasks extension declared (**task**: one `tools/call`, then per sample one `tasks/get` showing the request and one " +
      "`tasks/update` with the answer, and a last `tasks/get` with the result). **requests** counts the POSTs of one call; " +
      "**up** and **down** are the request and response body bytes. Counted, not timed: the figures do not depend on the " +
      "machine. Replay needs n input_required rounds, so with the Client's default `maxInputRounds` (10) a replayed call " +
      "of more than 10 samples fails with `ROUNDS_EXCEEDED` (this run raised the limit to 64 to measure it); a task has no " +
      "round limit.",
  );
  lines.push("");
  lines.push(
    "| n | replay requests | replay up (KiB) | replay down (KiB) | task requests | task up (KiB) | task down (KiB) | task / replay bytes |",
  );
  lines.push("|---|---|---|---|---|---|---|---|");
  for (const { n, replay, task } of r.rows) {
    const ratio = (task.up + task.down) / (replay.up + replay.down);
    lines.push(
      `| ${n} | ${replay.requests} | ${kb(replay.up)} | ${kb(replay.down)} | ${task.requests} | ${kb(task.up)} | ${kb(task.down)} | ${ratio.toFixed(2)} |`,
    );
  }
  lines.push("");
  lines.push(
    "Replay traffic grows with the square of n (round k re-sends k − 1 answers in the state, and the server sends the " +
      "state back); task traffic grows linearly (each answer crosses the wire once). A task costs about twice the HTTP " +
      "requests of replay (a `tasks/get` and a `tasks/update` per sample instead of one `tools/call`), so for one or two " +
      "samples replay is cheaper; from three sequential samples on the task moves fewer bytes, and past 10 it is the " +
      "only way a default client completes the call.",
  );
  lines.push("");
  return lines;
}
