import type { JSONRPCMessage, Transport } from "@modelcontextprotocol/client";
import { raceAbort } from "../abort.js";

/**
 * The one hook on what the server sends, before the SDK sees it: `rewrite` may replace a message
 * (a created task carried in a result the SDK accepts, an oversized input round refused), then
 * wire order is kept. One closure, not one per concern: every inbound message passes it.
 *
 * Wire order: the SDK handles a notification one microtask late but a response at once, so progress
 * sent just before a result that arrives in the same read (stdio) found its handler already removed
 * and was dropped. A response that follows a notification not yet handled waits one microtask, which
 * restores wire order; a response with no notification before it (the common case) goes straight on.
 */
export function hookInbound(
  transport: Transport,
  rewrite: (message: JSONRPCMessage) => JSONRPCMessage | undefined,
): void {
  const deliver = transport.onmessage;
  if (deliver === undefined) return;
  let unhandledNotifications = 0;
  const settled = () => {
    unhandledNotifications--;
  };
  transport.onmessage = (received, extra) => {
    const message = rewrite(received) ?? received;
    const isResponse = "id" in message && !("method" in message);
    if (isResponse && unhandledNotifications > 0) {
      queueMicrotask(() => deliver.call(transport, message, extra));
      return;
    }
    deliver.call(transport, message, extra);
    if (!isResponse && !("id" in message)) {
      // Queued after the SDK's own microtask for this notification, so it runs once that has.
      unhandledNotifications++;
      queueMicrotask(settled);
    }
  };
}

/**
 * A 2025-era HTTP session is ended with DELETE (spec: clients SHOULD), so the server frees it now
 * rather than at its idle timeout. Bounded: a server that does not answer cannot hold close().
 */
export async function endHttpSession(transport: Transport | undefined): Promise<void> {
  const http = transport as { sessionId?: string; terminateSession?: () => Promise<void> } | undefined;
  if (http?.sessionId === undefined || typeof http.terminateSession !== "function") return;
  await raceAbort(http.terminateSession(), AbortSignal.timeout(2_000)).catch(() => undefined);
}
