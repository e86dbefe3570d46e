import { CreateMessageRequestParamsSchema, ModelPreferencesSchema } from "@modelcontextprotocol/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { joinText } from "../../src/content.js";
import { FastMCPError, type SampleOptions, type SamplingMessage } from "../../src/index.js";
import { selectModel } from "../../src/sampling/model-selection.js";
import {
  buildSamplingParams,
  DEFAULT_MAX_TOKENS,
  parseModelPreferences,
  toSamplingMessages,
} from "../../src/sampling/sampling-params.js";

const textBlock = fc.record({ type: fc.constant("text" as const), text: fc.string() });
const imageBlock = fc.record({
  type: fc.constant("image" as const),
  data: fc.base64String(),
  mimeType: fc.constantFrom("image/png", "image/jpeg"),
});
const message: fc.Arbitrary<SamplingMessage> = fc.record({
  role: fc.constantFrom("user" as const, "assistant" as const),
  content: fc.oneof(textBlock, imageBlock),
}) as fc.Arbitrary<SamplingMessage>;

const invalidCode = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return FastMCPError.isInstance(error) ? error.code : `not a FastMCPError: ${String(error)}`;
  }
  return "did not throw";
};

describe("message normalisation", () => {
  it("a string is exactly one user text message", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(toSamplingMessages(text)).toEqual([{ role: "user", content: { type: "text", text } }]);
      }),
    );
  });

  it("a list keeps its length and order: strings become user text, messages pass through as they are", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), message)), (items) => {
        const out = toSamplingMessages(items);
        expect(out).toHaveLength(items.length);
        items.forEach((item, i) => {
          if (typeof item === "string")
            expect(out[i]).toEqual({ role: "user", content: { type: "text", text: item } });
          else expect(out[i]).toBe(item);
        });
      }),
    );
  });

  it("anything else in a list is refused with INVALID_ARGUMENT, never passed on", () => {
    const junk = fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.record({ text: fc.string() }),
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), message)), junk, fc.nat(), (items, bad, at) => {
        const list = [...items];
        list.splice(at % (list.length + 1), 0, bad as never);
        expect(invalidCode(() => toSamplingMessages(list))).toBe("INVALID_ARGUMENT");
      }),
    );
    expect(invalidCode(() => toSamplingMessages(42 as never))).toBe("INVALID_ARGUMENT");
  });

  it("buildSamplingParams gives valid wire params, with absent options absent and maxTokens defaulted", () => {
    const options = fc.record(
      {
        systemPrompt: fc.string(),
        temperature: fc.double({ min: 0, max: 2, noNaN: true }),
        maxTokens: fc.integer({ min: 1, max: 1_000_000 }),
        modelPreferences: fc.oneof(fc.string(), fc.array(fc.string())),
        includeContext: fc.constantFrom("none" as const, "thisServer" as const, "allServers" as const),
        stopSequences: fc.array(fc.string()),
        metadata: fc.dictionary(fc.string(), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), message), { minLength: 1 }), options, (input, opts) => {
        const params = buildSamplingParams(toSamplingMessages(input), opts as SampleOptions<unknown>);
        expect(CreateMessageRequestParamsSchema.safeParse(params).success).toBe(true);
        expect(params.maxTokens).toBe(opts.maxTokens ?? DEFAULT_MAX_TOKENS);
        const expected = new Set(["messages", "maxTokens", ...Object.keys(opts)]);
        for (const key of Object.keys(params)) expect(expected.has(key), key).toBe(true);
      }),
    );
  });

  it("buildSamplingParams refuses a maxTokens that is not a positive integer", () => {
    const bad = fc.oneof(
      fc.integer({ max: 0 }),
      fc.double({ noInteger: true }),
      fc.constant(Number.NaN),
      fc.constant(Number.POSITIVE_INFINITY),
    );
    fc.assert(
      fc.property(bad, (maxTokens) => {
        expect(invalidCode(() => buildSamplingParams([], { maxTokens }))).toBe("INVALID_ARGUMENT");
      }),
    );
  });

  it("joinText joins exactly the text blocks, in order", () => {
    const block = fc.oneof(
      textBlock,
      imageBlock,
      fc.record({ type: fc.constant("audio"), data: fc.string(), mimeType: fc.string() }),
    );
    fc.assert(
      fc.property(fc.array(block), (blocks) => {
        const texts = blocks.filter((b) => b.type === "text").map((b) => (b as { text: string }).text);
        expect(joinText(blocks)).toBe(texts.join("\n"));
      }),
    );
  });
});

describe("model-preference parsing", () => {
  it("a string is one hint; a list is hints in order; a preferences object passes through", () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        expect(parseModelPreferences(name)).toEqual({ hints: [{ name }] });
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.string()), (names) => {
        const parsed = parseModelPreferences(names);
        expect(parsed).toEqual({ hints: names.map((name) => ({ name })) });
        expect(ModelPreferencesSchema.safeParse(parsed).success).toBe(true);
      }),
    );
    const preferences = fc.record(
      {
        hints: fc.array(fc.record({ name: fc.string() })),
        costPriority: fc.double({ min: 0, max: 1, noNaN: true }),
        speedPriority: fc.double({ min: 0, max: 1, noNaN: true }),
        intelligencePriority: fc.double({ min: 0, max: 1, noNaN: true }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(preferences, (prefs) => {
        expect(parseModelPreferences(prefs)).toBe(prefs);
      }),
    );
    expect(parseModelPreferences(undefined)).toBeUndefined();
    expect(parseModelPreferences(null)).toBeUndefined();
  });

  it("a list with anything but strings, or a number or boolean, is refused with INVALID_ARGUMENT", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string()),
        fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.object()),
        (names, bad) => {
          expect(invalidCode(() => parseModelPreferences([...names, bad]))).toBe("INVALID_ARGUMENT");
        },
      ),
    );
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.boolean()), (bad) => {
        expect(invalidCode(() => parseModelPreferences(bad))).toBe("INVALID_ARGUMENT");
      }),
    );
  });

  // Regression: `{ hints: 42 }` used to pass unchecked and crash selectModel in provider handlers.
  it("a preferences object that is not valid ModelPreferences is refused with INVALID_ARGUMENT", () => {
    const junk = fc.oneof(
      fc.record({ hints: fc.oneof(fc.integer(), fc.string(), fc.object()) }),
      fc.record({ hints: fc.array(fc.record({ name: fc.integer() }), { minLength: 1 }) }),
      fc.record({ costPriority: fc.oneof(fc.string(), fc.double({ min: 1.5, max: 100 })) }),
    );
    fc.assert(
      fc.property(junk, (value) => {
        expect(invalidCode(() => parseModelPreferences(value))).toBe("INVALID_ARGUMENT");
      }),
    );
  });

  const modelName = fc.stringMatching(/^[a-z][a-z0-9.-]{0,11}$/);
  const models = fc.uniqueArray(modelName, { minLength: 1, maxLength: 6 });

  it("selectModel always answers one of the known models or the default", () => {
    const preferences = fc.record(
      {
        hints: fc.array(fc.record({ name: fc.oneof(fc.string(), modelName) }, { requiredKeys: [] })),
        costPriority: fc.double({ noNaN: false }),
        speedPriority: fc.double(),
        intelligencePriority: fc.double(),
      },
      { requiredKeys: [] },
    );
    const scores = fc.dictionary(
      modelName,
      fc.record({ cost: fc.double(), speed: fc.double(), intelligence: fc.double() }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(
        fc.option(preferences, { nil: undefined }),
        models,
        modelName,
        fc.option(scores, { nil: undefined }),
        (prefs, names, fallback, table) => {
          const chosen = selectModel(prefs, {
            defaultModel: fallback,
            models: names,
            ...(table !== undefined && { scores: table }),
          });
          expect([...names, fallback]).toContain(chosen);
        },
      ),
    );
  });

  it("the first hint that matches wins: exact name, then case-insensitive, then substring", () => {
    fc.assert(
      fc.property(models, fc.nat(), fc.array(fc.string()), (names, pick, others) => {
        const target = names[pick % names.length]!;
        // An exact hint first, whatever follows it.
        expect(
          selectModel(
            { hints: [{ name: target }, ...others.map((name) => ({ name }))] },
            { defaultModel: "default", models: names },
          ),
        ).toBe(target);
        // A hint in another case picks a model of that name ignoring case.
        const shouted = selectModel(
          { hints: [{ name: target.toUpperCase() }] },
          { defaultModel: "default", models: names },
        );
        expect(shouted.toLowerCase()).toBe(target.toLowerCase());
        // A substring hint picks a model that contains it.
        const part = target.slice(0, Math.max(1, Math.ceil(target.length / 2)));
        expect(
          selectModel({ hints: [{ name: part }] }, { defaultModel: "default", models: names }).toLowerCase(),
        ).toContain(part.toLowerCase());
      }),
    );
  });

  it("with only a cost priority, the cheapest rated model wins", () => {
    fc.assert(
      fc.property(
        models,
        fc.uniqueArray(fc.integer({ min: 0, max: 1_000 }), { minLength: 6, maxLength: 6 }),
        (names, costs) => {
          const scores = Object.fromEntries(names.map((name, i) => [name, { cost: costs[i]! }]));
          const cheapest = names.reduce((best, name) =>
            scores[name]!.cost < scores[best]!.cost ? name : best,
          );
          expect(selectModel({ costPriority: 1 }, { defaultModel: "default", models: names, scores })).toBe(
            cheapest,
          );
        },
      ),
    );
  });
});
