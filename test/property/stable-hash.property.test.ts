// stableStringify / stableHash / fingerprint: what replay binds answers and arguments with.
import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fingerprint, stableHash, stableStringify } from "../../src/sampling/stable-hash.js";

/** The same value with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .reverse()
      .map((key) => [key, reversedKeys((value as Record<string, unknown>)[key])]),
  );
}

describe("stableStringify", () => {
  it("is JSON of the same value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(stableStringify(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it("does not depend on key order, and tells different values apart", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(stableStringify(reversedKeys(a))).toBe(stableStringify(a));
        expect(stableHash(reversedKeys(a))).toBe(stableHash(a));
        const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));
        expect(stableStringify(a) === stableStringify(b)).toBe(isDeepStrictEqual(asJson(a), asJson(b)));
      }),
    );
  });

  it("orders keys as the built-in sort does, and hashes to the SHA-256 of that text", () => {
    // States minted before and after a change must agree on the hash of the same request.
    const sortedJson = (value: unknown): string => {
      if (value === null || typeof value !== "object") return JSON.stringify(value);
      if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${sortedJson(record[key])}`).join(",")}}`;
    };
    const wide = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 40 });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), wide), (value) => {
        expect(stableStringify(value)).toBe(sortedJson(value));
        const sha = createHash("sha256").update(sortedJson(value)).digest("base64url").slice(0, 22);
        expect(stableHash(value)).toBe(sha);
      }),
    );
  });

  it("skips undefined properties as JSON does", () => {
    expect(stableStringify({ b: 1, a: undefined, c: [undefined] })).toBe('{"b":1,"c":[null]}');
  });
});

describe("fingerprint", () => {
  const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));

  it("does not depend on key order, and tells values with different JSON apart", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(fingerprint(reversedKeys(a))).toBe(fingerprint(a));
        expect(fingerprint(a) === fingerprint(b)).toBe(isDeepStrictEqual(asJson(a), asJson(b)));
      }),
      { numRuns: 500 },
    );
  });

  it("tells apart values that one-character edits, types and nesting make different", () => {
    const params = { messages: [{ role: "user", content: { type: "text", text: "abc" } }], maxTokens: 10 };
    const variants = [
      params,
      { ...params, maxTokens: 11 },
      { ...params, maxTokens: "10" },
      { ...params, messages: [{ role: "user", content: { type: "text", text: "abd" } }] },
      { ...params, messages: [{ role: "user", content: { type: "text", text: "ab" } }] },
      { ...params, messages: [] },
      { ...params, messages: [[]] },
      { ...params, extra: null },
      { ...params, extra: false },
      { ...params, extra: "" },
      { ...params, extra: [] },
      { ...params, extra: {} },
      { ...params, messages: [{ role: "user", content: { type: "text", text: "abc" } }, null] },
    ];
    expect(new Set(variants.map(fingerprint)).size).toBe(variants.length);
    // JSON's own equalities hold: an undefined property is absent, -0 is 0.
    expect(fingerprint({ ...params, gone: undefined })).toBe(fingerprint(params));
    expect(fingerprint({ n: -0 })).toBe(fingerprint({ n: 0 }));
    // A safe integer, kept exactly by JSON.
    expect(Number.isSafeInteger(fingerprint(params))).toBe(true);
  });
});
