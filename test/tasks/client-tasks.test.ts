import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Client,
  type ClientOptions,
  type CreateTaskResult,
  type FastMCP,
  FastMCPError,
  type SamplingHandler,
  ToolError,
} from "../../src/index.js";
import { buildTaskServer } from "../fixtures/task-tools.js";

// Each answer names the step it was asked in: the final text proves every sample was answered in order.
const echo: SamplingHandler = (messages) => {
  const last = messages.at(-1)?.content;
  const text = last !== undefined && !Array.isArray(last) && last.type === "text" ? last.text : "?";
  return `answer(${text.split(" after ")[0]})`;
};

let server: FastMCP;
let runs: Record<string, number>;
let url: string;

beforeAll(async () => {
  ({ server, runs } = buildTaskServer({ tasks: { pollIntervalMs: 20 } }));
  await server.run({ transport: "http", port: 0 });
  url = server.url!;
});
afterAll(() => server.close());

async function withClient<T>(options: ClientOptions, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(url, { protocol: "2026", samplingHandler: echo, ...options });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

describe("our Client and task tools over HTTP on 2026-07-28", () => {
  it("15 samples in a row with default limits: the right answer, the body ran once", async () => {
    runs.chain = 0;
    const seen = new Set<string>();
    const result = await withClient({}, (client) =>
      client.callTool("chain", { steps: 15 }, { onTask: (task) => seen.add(task.status) }),
    );
    expect(result.text).toBe("answer(step 14)");
    expect(runs.chain).toBe(1);
    expect([...seen]).toContain("input_required");
    expect(server.tasks.running).toBe(0);
  });

  it("without the extension the same tool replays: it fails at the default round limit, or passes with a raised one", async () => {
    runs.chain = 0;
    const failure = await withClient({ tasks: false }, (client) =>
      client.callTool("chain", { steps: 15 }).catch((error: unknown) => error),
    );
    expect(FastMCPError.isInstance(failure) && failure.code).toBe("ROUNDS_EXCEEDED");
    expect((failure as Error).message).toContain("maxInputRounds");

    runs.chain = 0;
    const raised = await withClient({ tasks: false, maxInputRounds: 15 }, (client) =>
      client.callTool("chain", { steps: 15 }),
    );
    expect(raised.text).toBe("answer(step 14)");
    expect(runs.chain).toBe(16); // once per round: 15 rounds that stop at a sample, one that completes
  });

  it("aborting the call cancels the task on the server: the body's ctx.signal aborts", async () => {
    runs.aborted = 0;
    const controller = new AbortController();
    let taskId: string | undefined;
    const outcome = await withClient({}, async (client) => {
      const call = client
        .callTool(
          "wait_cancel",
          {},
          {
            signal: controller.signal,
            onTask: (task) => {
              taskId = task.taskId;
              controller.abort(new Error("the caller gave up"));
            },
          },
        )
        .catch((error: unknown) => error);
      const error = await call;
      return { error, task: await client.getTask(taskId!) };
    });
    expect((outcome.error as Error).message).toBe("the caller gave up");
    expect(outcome.task.status).toBe("cancelled");
    expect(runs.aborted).toBe(1);
  });

  it("tool errors arrive as ToolError, protocol errors as the server's JSON-RPC error", async () => {
    await withClient({}, async (client) => {
      const toolError = await client.callTool("tool_error").catch((error: unknown) => error);
      expect(ToolError.isInstance(toolError) && toolError.message).toBe("the tool could not do it");
      const failed = await client.callTool("protocol_error").catch((error: unknown) => error);
      expect(failed).toMatchObject({ code: -32603 });
      expect((failed as Error).message).toContain("the job broke");
    });
  });

  it("a task asking for more inputs at once than maxInputRequestsPerRound is refused and cancelled", async () => {
    await withClient({ maxInputRequestsPerRound: 4 }, async (client) => {
      const error = await client.callTool("wide", { n: 5 }).catch((e: unknown) => e);
      expect((error as Error).message).toContain("maxInputRequestsPerRound");
      expect(server.tasks.running).toBe(0); // the refused task was cancelled, not left parked
      const started = await client.callToolAsTask("wide", { n: 4 });
      expect("task" in started).toBe(true);
      const within = await client.followTask((started as { task: CreateTaskResult }).task);
      expect(within.text.split(",")).toHaveLength(4);
    });
  });

  it("exposes the task to callers who follow it themselves", async () => {
    await withClient({}, async (client) => {
      const started = await client.callToolAsTask("fanout");
      if (!("task" in started)) throw new Error("expected a task");
      const { taskId } = started.task;
      let task = await client.getTask(taskId);
      while (task.status !== "input_required" || Object.keys(task.inputRequests ?? {}).length < 2) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        task = await client.getTask(taskId);
      }
      const answer = (text: string) => ({ role: "assistant", content: { type: "text", text }, model: "m" });
      const [left, right] = Object.keys(task.inputRequests!);
      await client.updateTask(taskId, { [left!]: answer("mine"), [right!]: answer("yours") });
      const result = await client.followTask(started.task);
      expect(result.text).toBe("mine+yours");

      const plain = await client.callToolAsTask("plain");
      expect(plain).toEqual({ result: expect.objectContaining({ text: "plain result" }) });
    });
  });
});

describe("tasks on a stream connection (in memory, 2026-07-28)", () => {
  it("the same 15-sample task tool completes with the body run once", async () => {
    const fixture = buildTaskServer({ tasks: { pollIntervalMs: 20 } });
    const client = new Client(fixture.server, { protocol: "2026", samplingHandler: echo });
    await client.connect();
    try {
      const result = await client.callTool("chain", { steps: 15 });
      expect(result.text).toBe("answer(step 14)");
      expect(fixture.runs.chain).toBe(1);
    } finally {
      await client.close();
      await fixture.server.close();
    }
  });
});
