import type { RequestStateCodec } from "@modelcontextprotocol/server";

/**
 * The SDK's request-state codec, refusing any string that is not exactly as minted. Base64url lets
 * a segment's last character be spelled several ways for the same bytes, so the plain codec accepts
 * a few altered strings (same payload, same MAC). Harmless, but the spec has clients echo the state
 * exactly, and "any change is refused" is the simpler promise.
 */
export function strictRequestStateCodec<T>(codec: RequestStateCodec<T>): RequestStateCodec<T> {
  return {
    mint: (payload, ctx) => codec.mint(payload, ctx),
    async verify(state, ctx) {
      const segments = typeof state === "string" ? state.split(".") : [];
      if (segments.length !== 3 || !segments.slice(1).every(isCanonicalBase64url))
        throw new Error("malformed");
      return codec.verify(state, ctx);
    },
  };
}

/** True when `segment` is the one base64url spelling (unpadded) of the bytes it decodes to. */
export function isCanonicalBase64url(segment: string): boolean {
  if (!/^[A-Za-z0-9_-]*$/.test(segment) || segment.length % 4 === 1) return false;
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/");
  let bytes: string;
  try {
    bytes = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  } catch {
    return false;
  }
  return btoa(bytes).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_") === segment;
}
