import type { EventId, EventStore, JSONRPCMessage, StreamId } from "@modelcontextprotocol/server";
import { isPriming } from "../server/memory-event-store.js";
import type { RedisConnection } from "./redis-connection.js";

const MAX_EVENTS_PER_STREAM = 1000;

// One round trip per event: append to the stream's Redis stream and slide its TTL.
const STORE = `local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', 'm', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return id`;

/**
 * The SDK `EventStore` on Redis streams, one key per SSE stream under its session's namespace
 * (`<prefix>ev:<session>:<stream>`): any instance replays a stream after `Last-Event-ID`, and a
 * client can only ever replay streams of the session it presents.
 */
export function redisEventStore(
  redis: () => Promise<RedisConnection>,
  prefix: string,
  sessionId: string,
  ttlSeconds: number,
): EventStore {
  const key = (streamId: StreamId) => `${prefix}ev:${sessionId}:${streamId}`;
  return {
    async storeEvent(streamId, message) {
      const client = await redis();
      const id = (await client.sendCommand([
        "EVAL",
        STORE,
        "1",
        key(streamId),
        JSON.stringify(message),
        String(ttlSeconds),
        String(MAX_EVENTS_PER_STREAM),
      ])) as string;
      return `${streamId}_${id}`;
    },
    async getStreamIdForEventId(eventId) {
      const parsed = parse(eventId);
      if (parsed === undefined) return undefined;
      const exists = await (await redis()).sendCommand(["EXISTS", key(parsed.streamId)]);
      return Number(exists) === 1 ? parsed.streamId : undefined;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const parsed = parse(lastEventId);
      if (parsed === undefined) throw new Error("Unknown event ID");
      const entries = (await (
        await redis()
      ).sendCommand(["XRANGE", key(parsed.streamId), `(${parsed.entry}`, "+"])) as Array<[string, string[]]>;
      for (const [entry, fields] of entries) {
        const message = JSON.parse(fields[1] ?? "{}") as JSONRPCMessage;
        if (!isPriming(message)) await send(`${parsed.streamId}_${entry}`, message);
      }
      return parsed.streamId;
    },
  };
}

/** `<stream>_<redis stream entry id>`. */
function parse(eventId: EventId): { streamId: StreamId; entry: string } | undefined {
  const cut = eventId.lastIndexOf("_");
  if (cut <= 0) return undefined;
  const entry = eventId.slice(cut + 1);
  return /^\d+-\d+$/.test(entry) ? { streamId: eventId.slice(0, cut), entry } : undefined;
}
