// The spec's tool_use/tool_result rules (2025-11-25), as src/sampling/tool-ordering.ts checks them
// on both sides: the server before it sends a request, the client (-32602) before its handler.
import { describe, expect, it } from "vitest";
import type { SamplingMessage } from "../../src/index.js";
import { toolOrderingViolation } from "../../src/sampling/tool-ordering.js";

const user = (text: string): SamplingMessage => ({ role: "user", content: { type: "text", text } });
const said = (text: string): SamplingMessage => ({ role: "assistant", content: { type: "text", text } });
const uses = (...ids: string[]): SamplingMessage => ({
  role: "assistant",
  content: ids.map((id) => ({ type: "tool_use" as const, id, name: "t", input: {} })),
});
const results = (...ids: string[]): SamplingMessage => ({
  role: "user",
  content: ids.map((toolUseId) => ({ type: "tool_result" as const, toolUseId, content: [] })),
});

describe("toolOrderingViolation", () => {
  it.each<[string, SamplingMessage[]]>([
    ["no messages", []],
    ["a plain conversation", [user("hi"), said("hello"), user("bye")]],
    ["one call answered", [user("hi"), uses("a"), results("a"), said("done")]],
    ["two calls answered in one turn", [user("hi"), uses("a", "b"), results("a", "b")]],
    ["results in another order than the calls", [user("hi"), uses("a", "b"), results("b", "a")]],
    [
      "text beside tool_use in the assistant turn",
      [
        user("hi"),
        {
          role: "assistant",
          content: [
            { type: "text", text: "let me look" },
            { type: "tool_use", id: "a", name: "t", input: {} },
          ],
        },
        results("a"),
      ],
    ],
    [
      "single-block (non-array) contents",
      [
        user("hi"),
        { role: "assistant", content: { type: "tool_use", id: "a", name: "t", input: {} } },
        { role: "user", content: { type: "tool_result", toolUseId: "a", content: [] } },
      ],
    ],
    [
      "several rounds",
      [user("hi"), uses("a"), results("a"), uses("b", "c"), results("c", "b"), said("ok"), user("more")],
    ],
  ])("accepts %s", (_name, messages) => {
    expect(toolOrderingViolation(messages)).toBeUndefined();
  });

  it.each<[string, SamplingMessage[], string]>([
    [
      "tool_result mixed with text",
      [
        user("hi"),
        uses("a"),
        {
          role: "user",
          content: [
            { type: "tool_result", toolUseId: "a", content: [] },
            { type: "text", text: "and also" },
          ],
        },
      ],
      "messages[2]: a user message with tool_result content must contain only tool_result blocks",
    ],
    [
      "tool_result in an assistant message",
      [user("hi"), uses("a"), { ...results("a"), role: "assistant" }],
      "messages[2]: tool_result blocks must be in a user message",
    ],
    [
      "tool_result first",
      [results("a")],
      "messages[0]: tool_result blocks do not answer any tool_use in the previous message",
    ],
    [
      "tool_result after a text turn",
      [user("hi"), said("hello"), results("a")],
      "messages[2]: tool_result blocks do not answer any tool_use in the previous message",
    ],
    [
      "a missing result",
      [user("hi"), uses("a", "b"), results("a")],
      "messages[2]: tool_result ids [a] do not match the tool_use ids [a, b] of the previous message",
    ],
    [
      "an extra result",
      [user("hi"), uses("a"), results("a", "b")],
      "messages[2]: tool_result ids [a, b] do not match the tool_use ids [a] of the previous message",
    ],
    [
      "two results for one id in one turn",
      [user("hi"), uses("a"), results("a", "a")],
      "messages[2]: tool_result ids [a, a] do not match the tool_use ids [a] of the previous message",
    ],
    [
      // What Python FastMCP's validation retry sends: a second user turn answering the same id
      "two consecutive user turns answering one id",
      [user("hi"), uses("a"), results("a"), results("a")],
      "messages[3]: tool_result blocks do not answer any tool_use in the previous message",
    ],
    [
      "a result for another id",
      [user("hi"), uses("a"), results("z")],
      "messages[2]: tool_result ids [z] do not match the tool_use ids [a] of the previous message",
    ],
    [
      "tool_use in a user message",
      [{ ...uses("a"), role: "user" }, results("a")],
      "messages[0]: tool_use blocks must be in an assistant message",
    ],
    [
      "a tool_use answered by text",
      [user("hi"), uses("a"), user("never mind")],
      "messages[2]: every tool_use must be followed by a user message with its tool_result",
    ],
    [
      "a request ending with a tool_use",
      [user("hi"), uses("a")],
      "messages[1]: the request ends with a tool_use that has no tool_result",
    ],
  ])("rejects %s", (_name, messages, violation) => {
    expect(toolOrderingViolation(messages)).toBe(violation);
  });
});
