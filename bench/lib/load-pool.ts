// The connection pool of one load-generating process (sections 3 and 3b): bounded, and opened before
// the clock starts, the same for every server. Without it the fetch pool opened a connection for every
// request in flight, most of them at once when a window began; Node 20 accepts one connection per
// event-loop iteration (a few dozen a second on a busy server), so hundreds of calls waited seconds
// in the kernel's accept queue, or overflowed a 511 queue into SYN retries (1 s, 3 s, 7 s), while
// calls on open connections went round: the p99 measured the accept queue, not the server. A load
// balancer or an agent in front of a real deployment keeps a bounded pool of keep-alive connections;
// so does this generator, installed as the process's global fetch dispatcher so that every client
// (the SDK v2's and ours) goes through it unchanged.
import { Agent, Pool, setGlobalDispatcher } from "undici";
import type { Config } from "./load-clients.js";

/** Connections shared by the requests that end when answered: enough to keep every server saturated. */
export const SHARED_CONNECTIONS = 128;
/**
 * On a 2025 session the sampled calls' streams keep the server busy, and the shared connections carry
 * only short requests (sampling answers, a call's POST while the previous call's stream is ending).
 * The pool hands out the first free connection, so connections beyond what those need sit idle, the
 * server closes them after its keep-alive timeout (Node's: 5 s), and a burst opens them again inside
 * the window: a few spare ones keep that churn small.
 */
export const ANSWER_CONNECTIONS = 32;

/** A path no benchmarked server serves: each answers it at once (404 or 400) and keeps the connection. */
const OPEN_PATH = "/bench-open-connection";

/**
 * Connections one process keeps to the server. On a 2025 session some requests hold a connection for
 * as long as they last: each client's standalone GET stream, and each sampled call's POST stream until
 * the call ends — while its sampling answer needs a connection of its own. Those get one each (with
 * fewer, every connection could be held by a stream waiting for an answer that cannot be sent: a
 * deadlock); every other request shares the rest and waits its turn in the pool's first-come queue.
 */
export function poolSize(config: Pick<Config, "era" | "call">, clients: number, workers: number): number {
  const inFlight = clients * workers;
  if (config.era !== "2025") return Math.min(inFlight, SHARED_CONNECTIONS);
  if (config.call === "plain") return clients + Math.min(inFlight, SHARED_CONNECTIONS);
  return clients + inFlight + ANSWER_CONNECTIONS;
}

export interface LoadPool {
  readonly connections: number;
  /**
   * Opens every connection the pool is allowed and has not open (or that the server closed while it
   * idled): one cheap request on each free slot at once, so that each lands on a connection of its own.
   */
  open(): Promise<void>;
  /** Connections open now. */
  connected(): number;
}

export function installPool(url: string, connections: number): LoadPool {
  const origin = new URL(url).origin;
  let pool: Pool | undefined;
  const agent = new Agent({
    connections,
    // Keep an idle connection until just before the server's own keep-alive timeout closes it (undici
    // keeps 2 s of margin by default; 0.5 s is plenty on loopback), so fewer are reopened.
    keepAliveTimeoutThreshold: 500,
    factory: (forOrigin, options) => {
      const created = new Pool(forOrigin, options);
      if (String(forOrigin) === origin) pool = created;
      return created;
    },
  });
  setGlobalDispatcher(agent);
  return {
    connections,
    async open() {
      const running = pool?.stats.running ?? 0;
      await Promise.all(
        Array.from({ length: connections - running }, async () => {
          const { body } = await agent.request({ origin, path: OPEN_PATH, method: "GET" });
          await body.dump();
        }),
      );
    },
    connected: () => pool?.stats.connected ?? 0,
  };
}
