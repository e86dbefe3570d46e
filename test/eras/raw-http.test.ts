import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastMCP } from "../../src/index.js";
import build from "../fixtures/sampling-basics.js";
import { legacyInitialize, modernMeta, postModern, readMessages, streamSse } from "../helpers/raw-http.js";

let server: FastMCP;
let url: string;

beforeAll(async () => {
  server = build({ requestStateKey: "a-test-key-of-at-least-32-bytes!!" });
  await server.run({ transport: "http", port: 0 });
  url = server.url!;
});
afterAll(() => server.close());

describe("2025 era, raw HTTP without a GET stream", () => {
  it("delivers the sampling request on the tools/call POST stream and takes the answer", async () => {
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    const init = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(legacyInitialize()),
    });
    const session = init.headers.get("mcp-session-id")!;
    expect(session).toBeTruthy();
    await readMessages(init);
    const sessionHeaders = { ...headers, "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" };
    const initialized = await fetch(url, {
      method: "POST",
      headers: sessionHeaders,
      body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    });
    expect(initialized.status).toBe(202);

    const call = await fetch(url, {
      method: "POST",
      headers: sessionHeaders,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "one", arguments: { prompt: "raw" } },
      }),
    });
    expect(call.headers.get("content-type")).toContain("text/event-stream");
    const seen: string[] = [];
    for await (const message of streamSse(call)) {
      if (message.method === "sampling/createMessage") {
        seen.push("request");
        const reply = await fetch(url, {
          method: "POST",
          headers: sessionHeaders,
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: message.id,
            result: { role: "assistant", content: { type: "text", text: "raw answer" }, model: "raw" },
          }),
        });
        expect(reply.status).toBe(202);
      } else if (message.id === 2) {
        seen.push("result");
        expect(message.result?.content).toEqual([{ type: "text", text: "client|raw answer" }]);
        break;
      }
    }
    expect(seen).toEqual(["request", "result"]);
  });
});

describe("2026-07-28, raw HTTP", () => {
  const call = (name: string, capabilities: object, extra: Record<string, unknown> = {}, id = 1) =>
    postModern(url, {
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: {
        name,
        arguments: name === "one" ? { prompt: "x" } : {},
        ...extra,
        _meta: modernMeta(capabilities),
      },
    });

  it("answers -32021 with HTTP 400 when the client lacks sampling", async () => {
    const { status, message } = await call("one", {});
    expect(status).toBe(400);
    expect(message.error).toMatchObject({ code: -32021, data: { requiredCapabilities: { sampling: {} } } });
  });

  it("returns input_required, then completes with the answer and the echoed state", async () => {
    const first = await call("one", { sampling: {} });
    expect(first.message.result?.resultType).toBe("input_required");
    const state = first.message.result?.requestState as string;
    const second = await call(
      "one",
      { sampling: {} },
      {
        requestState: state,
        inputResponses: {
          "sample-0": { role: "assistant", content: { type: "text", text: "Paris" }, model: "m" },
        },
      },
      2,
    );
    expect(second.message.result?.content).toEqual([{ type: "text", text: "client|Paris" }]);
  });

  it("refuses a forged or altered requestState", async () => {
    const forged = await call("one", { sampling: {} }, { requestState: "forged", inputResponses: {} });
    expect(forged.message.error).toMatchObject({ code: -32602, message: "Invalid or expired requestState" });
    const first = await call("one", { sampling: {} });
    const state = first.message.result?.requestState as string;
    const [version, payload, signature] = state.split(".");
    const decoded = JSON.parse(Buffer.from(payload!, "base64url").toString());
    decoded.p.answers["sample-0"] = {
      role: "assistant",
      content: { type: "text", text: "injected" },
      model: "m",
    };
    const altered = `${version}.${Buffer.from(JSON.stringify(decoded)).toString("base64url")}.${signature}`;
    const refused = await call("one", { sampling: {} }, { requestState: altered, inputResponses: {} }, 2);
    expect(refused.message.error?.code).toBe(-32602);
  });

  it("refuses state minted for another tool", async () => {
    const first = await call("one", { sampling: {} });
    const state = first.message.result?.requestState as string;
    const reused = await call("sequential", { sampling: {} }, { requestState: state, inputResponses: {} }, 2);
    expect(reused.message.error?.code).toBe(-32602);
    expect(reused.message.error?.message).toContain("different call");
  });

  it("fails a tool whose replay asks for something different, clearly", async () => {
    const first = await call("nondeterministic", { sampling: {} });
    const state = first.message.result?.requestState as string;
    const second = await call(
      "nondeterministic",
      { sampling: {} },
      {
        requestState: state,
        inputResponses: {
          "sample-0": { role: "assistant", content: { type: "text", text: "6" }, model: "m" },
        },
      },
      2,
    );
    expect(second.message.result?.isError).toBe(true);
    expect(JSON.stringify(second.message.result?.content)).toContain("Replay mismatch at sample-0");
  });

  it("asks again when a response is missing, and keeps nothing pending between rounds", async () => {
    const first = await call("parallel", { sampling: {} });
    const keys = Object.keys(first.message.result?.inputRequests as object);
    expect(keys).toEqual(["sample-0", "sample-1", "sample-2"]);
    const state = first.message.result?.requestState as string;
    const partial = await call(
      "parallel",
      { sampling: {} },
      {
        requestState: state,
        inputResponses: {
          "sample-1": { role: "assistant", content: { type: "text", text: "B" }, model: "m" },
        },
      },
      2,
    );
    expect(Object.keys(partial.message.result?.inputRequests as object)).toEqual(["sample-0", "sample-2"]);
    expect(server.pending.samples).toBe(0);
  });
});
