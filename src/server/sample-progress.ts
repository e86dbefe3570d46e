import type { ServerContext } from "@modelcontextprotocol/server";

/** `_meta` key marking a progress notification whose `message` is a streamed sample's text delta. */
export const SAMPLE_DELTA_META_KEY = "fastmcp-ts/sampleDelta";

/**
 * Forwards a server-answered sample's text deltas to the tool's caller as progress notifications
 * (`message` = the delta, `progress` = deltas so far, `_meta[SAMPLE_DELTA_META_KEY]: true`), when
 * streaming is on and the caller asked for progress (sent a progress token); else undefined.
 */
export function sampleProgressForwarder(
  sdk: ServerContext,
  enabled: boolean,
): ((delta: string) => void) | undefined {
  if (!enabled) return undefined;
  const progressToken = sdk.mcpReq._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  let count = 0;
  return (delta) => {
    count += 1;
    const params = {
      progressToken,
      progress: count,
      message: delta,
      _meta: { [SAMPLE_DELTA_META_KEY]: true },
    };
    // Best effort: a notification that cannot be sent must not fail the sample.
    sdk.mcpReq
      .notify({ method: "notifications/progress", params } as Parameters<
        ServerContext["mcpReq"]["notify"]
      >[0])
      .catch(() => undefined);
  };
}
