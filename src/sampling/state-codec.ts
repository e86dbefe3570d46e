import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { ServerContext } from "@modelcontextprotocol/server";
import { FastMCPError } from "../errors.js";

export interface StateCodecOptions {
  /** HMAC-SHA256 key, at least 32 bytes (a string is taken as UTF-8). */
  key: string | Uint8Array;
  /** How long a minted state stays valid. */
  ttlSeconds: number;
  /** Binds a state to the caller: a state minted for one value is refused when another echoes it. */
  bind?: (ctx: ServerContext | undefined) => string;
  /** Largest state minted or accepted, in bytes (characters: the wire form is ASCII). */
  maxBytes: number;
}

/** States minted now: the MAC also covers the `binding` (the call and its arguments). */
const PREFIX = "v2.";
/** States minted before: the MAC covers prefix and body only (the payload carries its own binding). */
const PREFIX_V1 = "v1.";
const BIND_LABEL = "fastmcp-ts.requestState.bind:";

/**
 * Mints and checks 2026-07-28 request states. `binding` names what the state belongs to (for the
 * replay: the call and the stable JSON of its arguments); the MAC covers it, so a state presented
 * with another binding is refused without a digest of its own. `verify` throws when a state is
 * refused: `mac` (forged, or another binding), `malformed`, `expired`, `bind` (another caller),
 * `replayed`; the client always gets the same "Invalid or expired requestState".
 */
export interface StateCodec<T> {
  mint(payload: T, ctx?: ServerContext, binding?: string): string;
  verify(state: string, ctx?: ServerContext, binding?: string): T | Promise<T>;
  /** The payload of a state without checking it: only to word an error after `verify` refused it. */
  peek(state: string): unknown;
}

interface Envelope<T> {
  p: T;
  exp: number;
  n: string;
  b?: string;
}

/**
 * Signed (not encrypted) request state: `v2.<base64url JSON {p, exp, n, b}>.<base64url HMAC>`, the
 * wire shape of the SDK's `createRequestStateCodec` (which writes `v1.`; ours is HMAC-SHA256 of
 * `v2.<body>` followed, when there is a binding, by a newline and the binding). Ours signs with node:crypto synchronously: the SDK's
 * WebCrypto codec makes four thread-pool round trips per 2026-07-28 round (mint and verify, each with
 * a bind tag), which the replay benchmark measured as the largest cost of a round after the SDK's own.
 * The MAC is compared as the exact string minted, so no other spelling of the same bytes passes.
 */
export function createStateCodec<T>(options: StateCodecOptions): StateCodec<T> {
  const key = typeof options.key === "string" ? Buffer.from(options.key, "utf8") : Buffer.from(options.key);
  if (key.byteLength < 32) {
    throw new FastMCPError(
      "CONFIG",
      `requestStateKey must be at least 32 bytes (got ${key.byteLength}); use e.g. crypto.randomBytes(32) shared by every instance.`,
    );
  }
  if (!Number.isFinite(options.ttlSeconds) || options.ttlSeconds <= 0) {
    throw new FastMCPError("CONFIG", "requestStateTtlSeconds must be a positive number of seconds.");
  }
  const mac = hmacSha256(key);
  const recent = new RecentStates<T>();
  // Most servers see one caller value (unauthenticated: ""), so the last tag is kept.
  let lastBind: { value: string; tag: string } | undefined;
  const bindTag = (ctx: ServerContext | undefined) => {
    if (options.bind === undefined) return undefined;
    const value = options.bind(ctx);
    if (lastBind?.value !== value) lastBind = { value, tag: mac(BIND_LABEL + value).slice(0, 22) };
    return lastBind.tag;
  };

  const macOf = (prefix: string, body: string, binding: string) =>
    mac(binding === "" || prefix === PREFIX_V1 ? prefix + body : `${prefix}${body}\n${binding}`);

  const mint = (payload: T, ctx?: ServerContext, binding = ""): string => {
    const envelope: Envelope<T> = {
      p: payload,
      exp: Math.floor(Date.now() / 1000) + options.ttlSeconds,
      // Unique per mint: two identical calls in the same second would otherwise get byte-identical
      // states, and a single-use replay cache would refuse the second as a replay of the first.
      n: nonce(),
    };
    const tag = bindTag(ctx);
    if (tag !== undefined) envelope.b = tag;
    const json = JSON.stringify(envelope);
    const body = Buffer.from(json, "utf8").toString("base64url");
    const state = `${PREFIX}${body}.${macOf(PREFIX, body, binding)}`;
    if (state.length > options.maxBytes) {
      throw new FastMCPError(
        "STATE_TOO_LARGE",
        `This call's 2026-07-28 request state would be ${state.length} bytes, over maxRequestStateBytes ` +
          `(${options.maxBytes}): every earlier answer and ctx.once result rides in it. Sample fewer times ` +
          "one after another in one call, keep ctx.once results small, or raise maxRequestStateBytes.",
      );
    }
    recent.add(state, envelope, binding, json.length);
    return state;
  };

  const verify = (state: string, ctx?: ServerContext, binding = ""): T => {
    // Length first: a forged megabyte of state costs no HMAC.
    if (typeof state !== "string" || state.length > options.maxBytes) throw new Error("malformed");
    const prefix = state.startsWith(PREFIX) ? PREFIX : state.startsWith(PREFIX_V1) ? PREFIX_V1 : undefined;
    const dot = state.lastIndexOf(".");
    if (prefix === undefined || dot <= prefix.length) throw new Error("malformed");
    let envelope: { p: T; exp?: unknown; b?: unknown };
    // A state this codec minted comes back as the very string it minted: known, it needs no MAC
    // check and no decoding (the envelope object itself is handed back, once; its binding is
    // compared as text); anything else (another instance's, or a forgery) is checked in full.
    const minted = recent.take(state);
    if (minted !== undefined) {
      if (minted.binding !== binding) throw new Error("mac");
      envelope = minted.envelope;
    } else {
      const body = state.slice(prefix.length, dot);
      if (!sameMac(state.slice(dot + 1), macOf(prefix, body, binding))) throw new Error("mac");
      envelope = decode(body);
    }
    if (typeof envelope.exp !== "number" || envelope.exp < Math.floor(Date.now() / 1000)) {
      throw new Error("expired");
    }
    const tag = bindTag(ctx);
    if (tag !== envelope.b) throw new Error("bind");
    return envelope.p;
  };

  const peek = (state: string): unknown => {
    if (typeof state !== "string" || state.length > options.maxBytes) return undefined;
    const start = state.indexOf(".") + 1;
    const dot = state.lastIndexOf(".");
    if (start === 0 || dot <= start) return undefined;
    try {
      return decode(state.slice(start, dot)).p;
    } catch {
      return undefined;
    }
  };

  return { mint, verify, peek };
}

function decode<T>(body: string): { p: T; exp?: unknown; b?: unknown } {
  let envelope: unknown;
  try {
    envelope = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    throw new Error("malformed");
  }
  if (typeof envelope !== "object" || envelope === null) throw new Error("malformed");
  return envelope as { p: T; exp?: unknown; b?: unknown };
}

/** HMAC-SHA256 with the key bound once; node:crypto's own HMAC (a hand-made one measured no faster). */
function hmacSha256(key: Buffer): (text: string) => string {
  return (text) => createHmac("sha256", key).update(text).digest("base64url");
}

/** Only states up to this size are remembered, and at most this many bytes of them in all. */
const RECENT_MAX_STATE = 16 * 1024;
const RECENT_MAX_BYTES = 4 * 1024 * 1024;

/**
 * The states this codec minted and has not seen back yet (exact string → its envelope), oldest
 * first, bounded in bytes. Most 2026-07-28 rounds come back to the process that minted them (stdio,
 * in memory, sticky HTTP), and for those the MAC was computed moments ago: re-computing it, and
 * decoding the base64 and JSON it wraps, was most of the codec's cost per round. The envelope is
 * handed back whole; the minter must not change its payload after minting (ReplayRun closes its
 * state when the round ends). Expiry and the caller binding are checked on every verify either way;
 * a state is taken out when it comes back, so a second use decodes its own copy.
 */
class RecentStates<T> {
  private readonly states = new Map<string, { envelope: Envelope<T>; binding: string; bytes: number }>();
  private bytes = 0;

  add(state: string, envelope: Envelope<T>, binding: string, jsonBytes: number): void {
    if (state.length > RECENT_MAX_STATE) return;
    const bytes = state.length + jsonBytes + binding.length;
    this.states.set(state, { envelope, binding, bytes });
    this.bytes += bytes;
    while (this.bytes > RECENT_MAX_BYTES) {
      const [oldest, entry] = this.states.entries().next().value as [string, { bytes: number }];
      this.states.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  take(state: string): { envelope: Envelope<T>; binding: string } | undefined {
    const entry = this.states.get(state);
    if (entry === undefined) return undefined;
    this.states.delete(state);
    this.bytes -= entry.bytes;
    return entry;
  }
}

/** Constant-time comparison of a given MAC with the expected one (both base64url strings). */
function sameMac(given: string, expected: string): boolean {
  const a = Buffer.from(given, "utf8");
  const b = Buffer.from(expected, "utf8");
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

// Nonces come from a pool of random bytes refilled 512 at a time: one randomBytes call (a native
// call and a Buffer) per mint was a visible part of a 2026-07-28 round.
const NONCE_BYTES = 9;
const POOL_BYTES = NONCE_BYTES * 512;
let pool = Buffer.alloc(0);
let poolOffset = 0;
function nonce(): string {
  if (poolOffset + NONCE_BYTES > pool.byteLength) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const start = poolOffset;
  poolOffset += NONCE_BYTES;
  return pool.toString("base64url", start, poolOffset);
}
