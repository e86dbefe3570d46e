// Tasks across instances: a real redis-server holds the task records, nginx round robin spreads a
// task's tasks/get and tasks/update over three instances, and instances are SIGKILLed or stopped
// while their task waits for an answer. Every bearer token is its own principal (server.ts, AUTH=1).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, type SamplingMessage } from "../../src/index.js";
import { modernRpc } from "../helpers/raw-http.js";
import {
  type Balancer,
  type Instance,
  type RedisServer,
  startInstance,
  startNginx,
  startRedis,
} from "./infra.js";

const LEASE_MS = 1500;

let redis: RedisServer;
let nginx: Balancer;
let env: Record<string, string>;
const instances: Instance[] = [];
const extra: Instance[] = [];

beforeAll(async () => {
  redis = await startRedis();
  env = { REDIS_URL: redis.url, AUTH: "1", TASK_LEASE_MS: String(LEASE_MS) };
  instances.push(...(await Promise.all(["A", "B", "C"].map((name) => startInstance(name, env)))));
  nginx = await startNginx(instances.map((instance) => instance.port));
});
afterAll(async () => {
  await nginx?.stop();
  await Promise.all([...instances, ...extra].map((instance) => instance.stop("SIGKILL")));
  await redis?.stop();
});

const token = () => randomBytes(6).toString("hex");
const byName = (name: string) => [...instances, ...extra].find((instance) => instance.name === name)!;
const nameOfPort = (port: string) => instances.find((instance) => String(instance.port) === port)?.name;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One 2026-07-28 request by hand to `url`, as the principal `as`. */
const rpc = (url: string, as: string, method: string, params: Record<string, unknown>) =>
  modernRpc(url, method, params, { as });

type Task = Record<string, unknown> & { status: string; inputRequests?: Record<string, Request> };
type Request = { method: string; params: { messages: Array<{ content: { text: string } }> } };

/** Polls `tasks/get` (each poll on the next of `urls`) until `wanted`. */
async function until(urls: string[], taskId: string, wanted: (task: Task) => boolean): Promise<Task> {
  for (let i = 0; i < 300; i++) {
    const task = (await rpc(urls[i % urls.length]!, "alice", "tasks/get", { taskId })).result as Task;
    if (wanted(task)) return task;
    await sleep(50);
  }
  throw new Error(`task ${taskId} never reached the wanted state`);
}

const promptOf = (request: Request) => request.params.messages.at(-1)!.content.text;
const answer = (text: string) => ({ role: "assistant", content: { type: "text", text }, model: "raw" });

function client(options: { onPrompt?: (prompt: string) => Promise<void> } = {}) {
  return new Client(nginx.url, {
    protocol: "2026",
    authToken: "alice",
    timeoutMs: 60_000,
    samplingHandler: async (messages: SamplingMessage[]) => {
      const content = messages.at(-1)?.content as { text?: string } | undefined;
      const prompt = content?.text ?? "<no text>";
      await options.onPrompt?.(prompt);
      return `answer:${prompt}`;
    },
  });
}

/** How often the chain body with `mine` started, summed over every instance given. */
async function bodyRuns(mine: string, over: Instance[]): Promise<number> {
  let total = 0;
  for (const instance of over) {
    const direct = new Client(instance.url, { protocol: "2026", authToken: "alice" });
    await direct.connect();
    total += Number((await direct.callTool("runs", { token: mine })).text);
    await direct.close();
  }
  return total;
}

describe("tasks behind nginx round robin, three instances, Redis task store", () => {
  it("our Client: a task sampling 12 times is answered through every instance, right answer, body ran once", async () => {
    const ours = client();
    await ours.connect();
    const steps = 12; // more than the default round limit of replay (10)
    const calls = Array.from({ length: 6 }, async () => {
      const mine = token();
      let taskId: string | undefined;
      const result = await ours.callTool(
        "chain",
        { token: mine, steps },
        {
          onTask: (task) => {
            taskId = task.taskId;
          },
        },
      );
      return { mine, taskId, result };
    });
    const outcomes = await Promise.all(calls);
    await ours.close();

    const lines = nginx.accessLog().flatMap((line) => {
      const match = /^127\.0\.0\.1:(\d+) (\d+) "[^"]*" (.*)$/.exec(line);
      return match === null ? [] : [{ instance: nameOfPort(match[1]!), body: match[3]! }];
    });
    for (const { mine, taskId, result } of outcomes) {
      expect(result.isError).toBe(false);
      const owner = result.text.split("|")[0]!;
      expect(["A", "B", "C"]).toContain(owner);
      const expected = Array.from({ length: steps }, (_, i) => `answer:${mine}-${i}@${owner}`).join(",");
      expect(result.text).toBe(`${owner}|${expected}`);
      expect(await bodyRuns(mine, instances)).toBe(1);
      // The task's answers reached the body although most of them were POSTed to other instances.
      expect(typeof taskId).toBe("string");
      const updates = lines.filter(
        (line) => line.body.includes("tasks/update") && line.body.includes(taskId!),
      );
      expect(updates).toHaveLength(steps);
      expect(updates.filter((line) => line.instance !== owner).length).toBeGreaterThan(0);
      const polls = lines.filter((line) => line.body.includes("tasks/get") && line.body.includes(taskId!));
      expect(new Set(polls.map((line) => line.instance)).size).toBeGreaterThan(1);
    }
  });

  it("raw wire: created on A, polled on B, answered on C; another principal's update is refused on every instance", async () => {
    const [a, b, c] = [byName("A").url, byName("B").url, byName("C").url];
    const mine = token();
    const created = (
      await rpc(a, "alice", "tools/call", { name: "chain", arguments: { token: mine, steps: 2 } })
    ).result!;
    expect(created).toMatchObject({ resultType: "task", status: "working" });
    const taskId = created.taskId as string;

    for (let step = 0; step < 2; step++) {
      const parked = await until([b], taskId, (task) => task.status === "input_required");
      const [key, request] = Object.entries(parked.inputRequests!)[0]!;
      expect(request.method).toBe("sampling/createMessage");
      expect(promptOf(request)).toBe(`${mine}-${step}@A`);

      // Mallory knows the task id and the key: on the non-owners and on the owner itself, refused.
      for (const url of [b, c, a]) {
        const forged = await rpc(url, "mallory", "tasks/update", {
          taskId,
          inputResponses: { [key]: answer("forged") },
        });
        expect(forged.error?.code).toBe(-32602);
        expect(forged.error?.message).toContain("Unknown task");
        expect((await rpc(url, "mallory", "tasks/get", { taskId })).error?.code).toBe(-32602);
      }
      expect((await rpc(c, "alice", "tasks/get", { taskId })).result!.status).toBe("input_required");

      const ack = await rpc(c, "alice", "tasks/update", {
        taskId,
        inputResponses: { [key]: answer(`real-${step}`) },
      });
      expect(ack.error).toBeUndefined();
      expect(ack.result).toMatchObject({ resultType: "complete" });
      // The same answer again (a client retrying): the body already has it and never sees it twice.
      const again = await rpc(b, "alice", "tasks/update", {
        taskId,
        inputResponses: { [key]: answer(`again-${step}`) },
      });
      expect(again.error).toBeUndefined();
    }
    const done = await until([b, c], taskId, (task) => task.status === "completed");
    expect(done.result).toMatchObject({ content: [{ type: "text", text: "A|real-0,real-1" }] });
    expect(await bodyRuns(mine, instances)).toBe(1);
  });

  it("tasks/cancel on B for a task running on A aborts it there", async () => {
    const mine = token();
    const created = (
      await rpc(byName("A").url, "alice", "tools/call", {
        name: "chain",
        arguments: { token: mine, steps: 3 },
      })
    ).result!;
    const taskId = created.taskId as string;
    await until([byName("C").url], taskId, (task) => task.status === "input_required");
    const refused = await rpc(byName("B").url, "mallory", "tasks/cancel", { taskId });
    expect(refused.error?.code).toBe(-32602);
    const cancelled = await rpc(byName("B").url, "alice", "tasks/cancel", { taskId });
    expect(cancelled.error).toBeUndefined();
    const task = await until([byName("C").url], taskId, (t) => t.status !== "input_required");
    expect(task.status).toBe("cancelled");
    // On A the body is gone: an answer now changes nothing and the record stays cancelled.
    await rpc(byName("A").url, "alice", "tasks/update", { taskId, inputResponses: { x: answer("late") } });
    expect((await rpc(byName("A").url, "alice", "tasks/get", { taskId })).result!.status).toBe("cancelled");
  });

  it("Redis restarted for longer than the lease: the running instance is not taken for dead, its task finishes", async () => {
    const [a, b, c] = [byName("A").url, byName("B").url, byName("C").url];
    const mine = token();
    const created = (
      await rpc(a, "alice", "tools/call", { name: "chain", arguments: { token: mine, steps: 2 } })
    ).result!;
    const taskId = created.taskId as string;
    await until([b], taskId, (task) => task.status === "input_required");
    await redis.restart("SIGKILL", LEASE_MS + 1_000);

    // Requests fail while each instance reconnects; then the task is where it was, on every instance.
    for (const url of [a, b, c]) {
      let task: Task | undefined;
      for (let i = 0; i < 200 && task === undefined; i++) {
        const reply = await rpc(url, "alice", "tasks/get", { taskId });
        if (reply.result !== undefined) task = reply.result as Task;
        else await sleep(100);
      }
      expect(task?.status).toBe("input_required");
    }
    for (let step = 0; step < 2; step++) {
      const parked = await until([b, c], taskId, (t) => t.status === "input_required");
      const key = Object.keys(parked.inputRequests!)[0]!;
      const ack = await rpc(c, "alice", "tasks/update", {
        taskId,
        inputResponses: { [key]: answer(`r${step}`) },
      });
      expect(ack.error).toBeUndefined();
    }
    const done = await until([b], taskId, (t) => t.status === "completed");
    expect(done.result).toMatchObject({ content: [{ type: "text", text: "A|r0,r1" }] });
  });

  it("the instance running a task is SIGKILLed: the next poll on another instance reads failed, clearly, and stays so", async () => {
    const doomed = await startInstance("D", env);
    extra.push(doomed);
    const mine = token();
    const created = (
      await rpc(doomed.url, "alice", "tools/call", { name: "chain", arguments: { token: mine, steps: 3 } })
    ).result!;
    const taskId = created.taskId as string;
    await until([nginx.url], taskId, (task) => task.status === "input_required");
    await doomed.stop("SIGKILL");

    const failed = await until([nginx.url], taskId, (task) => task.status !== "input_required");
    expect(failed.status).toBe("failed");
    expect(failed.statusMessage).toBe(
      `The server instance running this task stopped (no heartbeat for ${LEASE_MS / 1000} s); the task did not finish`,
    );
    expect(failed.error).toMatchObject({ code: -32603, message: failed.statusMessage });
    expect(failed).not.toHaveProperty("inputRequests");
    // Stored, not recomputed: every instance reads the same record, and a late answer changes nothing.
    const [a, b] = [byName("A").url, byName("B").url];
    const late = await rpc(a, "alice", "tasks/update", { taskId, inputResponses: { x: answer("late") } });
    expect(late.error).toBeUndefined();
    const seen = await Promise.all(
      [a, b].map(async (url) => (await rpc(url, "alice", "tasks/get", { taskId })).result!),
    );
    for (const task of seen) expect(task).toEqual({ ...failed, resultType: "complete" });
  });

  it("the instance running a task shuts down (SIGTERM, server.close()): its task reads failed at once, not after the lease", async () => {
    const leaving = await startInstance("E", env);
    extra.push(leaving);
    const created = (
      await rpc(leaving.url, "alice", "tools/call", {
        name: "chain",
        arguments: { token: token(), steps: 3 },
      })
    ).result!;
    const taskId = created.taskId as string;
    await until([byName("A").url], taskId, (task) => task.status === "input_required");
    await leaving.stop("SIGTERM");
    const task = (await rpc(byName("B").url, "alice", "tasks/get", { taskId })).result!;
    expect(task.status).toBe("failed");
    expect(task.statusMessage).toBe(
      "The server instance running this task shut down before the task finished",
    );
  });

  it("our Client through nginx, the running instance SIGKILLed mid-call: the call fails with the clear message", async () => {
    let killed: string | undefined;
    const ours = client({
      onPrompt: async (prompt) => {
        // Step 1's prompt names the instance running the body: kill it before answering.
        const owner = /-1@([ABC])$/.exec(prompt)?.[1];
        if (owner !== undefined && killed === undefined) {
          killed = owner;
          await byName(owner).stop("SIGKILL");
        }
      },
    });
    await ours.connect();
    const outcome = await ours.callTool("chain", { token: token(), steps: 3 }).then(
      () => "completed",
      (error: unknown) => String(error),
    );
    await ours.close();
    expect(killed).toBeDefined();
    expect(outcome).toContain("The server instance running this task stopped (no heartbeat for 1.5 s)");
  });
});
