// Tasks on several FastMCP instances sharing one task store (in memory here; the cluster suite runs
// the same over Redis, nginx and separate processes): any instance serves a task's tasks/* requests.
import { afterEach, describe, expect, it } from "vitest";
import type { FastMCP } from "../../src/index.js";
import { buildTaskServer } from "../fixtures/task-tools.js";
import { modernRpc } from "../helpers/raw-http.js";
import { SharedMemoryTaskStore } from "./shared-memory-store.js";

// Every bearer token is accepted and names its own principal.
const auth = {
  verify: (request: Request) => {
    const token = /^Bearer (\S+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
    return token === undefined ? undefined : { token, clientId: token, scopes: [], extra: { sub: token } };
  },
};

const open: FastMCP[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

async function instances(store: SharedMemoryTaskStore, count = 2) {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const { server, runs } = buildTaskServer({ tasks: { store, pollIntervalMs: 20 } });
      await server.run({ transport: "http", port: 0, auth });
      open.push(server);
      return { server, runs, url: server.url! };
    }),
  );
}

const rpc = (url: string, as: string, method: string, params: Record<string, unknown>) =>
  modernRpc(url, method, params, { as });

type Task = { status: string; statusMessage?: string; inputRequests?: Record<string, unknown> };
async function until(url: string, taskId: string, wanted: (task: Task) => boolean): Promise<Task> {
  for (let i = 0; i < 400; i++) {
    const task = (await rpc(url, "alice", "tasks/get", { taskId })).result as Task;
    if (wanted(task)) return task;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`task ${taskId} never reached the wanted state`);
}

const answer = (text: string) => ({ role: "assistant", content: { type: "text", text }, model: "test" });
const parked = (task: Task) => task.status === "input_required";

describe("tasks over a shared task store", () => {
  it("created on A, every answer sent to B: the body on A gets each one once, and B serves the result", async () => {
    const [a, b] = await instances(new SharedMemoryTaskStore());
    const created = (await rpc(a!.url, "alice", "tools/call", { name: "chain", arguments: { steps: 3 } }))
      .result!;
    const taskId = created.taskId as string;
    for (let step = 0; step < 3; step++) {
      const task = await until(b!.url, taskId, parked);
      const key = Object.keys(task.inputRequests!)[0]!;
      const ack = await rpc(b!.url, "alice", "tasks/update", {
        taskId,
        inputResponses: { [key]: answer(`a${step}`) },
      });
      expect(ack.error).toBeUndefined();
      // Sent again: already answered, ignored by the body.
      await rpc(b!.url, "alice", "tasks/update", { taskId, inputResponses: { [key]: answer("twice") } });
    }
    const done = await until(b!.url, taskId, (task) => task.status === "completed");
    expect(done).toMatchObject({ result: { content: [{ type: "text", text: "a2" }] } });
    expect(a!.runs.chain).toBe(1);
    expect(b!.runs.chain).toBeUndefined();
  });

  it("another principal's tasks/update and tasks/cancel, on either instance, are refused and reach nothing", async () => {
    const [a, b] = await instances(new SharedMemoryTaskStore());
    const taskId = (await rpc(a!.url, "alice", "tools/call", { name: "chain", arguments: { steps: 1 } }))
      .result!.taskId as string;
    const key = Object.keys((await until(b!.url, taskId, parked)).inputRequests!)[0]!;
    for (const url of [b!.url, a!.url]) {
      const forged = await rpc(url, "mallory", "tasks/update", {
        taskId,
        inputResponses: { [key]: answer("forged") },
      });
      expect(forged.error).toMatchObject({ code: -32602, message: `Unknown task: ${taskId}` });
      expect((await rpc(url, "mallory", "tasks/cancel", { taskId })).error?.code).toBe(-32602);
    }
    expect((await rpc(b!.url, "alice", "tasks/get", { taskId })).result!.status).toBe("input_required");
    await rpc(b!.url, "alice", "tasks/update", { taskId, inputResponses: { [key]: answer("real") } });
    const done = await until(b!.url, taskId, (task) => task.status === "completed");
    expect(done).toMatchObject({ result: { content: [{ type: "text", text: "real" }] } });
  });

  it("the running instance checks the principal of a forwarded update again: a forged one on the bus is refused", async () => {
    const store = new SharedMemoryTaskStore();
    const [a, b] = await instances(store);
    const taskId = (await rpc(a!.url, "alice", "tools/call", { name: "chain", arguments: { steps: 1 } }))
      .result!.taskId as string;
    const key = Object.keys((await until(b!.url, taskId, parked)).inputRequests!)[0]!;
    // Someone on the bus itself sends A an update in mallory's name, for alice's task.
    const replies: unknown[] = [];
    await store.subscribe("tasks:intruder", (message) => replies.push(JSON.parse(message)));
    const forged = { k: "update", id: "forged-1", from: "intruder", taskId, owner: "mallory" };
    const heard = await store.publish(
      `tasks:${store.nodeOf(taskId)}`,
      JSON.stringify({ ...forged, responses: { [key]: answer("forged") } }),
    );
    expect(heard).toBe(1);
    for (let i = 0; i < 100 && replies.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(replies).toEqual([
      { k: "reply", id: "forged-1", error: { code: -32602, message: `Unknown task: ${taskId}` } },
    ]);
    expect((await rpc(b!.url, "alice", "tasks/get", { taskId })).result!.status).toBe("input_required");
  });

  it("tasks/cancel sent to B aborts the body running on A", async () => {
    const [a, b] = await instances(new SharedMemoryTaskStore());
    const taskId = (await rpc(a!.url, "alice", "tools/call", { name: "wait_cancel", arguments: {} })).result!
      .taskId as string;
    expect((await rpc(b!.url, "alice", "tasks/cancel", { taskId })).error).toBeUndefined();
    expect(a!.runs.aborted).toBe(1);
    expect((await rpc(b!.url, "alice", "tasks/get", { taskId })).result!.status).toBe("cancelled");
  });

  it("an instance cut off from the store: its task reads failed on the others, and that outcome stays", async () => {
    const store = new SharedMemoryTaskStore(600);
    const [a, b] = await instances(store);
    const taskId = (await rpc(a!.url, "alice", "tools/call", { name: "chain", arguments: { steps: 2 } }))
      .result!.taskId as string;
    const key = Object.keys((await until(b!.url, taskId, parked)).inputRequests!)[0]!;
    store.isolate(store.nodeOf(taskId)!);

    const failed = (await rpc(b!.url, "alice", "tasks/get", { taskId })).result!;
    expect(failed).toMatchObject({
      status: "failed",
      statusMessage:
        "The server instance running this task stopped (no heartbeat for 0.6 s); the task did not finish",
      error: { code: -32603 },
    });
    // A still holds the body; an answer sent straight to it resumes it, but its next write is refused
    // (the stored "failed" stays) and the body is stopped.
    await rpc(a!.url, "alice", "tasks/update", { taskId, inputResponses: { [key]: answer("late") } });
    await until(a!.url, taskId, (task) => task.status === "failed");
    expect(a!.server.tasks.running).toBe(0);
    expect((await rpc(b!.url, "alice", "tasks/get", { taskId })).result).toMatchObject({
      status: "failed",
      statusMessage: failed.statusMessage,
    });
  });

  it("closing the instance running a task fails it at once, for whoever polls next", async () => {
    const [a, b] = await instances(new SharedMemoryTaskStore());
    const taskId = (await rpc(a!.url, "alice", "tools/call", { name: "chain", arguments: { steps: 2 } }))
      .result!.taskId as string;
    await until(b!.url, taskId, parked);
    await a!.server.close();
    expect((await rpc(b!.url, "alice", "tasks/get", { taskId })).result).toMatchObject({
      status: "failed",
      statusMessage: "The server instance running this task shut down before the task finished",
      error: { code: -32603 },
    });
  });
});
