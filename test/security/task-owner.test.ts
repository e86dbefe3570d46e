// Attack: Bob learns Alice's task id (a log line, a shared screen) and tries to read her task's
// result, answer its pending question, or cancel it. A task is bound to the principal that created it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthInfo } from "../../src/index.js";
import { startHttpServer } from "../../src/server/http-server.js";
import type { RunningHttpServer } from "../../src/server/http-types.js";
import { buildTaskServer } from "../fixtures/task-tools.js";
import { MODERN, modernMeta, type RawMessage, readMessages } from "../helpers/raw-http.js";

// One OAuth client app used by two people, told apart by `sub`.
const verify = (request: Request): AuthInfo | undefined => {
  const user = request.headers.get("authorization")?.replace(/^Bearer /, "");
  if (user !== "alice" && user !== "bob") return undefined;
  return { token: user, clientId: "desktop-app", scopes: ["mcp"], extra: { sub: user } };
};

const CAPS = { sampling: {}, extensions: { "io.modelcontextprotocol/tasks": {} } };
let http: RunningHttpServer;
const fixture = buildTaskServer();

beforeAll(async () => {
  http = await startHttpServer(fixture.server, { port: 0, auth: { verify } });
});
afterAll(async () => {
  await http.close();
  await fixture.server.close();
});

async function rpc(user: string, method: string, params: Record<string, unknown>): Promise<RawMessage> {
  const name = typeof params.name === "string" ? params.name : params.taskId;
  const response = await fetch(http.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      authorization: `Bearer ${user}`,
      "mcp-protocol-version": MODERN,
      "mcp-method": method,
      "mcp-name": String(name),
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: { ...params, _meta: modernMeta(CAPS) } }),
  });
  return (await readMessages(response)).at(-1)!;
}

describe("a task belongs to the principal that created it", () => {
  it("another user of the same app can neither read, answer nor cancel it; its owner still can", async () => {
    const created = await rpc("alice", "tools/call", { name: "chain", arguments: { steps: 1 } });
    const taskId = created.result!.taskId as string;
    let parked = (await rpc("alice", "tasks/get", { taskId })).result!;
    while (parked.status !== "input_required") parked = (await rpc("alice", "tasks/get", { taskId })).result!;
    const [key] = Object.keys(parked.inputRequests as object);

    const answer = { role: "assistant", content: { type: "text", text: "bob's answer" }, model: "m" };
    for (const [method, params] of [
      ["tasks/get", { taskId }],
      ["tasks/update", { taskId, inputResponses: { [key!]: answer } }],
      ["tasks/cancel", { taskId }],
    ] as const) {
      const refused = await rpc("bob", method, params);
      expect(refused.error, method).toMatchObject({ code: -32602, message: `Unknown task: ${taskId}` });
    }

    const still = (await rpc("alice", "tasks/get", { taskId })).result!;
    expect(still.status).toBe("input_required");
    const mine = { role: "assistant", content: { type: "text", text: "alice's answer" }, model: "m" };
    await rpc("alice", "tasks/update", { taskId, inputResponses: { [key!]: mine } });
    let done = (await rpc("alice", "tasks/get", { taskId })).result!;
    while (done.status !== "completed") done = (await rpc("alice", "tasks/get", { taskId })).result!;
    expect(JSON.stringify(done.result)).toContain("alice's answer");
  });
});
