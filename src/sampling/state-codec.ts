import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { RequestStateCodec, ServerContext } from "@modelcontextprotocol/server";
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

const PREFIX = "v1.";
const BIND_LABEL = "fastmcp-ts.requestState.bind:";

/**
 * Signed (not encrypted) request state: `v1.<base64url JSON {p, exp, b}>.<base64url HMAC>`, the wire
 * shape of the SDK's `createRequestStateCodec`. Ours signs with node:crypto synchronously: the SDK's
 * WebCrypto codec makes four thread-pool round trips per 2026-07-28 round (mint and verify, each with
 * a bind tag), which the replay benchmark measured as the largest cost of a round after the SDK's own.
 * The MAC is compared as the exact string minted, so no other spelling of the same bytes passes.
 */
export function createStateCodec<T>(options: StateCodecOptions): RequestStateCodec<T> {
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
  const mac = (text: string) => createHmac("sha256", key).update(text).digest("base64url");
  // Most servers see one caller value (unauthenticated: ""), so the last tag is kept.
  let lastBind: { value: string; tag: string } | undefined;
  const bindTag = (ctx: ServerContext | undefined) => {
    if (options.bind === undefined) return undefined;
    const value = options.bind(ctx);
    if (lastBind?.value !== value) lastBind = { value, tag: mac(BIND_LABEL + value).slice(0, 22) };
    return lastBind.tag;
  };

  const mint = (payload: T, ctx?: ServerContext): string => {
    const envelope: { p: T; exp: number; b?: string; n: string } = {
      p: payload,
      exp: Math.floor(Date.now() / 1000) + options.ttlSeconds,
      // Unique per mint: two identical calls in the same second would otherwise get byte-identical
      // states, and a single-use replay cache would refuse the second as a replay of the first.
      n: randomBytes(9).toString("base64url"),
    };
    const tag = bindTag(ctx);
    if (tag !== undefined) envelope.b = tag;
    const body = Buffer.from(JSON.stringify(envelope), "utf8").toString("base64url");
    const state = `${PREFIX}${body}.${mac(PREFIX + body)}`;
    if (state.length > options.maxBytes) {
      throw new FastMCPError(
        "STATE_TOO_LARGE",
        `This call's 2026-07-28 request state would be ${state.length} bytes, over maxRequestStateBytes ` +
          `(${options.maxBytes}): every earlier answer and ctx.once result rides in it. Sample fewer times ` +
          "one after another in one call, keep ctx.once results small, or raise maxRequestStateBytes.",
      );
    }
    return state;
  };

  const verify = (state: string, ctx?: ServerContext): T => {
    // Length first: a forged megabyte of state costs no HMAC.
    if (typeof state !== "string" || state.length > options.maxBytes || !state.startsWith(PREFIX)) {
      throw new Error("malformed");
    }
    const dot = state.lastIndexOf(".");
    if (dot <= PREFIX.length) throw new Error("malformed");
    const body = state.slice(PREFIX.length, dot);
    const given = Buffer.from(state.slice(dot + 1), "latin1");
    const expected = Buffer.from(mac(PREFIX + body), "latin1");
    if (given.byteLength !== expected.byteLength || !timingSafeEqual(given, expected)) throw new Error("mac");
    let envelope: { p: T; exp?: unknown; b?: unknown };
    try {
      envelope = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    } catch {
      throw new Error("malformed");
    }
    if (typeof envelope.exp !== "number" || envelope.exp < Math.floor(Date.now() / 1000)) {
      throw new Error("expired");
    }
    const tag = bindTag(ctx);
    if (tag !== envelope.b) throw new Error("bind");
    return envelope.p;
  };

  return {
    mint: (payload, ctx) => settle(() => mint(payload, ctx)),
    verify: (state, ctx) => settle(() => verify(state, ctx)),
  };
}

function settle<R>(run: () => R): Promise<R> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error);
  }
}
