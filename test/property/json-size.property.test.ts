// The client's size caps on sampling requests and answers: the cheap bound never lets an oversized value through.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonBytesOver } from "../../src/client/json-size.js";

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
const text = fc.string({ unit: "binary", maxLength: 40 });
const values = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(text, fc.oneof(text, fc.double(), fc.boolean(), fc.constant(undefined)), { maxKeys: 8 }),
  fc.array(fc.oneof(text, fc.double(), fc.constant(null), fc.constant(undefined))),
  fc.constant({ when: new Date(0), boxed: [new Number(12345), new String("abc")] }),
);

describe("jsonBytesOver", () => {
  it("is the exact UTF-8 JSON size when over the limit, and undefined otherwise", () => {
    fc.assert(
      fc.property(values, fc.nat({ max: 400 }), (value, limit) => {
        const size = bytes(value);
        expect(jsonBytesOver(value, limit)).toBe(size > limit ? size : undefined);
      }),
      { numRuns: 2000 },
    );
  });
});
