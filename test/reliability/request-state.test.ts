import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, type FastMCP } from "../../src/index.js";
import build from "../fixtures/reliability-server.js";
import { rejectionOf } from "../helpers/pending.js";
import { modernMeta, postModern } from "../helpers/raw-http.js";

const KEY = "reliability-test-key-at-least-32-bytes!";
let server: FastMCP;
let other: FastMCP;
let url: string;

beforeAll(async () => {
  server = build({ requestStateKey: KEY, requestStateTtlSeconds: 1 });
  other = build({ requestStateKey: "another-key-of-at-least-thirty-two-bytes" });
  await Promise.all([server.run({ transport: "http", port: 0 }), other.run({ transport: "http", port: 0 })]);
  url = server.url!;
});
afterAll(() => Promise.all([server.close(), other.close()]));

const answer = { "sample-0": { role: "assistant", content: { type: "text", text: "Paris" }, model: "m" } };
const call = (
  target: string,
  extra: Record<string, unknown> = {},
  args: Record<string, unknown> = { prompt: "capital?" },
  id = 1,
) =>
  postModern(target, {
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name: "sample", arguments: args, ...extra, _meta: modernMeta({ sampling: {} }) },
  });
const stateOf = async (target: string, args?: Record<string, unknown>) =>
  (await call(target, {}, args)).message.result?.requestState as string;

describe("2026-07-28 requestState is refused when forged or expired", () => {
  it.each([
    ["garbage", "not-a-state"],
    ["an empty string", ""],
    [
      "a well-formed envelope with a made-up signature",
      `v1.${Buffer.from('{"p":{"v":1},"exp":9999999999}').toString("base64url")}.AAAA`,
    ],
  ])("%s", async (_label, requestState) => {
    const { message } = await call(url, { requestState, inputResponses: answer }, undefined, 2);
    expect(message.error).toMatchObject({ code: -32602 });
  });

  it("state minted by a server with another key", async () => {
    const foreign = await stateOf(other.url!);
    const { message } = await call(url, { requestState: foreign, inputResponses: answer }, undefined, 2);
    expect(message.error).toMatchObject({ code: -32602, message: "Invalid or expired requestState" });
  });

  it("state minted for other arguments of the same tool", async () => {
    const state = await stateOf(url, { prompt: "one thing" });
    const { message } = await call(
      url,
      { requestState: state, inputResponses: answer },
      { prompt: "another" },
      2,
    );
    expect(message.error?.code).toBe(-32602);
    expect(message.error?.message).toContain("different call");
  });

  it("valid state is accepted (the control)", async () => {
    const state = await stateOf(url);
    const { message } = await call(url, { requestState: state, inputResponses: answer }, undefined, 2);
    expect(message.result?.content).toEqual([{ type: "text", text: "client|Paris" }]);
  });

  it("expired state (requestStateTtlSeconds: 1), raw and through the Client", async () => {
    const state = await stateOf(url);
    // Our Client, whose handler answers too late for the state it must echo.
    const client = new Client(url, {
      protocol: "2026",
      samplingHandler: () => new Promise<string>((resolve) => setTimeout(() => resolve("late"), 2_600)),
    });
    await client.connect();
    try {
      const slow = rejectionOf(client.callTool("sample", { prompt: "slow" }), 15_000);
      await new Promise((resolve) => setTimeout(resolve, 2_600));
      const { message } = await call(url, { requestState: state, inputResponses: answer }, undefined, 2);
      expect(message.error).toMatchObject({ code: -32602, message: "Invalid or expired requestState" });
      const error = await slow;
      expect((error as { code?: number }).code).toBe(-32602);
      expect(error.message).toContain("Invalid or expired requestState");
    } finally {
      await client.close();
    }
  });
});
