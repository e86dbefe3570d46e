import { createHash } from "node:crypto";

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  // Plain loops and string concatenation: this runs on every 2026-07-28 round, over every sample's params.
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + stableStringify(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const entry = record[key];
    if (entry === undefined) continue;
    out += `${first ? "" : ","}${JSON.stringify(key)}:${stableStringify(entry)}`;
    first = false;
  }
  return `${out}}`;
}

/** A short digest (128 bits, base64url) of a value's stable JSON. */
export function stableHash(value: unknown): string {
  return createHash("sha256").update(stableStringify(value)).digest("base64url").slice(0, 22);
}
