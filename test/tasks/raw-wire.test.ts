import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastMCP } from "../../src/index.js";
import { buildTaskServer } from "../fixtures/task-tools.js";
import { modernRpc } from "../helpers/raw-http.js";

const TASKS = "io.modelcontextprotocol/tasks";
const WITH_TASKS = { sampling: {}, elicitation: {}, extensions: { [TASKS]: {} } };

let server: FastMCP;
let runs: Record<string, number>;
let url: string;

beforeAll(async () => {
  ({ server, runs } = buildTaskServer({ tasks: { pollIntervalMs: 50 } }));
  await server.run({ transport: "http", port: 0 });
  url = server.url!;
});
afterAll(() => server.close());

/** One 2026-07-28 request by hand to this file's server (tasks declared unless told otherwise). */
const rpc = (method: string, params: Record<string, unknown>, capabilities: object = WITH_TASKS) =>
  modernRpc(url, method, params, { capabilities });

async function until(taskId: string, wanted: (task: Record<string, unknown>) => boolean) {
  for (let i = 0; i < 200; i++) {
    const task = (await rpc("tasks/get", { taskId })).result!;
    if (wanted(task)) return task;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`task ${taskId} never reached the wanted state`);
}

describe("tasks over raw HTTP (fetch only)", () => {
  it("tools/call → task; tasks/get → input_required; tasks/update → complete; tasks/get → completed", async () => {
    const created = (await rpc("tools/call", { name: "chain", arguments: { steps: 1 } })).result!;
    expect(created).toMatchObject({ resultType: "task", status: "working" });
    expect(typeof created.taskId).toBe("string");
    expect(created).not.toHaveProperty("requestState");
    expect(Number.isInteger(created.ttlMs) && Number.isInteger(created.pollIntervalMs)).toBe(true);
    const taskId = created.taskId as string;

    const parked = await until(taskId, (task) => task.status === "input_required");
    expect(parked.resultType).toBe("complete");
    const requests = parked.inputRequests as Record<
      string,
      { method: string; params: { messages: unknown[] } }
    >;
    const [key, request] = Object.entries(requests)[0]!;
    expect(request.method).toBe("sampling/createMessage");
    expect(JSON.stringify(request.params.messages)).toContain("step 0 after start");

    const ack = await rpc("tasks/update", {
      taskId,
      inputResponses: {
        [key]: { role: "assistant", content: { type: "text", text: "the answer" }, model: "raw" },
      },
    });
    expect(ack.result).toMatchObject({ resultType: "complete" });
    expect(ack.result).not.toHaveProperty("status");

    const done = await until(taskId, (task) => task.status === "completed");
    expect(done.result).toMatchObject({ content: [{ type: "text", text: "the answer" }] });
    expect(done).not.toHaveProperty("error");
    expect(runs.chain).toBe(1);
  });

  it("parks parallel samples together and keeps unanswered ones pending after a partial update", async () => {
    const { taskId } = (await rpc("tools/call", { name: "fanout", arguments: {} })).result as {
      taskId: string;
    };
    const parked = await until(
      taskId,
      (task) => Object.keys((task.inputRequests as object | undefined) ?? {}).length === 2,
    );
    const [first, second] = Object.keys(parked.inputRequests as object);
    const answer = (text: string) => ({ role: "assistant", content: { type: "text", text }, model: "m" });
    const ack = await rpc("tasks/update", { taskId, inputResponses: { [first!]: answer("L") } });
    expect(ack.result).toMatchObject({ resultType: "complete" });
    const partial = (await rpc("tasks/get", { taskId })).result!;
    expect(partial.status).toBe("input_required");
    expect(Object.keys(partial.inputRequests as object)).toEqual([second]);
    await rpc("tasks/update", { taskId, inputResponses: { [second!]: answer("R") } });
    const done = await until(taskId, (task) => task.status === "completed");
    expect((done.result as { content: Array<{ text: string }> }).content[0]!.text).toBe("L+R");
  });

  it("tasks/cancel aborts the body's ctx.signal; the ack is empty; cancelling again is the same ack", async () => {
    const { taskId } = (await rpc("tools/call", { name: "wait_cancel", arguments: {} })).result as {
      taskId: string;
    };
    const ack = await rpc("tasks/cancel", { taskId });
    expect(ack.result).toMatchObject({ resultType: "complete" });
    expect(ack.result).not.toHaveProperty("status");
    expect((await rpc("tasks/get", { taskId })).result!.status).toBe("cancelled");
    expect(runs.aborted).toBe(1);
    expect((await rpc("tasks/cancel", { taskId })).result).toMatchObject({ resultType: "complete" });
  });

  it("a tool error completes the task with isError; a protocol error fails it with the error", async () => {
    const toolError = (await rpc("tools/call", { name: "tool_error", arguments: {} })).result as {
      taskId: string;
    };
    const completed = await until(toolError.taskId, (task) => task.status !== "working");
    expect(completed).toMatchObject({ status: "completed", result: { isError: true } });
    expect(JSON.stringify(completed.result)).toContain("the tool could not do it");

    const protocol = (await rpc("tools/call", { name: "protocol_error", arguments: {} })).result as {
      taskId: string;
    };
    const failed = await until(protocol.taskId, (task) => task.status !== "working");
    expect(failed).toMatchObject({ status: "failed", error: { code: -32603, message: "the job broke" } });
    expect(failed).not.toHaveProperty("result");
  });

  it("without the extension: the task tool runs as a plain call, tasks/* and required tools get -32021", async () => {
    const plain = await rpc("tools/call", { name: "tool_error", arguments: {} }, { sampling: {} });
    expect(plain.result).toMatchObject({ resultType: "complete", isError: true });
    expect(plain.result).not.toHaveProperty("taskId");
    const get = await rpc("tasks/get", { taskId: "anything" }, { sampling: {} });
    expect(get.error?.code).toBe(-32021);
    const required = await rpc("tools/call", { name: "only_task", arguments: {} }, { sampling: {} });
    expect(required.error).toMatchObject({
      code: -32021,
      data: { requiredCapabilities: { extensions: { [TASKS]: {} } } },
    });
  });

  it('task: "detach": input_required rounds first, then ctx.detach() turns the rest into a task', async () => {
    const round1 = (await rpc("tools/call", { name: "ask_then_task", arguments: {} })).result!;
    expect(round1).toMatchObject({ resultType: "input_required" });
    expect(round1).not.toHaveProperty("taskId");
    const alice = { action: "accept", content: { name: "Alice" } };
    const round2 = (
      await rpc("tools/call", {
        name: "ask_then_task",
        arguments: {},
        inputResponses: { name: alice },
        requestState: round1.requestState,
      })
    ).result!;
    expect(round2).toMatchObject({ resultType: "task" });
    expect(round2).not.toHaveProperty("requestState");
    const taskId = round2.taskId as string;
    const parked = await until(taskId, (task) => task.status === "input_required");
    const [key] = Object.keys(parked.inputRequests as object);
    const hi = { role: "assistant", content: { type: "text", text: "hi" }, model: "m" };
    await rpc("tasks/update", { taskId, inputResponses: { [key!]: hi } });
    const done = await until(taskId, (task) => task.status === "completed");
    expect((done.result as { content: Array<{ text: string }> }).content[0]!.text).toBe("Alice: hi");
    // Before detach the body ran once per round (replay); after it, once.
    expect(runs["ask_then_task:before"]).toBe(2);
    expect(runs["ask_then_task:after"]).toBe(1);

    // Without the extension ctx.detach() does nothing: the call finishes by rounds as usual.
    const noTasks = { elicitation: {}, sampling: {} };
    const first = (await rpc("tools/call", { name: "ask_then_task", arguments: {} }, noTasks)).result!;
    const second = (
      await rpc(
        "tools/call",
        {
          name: "ask_then_task",
          arguments: {},
          inputResponses: { name: alice },
          requestState: first.requestState,
        },
        noTasks,
      )
    ).result!;
    expect(second).toMatchObject({ resultType: "input_required" });
    expect(Object.values(second.inputRequests as object)[0]).toMatchObject({
      method: "sampling/createMessage",
    });
  });

  it("unknown task ids are -32602; tasks/result and tasks/list are gone (-32601)", async () => {
    expect((await rpc("tasks/get", { taskId: "no-such-task" })).error?.code).toBe(-32602);
    expect((await rpc("tasks/result", { taskId: "no-such-task" })).error?.code).toBe(-32601);
    expect((await rpc("tasks/list", {})).error?.code).toBe(-32601);
  });
});
