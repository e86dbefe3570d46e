import {
  CallToolResultSchema,
  CreateMessageResultSchema,
  CreateMessageResultWithToolsSchema,
} from "@modelcontextprotocol/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { joinText, toCallToolResult } from "../../src/content.js";
import { FastMCPError, type SamplingMessage } from "../../src/index.js";
import { toCreateMessageResult } from "../../src/sampling/handler.js";
import { toSamplingResult } from "../../src/sampling/sample.js";

const text = fc.record({ type: fc.constant("text" as const), text: fc.string() });
const image = fc.record({
  type: fc.constant("image" as const),
  data: fc.base64String(),
  mimeType: fc.constantFrom("image/png", "image/gif"),
});
const audio = fc.record({
  type: fc.constant("audio" as const),
  data: fc.base64String(),
  mimeType: fc.constant("audio/wav"),
});
const toolUse = fc.record({
  type: fc.constant("tool_use" as const),
  id: fc.string({ minLength: 1 }),
  name: fc.string({ minLength: 1 }),
  input: fc.dictionary(fc.string(), fc.jsonValue()),
});
const block = fc.oneof(text, image, audio);

/** Valid answers, near-misses (one field wrong), and plain junk. */
const roles = fc.constantFrom("assistant", "user", "system", "", 7, null);
const answerLike = fc.record(
  {
    role: roles,
    content: fc.oneof(
      block,
      toolUse,
      fc.array(fc.oneof(block, toolUse)),
      fc.jsonValue(),
      fc.record({ type: fc.string(), text: fc.oneof(fc.string(), fc.integer()) }),
    ),
    model: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    stopReason: fc.oneof(
      fc.constantFrom("endTurn", "maxTokens", "toolUse", "custom"),
      fc.integer(),
      fc.constant(null),
    ),
    _meta: fc.dictionary(fc.string(), fc.jsonValue()),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const anyValue = fc.oneof(answerLike, fc.anything(), fc.string(), fc.jsonValue());

describe("handler result → protocol result (toCreateMessageResult)", () => {
  it.each([false, true])(
    "withTools=%s: every value is either a schema-valid result or refused with INVALID_RESULT",
    (withTools) => {
      const schema = withTools ? CreateMessageResultWithToolsSchema : CreateMessageResultSchema;
      fc.assert(
        fc.property(anyValue, (value) => {
          let result: unknown;
          try {
            result = toCreateMessageResult(value, withTools);
          } catch (error) {
            expect(FastMCPError.isInstance(error) && error.code).toBe("INVALID_RESULT");
            expect((error as Error).message).toContain("Sampling handler returned an invalid result");
            return;
          }
          const parsed = schema.safeParse(result);
          expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        }),
        { numRuns: 500 },
      );
    },
  );

  it("a string is a text answer carrying exactly that string", () => {
    fc.assert(
      fc.property(fc.string(), fc.boolean(), (value, withTools) => {
        const result = toCreateMessageResult(value, withTools);
        expect(result).toMatchObject({
          role: "assistant",
          content: { type: "text", text: value },
          stopReason: "endTurn",
        });
      }),
    );
  });

  it("a valid result comes back as the handler's own object (its extra fields kept)", () => {
    const valid = fc.record({
      role: fc.constant("assistant" as const),
      content: block,
      model: fc.string(),
      _meta: fc.dictionary(fc.string(), fc.jsonValue()),
    });
    fc.assert(
      fc.property(valid, (value) => {
        expect(toCreateMessageResult(value, false)).toBe(value);
      }),
    );
  });
});

describe("protocol result → SamplingResult (toSamplingResult)", () => {
  it("text joins the text blocks; history is the request plus the answer; nothing is lost", () => {
    const messages = fc.array(
      fc.record({ role: fc.constantFrom("user" as const, "assistant" as const), content: text }),
    );
    const response = fc.record({
      role: fc.constant("assistant" as const),
      content: fc.oneof(block, fc.array(fc.oneof(block, toolUse))),
      model: fc.string(),
      stopReason: fc.option(fc.string(), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        messages,
        response,
        fc.constantFrom("client" as const, "server" as const),
        (request, answer, via) => {
          const result = toSamplingResult(answer as never, request as SamplingMessage[], via);
          const blocks = Array.isArray(answer.content) ? answer.content : [answer.content];
          expect(result.content).toEqual(blocks);
          expect(result.text).toBe(joinText(blocks));
          expect(result.result).toBe(result.text);
          expect(result.history).toEqual([...request, { role: "assistant", content: answer.content }]);
          expect(result.model).toBe(answer.model);
          expect(result.via).toBe(via);
          if (answer.stopReason !== undefined) expect(result.stopReason).toBe(answer.stopReason);
        },
      ),
    );
  });
});

describe("tool return value → CallToolResult (toCallToolResult)", () => {
  const toolReturn = fc.oneof(
    fc.jsonValue(),
    block,
    fc.array(block),
    fc.record({ content: fc.array(block), isError: fc.boolean() }, { requiredKeys: ["content"] }),
    fc.record({ content: fc.array(block), structuredContent: fc.dictionary(fc.string(), fc.jsonValue()) }),
    fc.record({
      text: fc.string(),
      content: fc.array(block),
      model: fc.string(),
      result: fc.jsonValue(),
      history: fc.constant([]),
      via: fc.constant("client"),
    }),
  );

  it("whatever a tool returns becomes a schema-valid CallToolResult", () => {
    fc.assert(
      fc.property(toolReturn, (value) => {
        const result = toCallToolResult(value);
        const parsed = CallToolResultSchema.safeParse(result);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        // And it is still valid once it has crossed the wire as JSON.
        expect(CallToolResultSchema.safeParse(JSON.parse(JSON.stringify(result))).success).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  // Regression: a CallToolResult-shaped return with bad fields used to be sent unchecked.
  it("a CallToolResult-shaped return with invalid fields is never sent as it is", () => {
    const nearMiss = fc.oneof(
      fc.record({
        content: fc.array(block),
        isError: fc.oneof(fc.string(), fc.integer(), fc.array(fc.jsonValue())),
      }),
      fc.record({
        content: fc.array(block),
        structuredContent: fc.oneof(fc.integer(), fc.string(), fc.array(fc.jsonValue())),
      }),
      fc.record({ content: fc.array(block), _meta: fc.oneof(fc.integer(), fc.string()) }),
    );
    fc.assert(
      fc.property(nearMiss, (value) => {
        let result: unknown;
        try {
          result = toCallToolResult(value);
        } catch (error) {
          expect(FastMCPError.isInstance(error)).toBe(true);
          return;
        }
        expect(CallToolResultSchema.safeParse(result).success).toBe(true);
      }),
    );
  });

  it("strings and numbers become one text block of themselves; undefined and null no content", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean()), (value) => {
        expect(toCallToolResult(value)).toEqual({ content: [{ type: "text", text: String(value) }] });
      }),
    );
    expect(toCallToolResult(undefined)).toEqual({ content: [] });
    expect(toCallToolResult(null)).toEqual({ content: [] });
  });

  it("a plain object is structured content, with its JSON as text", () => {
    const plain = fc.dictionary(
      fc.string().filter((k) => !["content", "type", "via", "history"].includes(k)),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(plain, (value) => {
        const result = toCallToolResult(value);
        expect(result.structuredContent).toBe(value);
        expect(result.content).toEqual([{ type: "text", text: JSON.stringify(value) }]);
      }),
    );
  });
});
