// The pieces of the tool loop on their own: the final_response tool (Python's
// create_final_response_tool), prepareTools (test_prepare_tools.py / test_sampling_tool.py, as far
// as they apply to a TypeScript shape), tool results, the concurrency limiter, and the typing of
// ctx.sample (checked by `tsc --noEmit`).
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { FastMCP, type FastMCPError, ToolError } from "../../src/index.js";
import { createFinalResponse, FINAL_RESPONSE_DESCRIPTION } from "../../src/sampling/final-response.js";
import {
  createLimiter,
  parseToolChoice,
  parseToolConcurrency,
  prepareTools,
  resultBlock,
  toolUses,
} from "../../src/sampling/sampling-tools.js";

const errorOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as FastMCPError;
  }
  throw new Error("expected an error");
};

describe("final_response", () => {
  it("keeps an object schema as the tool's input schema", () => {
    const final = createFinalResponse(z.object({ a: z.number(), b: z.string().optional() }));
    expect(final.wrapped).toBe(false);
    expect(final.tool).toMatchObject({
      name: "final_response",
      description: FINAL_RESPONSE_DESCRIPTION,
      inputSchema: {
        type: "object",
        properties: { a: { type: "number" }, b: { type: "string" } },
        required: ["a"],
      },
    });
  });

  it.each<[string, StandardSchemaV1, string]>([
    ["an integer", z.number().int(), "integer"],
    ["a list of strings", z.array(z.string()), "array"],
    ["a string", z.string(), "string"],
  ])("wraps %s as {value}", (_name, schema, type) => {
    const final = createFinalResponse(schema);
    expect(final.wrapped).toBe(true);
    const input = final.tool.inputSchema as {
      type: string;
      properties: { value: { type: string } };
      required: string[];
    };
    expect(input.type).toBe("object");
    expect(input.required).toEqual(["value"]);
    expect(input.properties.value.type).toBe(type);
  });

  it("wraps a union (no root type) and keeps a record (type object) unwrapped", () => {
    expect(
      createFinalResponse(z.union([z.object({ a: z.string() }), z.object({ b: z.string() })])).wrapped,
    ).toBe(true);
    expect(createFinalResponse(z.record(z.string(), z.number())).wrapped).toBe(false);
  });

  it("hoists $defs to the wrapper's root, where references point", () => {
    interface Node {
      name: string;
      children: Node[];
    }
    const node: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), children: z.array(node) }));
    const final = createFinalResponse(z.array(node));
    const input = final.tool.inputSchema as unknown as {
      $defs?: unknown;
      properties: { value: Record<string, unknown> };
    };
    expect(JSON.stringify(input.properties.value)).toContain("#/$defs/");
    expect(input.$defs).toBeDefined();
    expect(input.properties.value.$defs).toBeUndefined();
    expect(input.properties.value.$schema).toBeUndefined(); // the dialect is the root's
  });

  it("unwraps and validates", async () => {
    const final = createFinalResponse(z.number().int());
    expect(await final.parse({ value: 42 })).toEqual({ ok: true, value: 42 });
    const bad = await final.parse({ value: "not_an_int" });
    expect(bad.ok).toBe(false);
    expect((bad as { message: string }).message).toMatch(/number/i);
    expect(await final.parse({ answer: 42 })).toEqual({
      ok: false,
      message: expect.stringContaining("value: Required"),
    });
  });

  it("validates objects and names the bad field", async () => {
    const final = createFinalResponse(z.object({ sum: z.number() }));
    expect(await final.parse({ sum: 5 })).toEqual({ ok: true, value: { sum: 5 } });
    expect(await final.parse({ sum: "five" })).toEqual({
      ok: false,
      message: expect.stringMatching(/^sum: /),
    });
  });

  it("refuses what is not a Standard Schema with JSON Schema", () => {
    expect(errorOf(() => createFinalResponse({} as never)).code).toBe("INVALID_ARGUMENT");
    const noJson = { "~standard": { version: 1, vendor: "x", validate: (value: unknown) => ({ value }) } };
    const error = errorOf(() => createFinalResponse(noJson as never));
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toContain("Standard JSON Schema");
  });
});

describe("prepareTools", () => {
  const tick = { name: "tick", execute: () => "ok" };

  it("gives no tools for none or an empty list", () => {
    expect(prepareTools(undefined).wire).toEqual([]);
    expect(prepareTools([]).wire).toEqual([]);
  });

  it("refuses a tool whose parameters are not an object schema as a bad argument of the call", () => {
    const error = errorOf(() => prepareTools([{ name: "s", parameters: z.string(), execute: () => "" }]));
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toBe(
      "Sampling tool 's': parameters must describe an object (e.g. z.object({...})).",
    );
  });

  it("turns parameters into a JSON Schema input schema and keeps the description", () => {
    const search = {
      name: "search",
      description: "Search the web",
      parameters: z.object({ query: z.string(), limit: z.number().default(10) }),
      execute: () => [],
    };
    const { wire, byName } = prepareTools([search, tick]);
    expect(wire[0]).toMatchObject({
      name: "search",
      description: "Search the web",
      inputSchema: { type: "object", properties: { query: { type: "string" }, limit: { type: "number" } } },
    });
    expect(wire[1]).toEqual({ name: "tick", inputSchema: { type: "object", properties: {} } });
    expect(byName.get("search")).toBe(search);
    expect(prepareTools([search]).wire[0]).toBe(wire[0]); // computed once per tool object
  });

  it("takes a registered server tool as it is", () => {
    const server = new FastMCP({ name: "t" }).tool({
      name: "lookup",
      description: "Looks up",
      parameters: z.object({ key: z.string() }),
      execute: ({ key }) => key,
    });
    expect(prepareTools(server.tools).wire).toMatchObject([
      {
        name: "lookup",
        description: "Looks up",
        inputSchema: {
          type: "object",
          properties: { key: { type: "string" } },
          required: ["key"],
        },
      },
    ]);
  });

  it.each([
    ["not an array", "nope", "must be an array"],
    ["an item without execute", [{ name: "x" }], "tools[0] must be { name, execute"],
    ["an item without a name", [{ execute: () => 1 }], "tools[0] must be { name, execute"],
    ["a string", ["not a tool"], "tools[0] must be"],
    ["two tools with one name", [tick, { ...tick }], "two tools are named 'tick'"],
  ])("refuses %s", (_name, tools, message) => {
    const error = errorOf(() => prepareTools(tools));
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toContain(message);
  });

  it("appends the reserved final_response tool and refuses a user tool with its name", () => {
    const final = createFinalResponse(z.number());
    expect(prepareTools([tick], final.tool).wire.map((t) => t.name)).toEqual(["tick", "final_response"]);
    expect(errorOf(() => prepareTools([{ ...tick, name: "final_response" }], final.tool)).message).toContain(
      "reserved",
    );
  });

  it("validates toolChoice and toolConcurrency", () => {
    expect(parseToolChoice("auto")).toBe("auto");
    expect(parseToolChoice(undefined)).toBeUndefined();
    expect(errorOf(() => parseToolChoice("any")).message).toBe(
      'Invalid toolChoice: "any". Must be "auto", "required", or "none".',
    );
    expect(parseToolConcurrency(0)).toBe(0);
    expect(parseToolConcurrency(3)).toBe(3);
    for (const bad of [-1, 1.5, Number.NaN, "2"])
      expect(errorOf(() => parseToolConcurrency(bad)).code).toBe("INVALID_ARGUMENT");
  });
});

describe("tool results", () => {
  it.each([
    ["a string as it is", "plain", [{ type: "text", text: "plain" }]],
    ["a number as JSON", 8, [{ type: "text", text: "8" }]],
    ["an object as JSON", { a: 1, b: [true] }, [{ type: "text", text: '{"a":1,"b":[true]}' }]],
    ["a list as JSON", ["x", 1], [{ type: "text", text: '["x",1]' }]],
    ["undefined as null", undefined, [{ type: "text", text: "null" }]],
    ["null as null", null, [{ type: "text", text: "null" }]],
    [
      "an image block as it is",
      { type: "image", data: "AA==", mimeType: "image/png" },
      [{ type: "image", data: "AA==", mimeType: "image/png" }],
    ],
  ])("sends %s", (_name, value, content) => {
    expect(resultBlock("id1", value)).toEqual({ type: "tool_result", toolUseId: "id1", content });
  });

  it("keeps a CallToolResult's isError", () => {
    expect(resultBlock("id1", { content: [{ type: "text", text: "no" }], isError: true })).toEqual({
      type: "tool_result",
      toolUseId: "id1",
      content: [{ type: "text", text: "no" }],
      isError: true,
    });
  });

  it("finds tool_use blocks among other blocks", () => {
    const call = { type: "tool_use" as const, id: "a", name: "t", input: {} };
    expect(toolUses([{ type: "text", text: "x" }, call])).toEqual([call]);
  });
});

describe("createLimiter", () => {
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it.each([
    [1, 1],
    [2, 2],
    [0, 5],
  ])("with limit %i runs at most %i of 5 tasks at once, results in order", async (limit, expected) => {
    const run = createLimiter(limit);
    let running = 0;
    let most = 0;
    const results = await Promise.all(
      [5, 4, 3, 2, 1].map((ticks, index) =>
        run(async () => {
          running++;
          most = Math.max(most, running);
          for (let i = 0; i < ticks; i++) await tick();
          running--;
          return index;
        }),
      ),
    );
    expect(most).toBe(expected);
    expect(results).toEqual([0, 1, 2, 3, 4]);
  });

  it("frees the slot of a failed task", async () => {
    const run = createLimiter(1);
    const failed = run(async () => {
      throw new ToolError("boom");
    });
    await expect(failed).rejects.toThrow("boom");
    await expect(run(async () => "next")).resolves.toBe("next");
  });
});
