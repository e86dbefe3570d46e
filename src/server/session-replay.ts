import type { JSONRPCMessage, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
import { isResponse } from "./session-routing.js";

const REPLAY_ID = "fastmcp-restore";

/**
 * Feeds a fresh transport the session's stored `initialize`, as the SDK's own request: capabilities,
 * client info and protocol version come back exactly as negotiated, and the transport learns its
 * session id. Throws when the server refuses it.
 *
 * The answer is taken as the server sends it, not read from the replay's stream: with an event store
 * the SDK stores each event before writing it, so a store failing at that moment (Redis going down)
 * loses the answer and leaves the stream open for good. Waiting for that stream's end never settled,
 * and every later request of the session on this instance waited on it.
 */
export async function replayInitialize(
  transport: WebStandardStreamableHTTPServerTransport,
  initialize: Record<string, unknown>,
): Promise<void> {
  const answered = answerTo(transport, REPLAY_ID);
  const replay = await transport.handleRequest(
    new Request("http://session.restore/mcp", {
      method: "POST",
      headers: { accept: "application/json, text/event-stream", "content-type": "application/json" },
    }),
    { parsedBody: { jsonrpc: "2.0", id: REPLAY_ID, method: "initialize", params: initialize } },
  );
  const answer = replay.ok ? await answered : undefined;
  // Nobody reads this stream: once the answer is out (or lost), it is let go.
  await replay.body?.cancel().catch(() => undefined);
  if (answer === undefined || "error" in answer) {
    throw new Error(`the stored initialize was refused (HTTP ${replay.status})`);
  }
}

/** The transport's answer to request `requestId`, as the server hands it over (before any event store). */
function answerTo(transport: WebStandardStreamableHTTPServerTransport, requestId: string) {
  return new Promise<JSONRPCMessage>((resolve) => {
    const send = transport.send.bind(transport);
    let waiting = true;
    transport.send = (message, options) => {
      if (waiting && isResponse(message) && message.id === requestId) {
        waiting = false;
        resolve(message);
      }
      return send(message, options);
    };
  });
}
