import type {
  JSONRPCMessage,
  RequestId,
  Transport,
  TransportSendOptions,
} from "@modelcontextprotocol/server";

/**
 * Request ids that name the instance waiting for the answer. Every instance's SDK server numbers
 * its server→client requests from 0, so two instances of one session would both send id 3; the
 * wire id `<node>-3` makes it unique across the session and tells whichever instance receives the
 * client's answer where to forward it.
 */
const ROUTED_ID = /^([0-9a-f]{12})-(\d+)$/;

/** The instance that sent the request answered by `id`, when it is a routed id. */
export function ownerOf(id: RequestId): string | undefined {
  return typeof id === "string" ? ROUTED_ID.exec(id)?.[1] : undefined;
}

/** Ids of answers to our own bookkeeping requests (restored log levels); never sent to the client. */
export const INTERNAL_ID_PREFIX = "fastmcp-internal-";

/**
 * Rewrites a connected transport's traffic for a shared session: outgoing server→client requests
 * (and the server's cancellations of them) carry routed ids, answers coming back get the SDK's own
 * numeric id again, and answers to internal requests are swallowed.
 */
export function routeTransport(transport: Transport, nodeId: string): void {
  const send = transport.send.bind(transport);
  transport.send = (message: JSONRPCMessage, options?: TransportSendOptions) => {
    if (isResponse(message) && typeof message.id === "string" && message.id.startsWith(INTERNAL_ID_PREFIX)) {
      return Promise.resolve();
    }
    return send(outbound(message, nodeId), options);
  };
  const deliver = transport.onmessage;
  transport.onmessage = (message, extra) => deliver?.(inbound(message, nodeId), extra);
}

function outbound(message: JSONRPCMessage, nodeId: string): JSONRPCMessage {
  if ("method" in message) {
    if ("id" in message && typeof message.id === "number")
      return { ...message, id: `${nodeId}-${message.id}` };
    if (message.method === "notifications/cancelled") {
      const params = message.params as { requestId?: unknown } | undefined;
      if (typeof params?.requestId === "number") {
        return { ...message, params: { ...params, requestId: `${nodeId}-${params.requestId}` } };
      }
    }
  }
  return message;
}

function inbound(message: JSONRPCMessage, nodeId: string): JSONRPCMessage {
  if (!isResponse(message) || typeof message.id !== "string") return message;
  const match = ROUTED_ID.exec(message.id);
  return match?.[1] === nodeId ? { ...message, id: Number(match[2]) } : message;
}

export function isResponse(message: unknown): message is JSONRPCMessage & { id: RequestId } {
  if (typeof message !== "object" || message === null) return false;
  return !("method" in message) && "id" in message && ("result" in message || "error" in message);
}

export function isCancellation(message: unknown): boolean {
  return (
    typeof message === "object" &&
    message !== null &&
    (message as { method?: unknown }).method === "notifications/cancelled" &&
    !("id" in message)
  );
}
