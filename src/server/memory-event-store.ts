import type { EventId, EventStore, JSONRPCMessage, StreamId } from "@modelcontextprotocol/server";

const MAX_EVENTS_PER_STREAM = 1000;
const MAX_STREAMS_PER_SESSION = 1000;

interface Stream {
  next: number;
  events: Array<{ seq: number; message: JSONRPCMessage }>;
}

/**
 * Resumable SSE streams in memory, one namespace per session: a `Last-Event-ID` is only ever looked
 * up among the streams of the session presenting it, so one client can never replay another's.
 * Bounded: the oldest streams and events go first.
 */
export class MemoryEventStore {
  private readonly sessions = new Map<string, Map<StreamId, Stream>>();

  forSession(sessionId: string): EventStore {
    const streams = () => {
      let found = this.sessions.get(sessionId);
      if (found === undefined) {
        found = new Map();
        this.sessions.set(sessionId, found);
      }
      return found;
    };
    return {
      storeEvent: async (streamId, message) => {
        const all = streams();
        let stream = all.get(streamId);
        if (stream === undefined) {
          if (all.size >= MAX_STREAMS_PER_SESSION) all.delete(all.keys().next().value as StreamId);
          stream = { next: 1, events: [] };
          all.set(streamId, stream);
        }
        const seq = stream.next++;
        stream.events.push({ seq, message });
        if (stream.events.length > MAX_EVENTS_PER_STREAM) stream.events.shift();
        return formatEventId(streamId, seq);
      },
      getStreamIdForEventId: async (eventId) => {
        const parsed = parseEventId(eventId);
        return parsed !== undefined && this.sessions.get(sessionId)?.has(parsed.streamId)
          ? parsed.streamId
          : undefined;
      },
      replayEventsAfter: async (lastEventId, { send }) => {
        const parsed = parseEventId(lastEventId);
        const stream = parsed === undefined ? undefined : this.sessions.get(sessionId)?.get(parsed.streamId);
        if (parsed === undefined || stream === undefined) throw new Error("Unknown event ID");
        for (const { seq, message } of stream.events) {
          if (seq <= parsed.seq || isPriming(message)) continue;
          await send(formatEventId(parsed.streamId, seq), message);
        }
        return parsed.streamId;
      },
    };
  }

  forgetSession(sessionId: string): void {
    this.sessions.delete(sessionId);
  }
}

/** `<stream>_<sequence>`: the stream an event belongs to is readable from its id alone. */
export function formatEventId(streamId: StreamId, seq: number | string): EventId {
  return `${streamId}_${seq}`;
}

export function parseEventId(eventId: EventId): { streamId: StreamId; seq: number } | undefined {
  const cut = eventId.lastIndexOf("_");
  if (cut <= 0) return undefined;
  const seq = Number(eventId.slice(cut + 1));
  return Number.isSafeInteger(seq) && seq >= 0 ? { streamId: eventId.slice(0, cut), seq } : undefined;
}

/** The SDK stores an empty message as each stream's priming event; it is never replayed. */
export function isPriming(message: JSONRPCMessage): boolean {
  return Object.keys(message).length === 0;
}
