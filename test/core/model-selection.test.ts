import { describe, expect, it } from "vitest";
import { selectModel } from "../../src/sampling/model-selection.js";
import type { ModelPreferences } from "../../src/sampling/types.js";

const hints = (...names: string[]): ModelPreferences => ({ hints: names.map((name) => ({ name })) });
const models = ["gpt-4o-mini", "gpt-4o", "claude-haiku-5-5", "llama3.2:3b", "Qwen2.5-Coder:7B"];
const base = { defaultModel: "gpt-4o-mini", models };

describe("selectModel: hints", () => {
  it("uses defaultModel without preferences, hints or matches", () => {
    expect(selectModel(undefined, base)).toBe("gpt-4o-mini");
    expect(selectModel({}, base)).toBe("gpt-4o-mini");
    expect(selectModel(hints("mistral"), base)).toBe("gpt-4o-mini");
  });

  it("prefers an exact name over an earlier model that merely contains it", () => {
    // "gpt-4o-mini" comes first and contains "gpt-4o", but "gpt-4o" is an exact name.
    expect(selectModel(hints("gpt-4o"), base)).toBe("gpt-4o");
  });

  it("matches an exact name ignoring case before substrings", () => {
    expect(selectModel(hints("GPT-4O"), base)).toBe("gpt-4o");
    expect(selectModel(hints("qwen2.5-coder:7b"), base)).toBe("Qwen2.5-Coder:7B");
  });

  it("else takes the first model whose name contains the hint, case-insensitively", () => {
    expect(selectModel(hints("haiku"), base)).toBe("claude-haiku-5-5");
    expect(selectModel(hints("LLAMA"), base)).toBe("llama3.2:3b");
    expect(selectModel(hints("gpt"), base)).toBe("gpt-4o-mini");
    expect(selectModel(hints("coder"), base)).toBe("Qwen2.5-Coder:7B");
  });

  it("tries hints in order: the first hint that matches anything wins", () => {
    expect(selectModel(hints("mistral", "claude", "gpt-4o"), base)).toBe("claude-haiku-5-5");
    expect(selectModel(hints("gpt-4o", "claude"), base)).toBe("gpt-4o");
  });

  it("selects only names in `models` (default [defaultModel]), but any custom name there", () => {
    expect(selectModel(hints("gpt-4o"), { defaultModel: "llama3.2:3b" })).toBe("llama3.2:3b");
    expect(selectModel(hints("llama"), { defaultModel: "llama3.2:3b" })).toBe("llama3.2:3b");
    expect(selectModel(hints("my-finetune"), { defaultModel: "x", models: ["org/my-finetune-v2"] })).toBe(
      "org/my-finetune-v2",
    );
  });

  it("skips nameless and blank hints", () => {
    expect(selectModel({ hints: [{}, { name: "" }, { name: "  " }, { name: "haiku" }] }, base)).toBe(
      "claude-haiku-5-5",
    );
  });
});

describe("selectModel: priorities", () => {
  const scores = {
    cheap: { cost: 0.1, speed: 0.9, intelligence: 0.3 },
    balanced: { cost: 1, speed: 0.6, intelligence: 0.7 },
    smart: { cost: 15, speed: 0.2, intelligence: 1 },
  };
  const options = { defaultModel: "balanced", models: ["cheap", "balanced", "smart"], scores };

  it("prefers the cheapest under costPriority, the fastest under speedPriority, the smartest under intelligencePriority", () => {
    expect(selectModel({ costPriority: 1 }, options)).toBe("cheap");
    expect(selectModel({ speedPriority: 1 }, options)).toBe("cheap");
    expect(selectModel({ intelligencePriority: 1 }, options)).toBe("smart");
  });

  it("weighs priorities against each other", () => {
    // Rescaled: cost → cheap 1, balanced ≈0.94, smart 0; intelligence → cheap 0, balanced ≈0.57, smart 1.
    expect(selectModel({ costPriority: 0.5, intelligencePriority: 0.5 }, options)).toBe("balanced");
    expect(selectModel({ costPriority: 0.1, intelligencePriority: 0.9 }, options)).toBe("smart");
    expect(selectModel({ costPriority: 1, intelligencePriority: 0.05 }, options)).toBe("cheap");
  });

  it("lets a matching hint win over priorities, and priorities decide when no hint matches", () => {
    expect(selectModel({ ...hints("smart"), costPriority: 1 }, options)).toBe("smart");
    expect(selectModel({ ...hints("nothing"), costPriority: 1 }, options)).toBe("cheap");
  });

  it("falls back to defaultModel without scores, without positive priorities, or without rated models", () => {
    expect(selectModel({ costPriority: 1 }, { defaultModel: "balanced", models: ["cheap", "smart"] })).toBe(
      "balanced",
    );
    expect(selectModel({ costPriority: 0, speedPriority: 0 }, options)).toBe("balanced");
    expect(selectModel({ costPriority: 1 }, { ...options, models: ["other"] })).toBe("balanced");
  });

  it("ranks only models in `models`, counts a missing axis as middling, and breaks ties by order", () => {
    expect(selectModel({ costPriority: 1 }, { ...options, models: ["balanced", "smart"] })).toBe("balanced");
    const partial = {
      defaultModel: "a",
      models: ["a", "b", "c"],
      scores: { a: { speed: 1 }, b: { speed: 3 }, c: {} },
    };
    expect(selectModel({ speedPriority: 1 }, partial)).toBe("b");
    const tie = { defaultModel: "z", models: ["x", "y"], scores: { x: { cost: 2 }, y: { cost: 2 } } };
    expect(selectModel({ costPriority: 1 }, tie)).toBe("x");
  });
});
