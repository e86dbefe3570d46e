// A task store that is unreachable for a moment (a Redis restart): the states the body reached
// meanwhile still reach the store once it is back, so nobody reading it sees a task left behind.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type FastMCP, InMemoryTaskStore, type TaskRecord } from "../../src/index.js";
import { buildTaskServer } from "../fixtures/task-tools.js";
import { modernRpc } from "../helpers/raw-http.js";

/** The in-memory store, refusing every write while `down` (the engine reads from it once a task ends). */
class OutageStore extends InMemoryTaskStore {
  down = false;
  failedWrites = 0;
  override async put(record: TaskRecord): Promise<void> {
    if (this.down) {
      this.failedWrites++;
      throw new Error("store unreachable");
    }
    await super.put(record);
  }
}

const store = new OutageStore();
let server: FastMCP;
beforeAll(async () => {
  ({ server } = buildTaskServer({ tasks: { store, pollIntervalMs: 20 } }));
  await server.run({ transport: "http", port: 0 });
});
afterAll(() => server.close());

const rpc = (method: string, params: Record<string, unknown>) => modernRpc(server.url!, method, params);

it("the final state written while the store was down is stored once it is back", async () => {
  const taskId = (await rpc("tools/call", { name: "chain", arguments: { steps: 1 } })).result!
    .taskId as string;
  let parked: Record<string, unknown> | undefined;
  for (let i = 0; i < 200 && parked?.status !== "input_required"; i++) {
    parked = (await rpc("tasks/get", { taskId })).result;
  }
  const key = Object.keys(parked!.inputRequests as object)[0]!;

  store.down = true;
  const acked = rpc("tasks/update", {
    taskId,
    inputResponses: { [key]: { role: "assistant", content: { type: "text", text: "done" }, model: "m" } },
  });
  while (store.failedWrites < 2) await new Promise((resolve) => setTimeout(resolve, 10));
  store.down = false;
  expect((await acked).error).toBeUndefined();

  // The body finished while the store was down; its last state is written on one of the retries.
  let stored: TaskRecord | undefined;
  for (let i = 0; i < 300 && stored?.status !== "completed"; i++) {
    stored = await store.get(taskId);
    if (stored?.status !== "completed") await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(stored?.status).toBe("completed");
  expect((await rpc("tasks/get", { taskId })).result).toMatchObject({
    status: "completed",
    result: { content: [{ type: "text", text: "done" }] },
  });
});
