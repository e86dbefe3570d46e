import {
  type JSONRPCMessage,
  type MessageExtraInfo,
  PROTOCOL_VERSION_META_KEY,
  type Server,
  type Transport,
  type TransportSendOptions,
} from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import type { ProtocolEra } from "../sampling/types.js";

/** One served connection (stdio, in-memory or any SDK transport), as `FastMCP.connect` returns it. */
export interface ConnectionHandle {
  /** Closes the connection and the server serving it. */
  close(): Promise<void>;
}

/**
 * Serves one stream connection (stdio, in-memory) in the era its opening message picks. A plain 2025
 * `initialize` connects the legacy server straight to the wire: the SDK's dual-era entry runs several
 * zod checks on every message in both directions, about a quarter of an in-memory sampled call.
 * Anything else (2026-07-28 traffic, discovery probes, envelope claims) goes to `serveStdio` unchanged.
 */
export function serveConnection(wire: Transport, factory: (era: ProtocolEra) => Server): ConnectionHandle {
  const buffered: Array<[JSONRPCMessage, MessageExtraInfo | undefined]> = [];
  let close: () => Promise<void> = () => wire.close();
  wire.onmessage = (message, extra) => {
    buffered.push([message, extra]);
    if (buffered.length > 1) return; // decided already; waiting for the chosen entry to start
    const handoff = new HandoffTransport(wire, buffered);
    if (isPlainInitialize(message)) {
      const server = factory("legacy");
      close = () => server.close();
      server.connect(handoff).catch((error: unknown) => wire.onerror?.(error as Error));
    } else {
      const handle = serveStdio(({ era }) => factory(era), { transport: handoff });
      close = () => handle.close();
    }
  };
  const started = wire.start();
  started.catch((error: unknown) => wire.onerror?.(error as Error));
  return {
    close: async () => {
      await started.catch(() => {});
      await close();
    },
  };
}

function isPlainInitialize(message: JSONRPCMessage): boolean {
  if (!("method" in message) || message.method !== "initialize" || !("id" in message)) return false;
  const meta = (message.params as { _meta?: unknown } | undefined)?._meta;
  return typeof meta !== "object" || meta === null || !(PROTOCOL_VERSION_META_KEY in meta);
}

/** The already-started wire, handed to the chosen entry with the messages that arrived before it. */
class HandoffTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  private deliver?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  private started = false;
  setProtocolVersion?: (version: string) => void;
  setSupportedProtocolVersions?: (versions: string[]) => void;

  constructor(
    private readonly wire: Transport,
    private readonly buffered: Array<[JSONRPCMessage, MessageExtraInfo | undefined]>,
  ) {
    if (wire.setProtocolVersion !== undefined) this.setProtocolVersion = (v) => wire.setProtocolVersion?.(v);
    if (wire.setSupportedProtocolVersions !== undefined) {
      this.setSupportedProtocolVersions = (v) => wire.setSupportedProtocolVersions?.(v);
    }
  }

  // Once started, the wire calls the SDK's handler directly (no forwarding hop per message).
  get onmessage() {
    return this.deliver;
  }
  set onmessage(handler) {
    this.deliver = handler;
    if (this.started) this.wire.onmessage = handler;
  }

  get sessionId(): string | undefined {
    return this.wire.sessionId;
  }

  async start(): Promise<void> {
    this.started = true;
    this.wire.onmessage = this.deliver;
    this.wire.onclose = () => this.onclose?.();
    this.wire.onerror = (error) => this.onerror?.(error);
    for (const [message, extra] of this.buffered.splice(0)) this.deliver?.(message, extra);
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return this.wire.send(message, options);
  }

  close(): Promise<void> {
    return this.wire.close();
  }
}
