import * as crypto from "node:crypto";

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
  const keys = Object.keys(record);
  sortKeys(keys);
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

/**
 * Sorts in place as `Array.prototype.sort` would (UTF-16 code-unit order). Objects have a few keys:
 * insertion sort allocates nothing, where the built-in sort allocated ~0.8 KB per call.
 */
function sortKeys(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
}

type OneShotHash = (algorithm: string, data: string, encoding: "base64url") => string;
// Node >= 20.12 has a one-shot `crypto.hash`: no Hash object per call, about half the cost of
// createHash for the short inputs replay hashes (four per sampled 2026-07-28 call).
const oneShot = (crypto as { hash?: OneShotHash }).hash;
const sha256 =
  oneShot !== undefined
    ? (text: string) => oneShot("sha256", text, "base64url")
    : (text: string) => crypto.createHash("sha256").update(text).digest("base64url");

/** A short digest (128 bits, base64url) of a value's stable JSON. */
export function stableHash(value: unknown): string {
  return sha256(stableStringify(value)).slice(0, 22);
}

// Two 32-bit lanes of a multiplicative hash, fed by a walk of the value: no JSON text, no native call.
let laneA = 0;
let laneB = 0;

function feed(code: number): void {
  laneA = Math.imul(laneA ^ code, 0x9e3779b1);
  laneB = Math.imul(laneB ^ code, 0x85ebca77);
}

function feedString(text: string): void {
  // Lanes in locals for the loop: module bindings are a context load and store per character.
  let a = Math.imul(laneA ^ text.length, 0x9e3779b1);
  let b = Math.imul(laneB ^ text.length, 0x85ebca77);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x9e3779b1);
    b = Math.imul(b ^ code, 0x85ebca77);
  }
  laneA = a;
  laneB = b;
}

function feedValue(value: unknown): void {
  switch (typeof value) {
    case "string":
      feed(0x73);
      feedString(value);
      return;
    case "number":
      feed(0x6e);
      feedString(Number.isFinite(value) ? String(value) : "null");
      return;
    case "boolean":
      feed(value ? 0x74 : 0x66);
      return;
    case "object":
      break;
    default:
      feed(0x7a); // undefined, functions…: null, as in an array's JSON
      return;
  }
  if (value === null) {
    feed(0x7a);
    return;
  }
  if (Array.isArray(value)) {
    feed(0x5b);
    feed(value.length);
    for (let i = 0; i < value.length; i++) feedValue(value[i]);
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  sortKeys(keys);
  feed(0x7b);
  for (const key of keys) {
    const entry = record[key];
    if (entry === undefined) continue;
    feedString(key);
    feedValue(entry);
  }
  feed(0x7d);
}

/**
 * A fast 53-bit fingerprint of a value's stable JSON meaning (key order aside), for telling whether a
 * replayed request is the one asked before. Not collision-resistant, and it need not be: what it
 * compares is computed by the server's own code from the call's arguments and earlier answers, which
 * the state's MAC binds (see invoke.ts); only a non-deterministic tool makes it differ.
 */
export function fingerprint(value: unknown): number {
  laneA = 0x811c9dc5;
  laneB = 0x01000193;
  feedValue(value);
  // Final avalanche, so that short inputs spread over both lanes.
  let a = laneA ^ (laneB >>> 15);
  let b = laneB ^ (laneA >>> 13);
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
  a ^= a >>> 13;
  b ^= b >>> 16;
  // 53 bits, an integer JSON keeps exactly: no string to build per request.
  return (a >>> 0) * 0x200000 + (b >>> 11);
}
