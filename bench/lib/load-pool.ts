// The connection pool of one load-generating process (sections 3 and 3b): bounded, and opened before
// the clock starts, the same for every server. Without it the fetch pool opened a connection for every
// request in flight, most of them at once when a window began; Node 20 accepts one connection per
// event-loop iteration (a few dozen a second on a busy server), so hundreds of calls waited seconds
// in the kernel's accept queue, or overflowed a 511 queue into SYN retries (1 s, 3 s, 7 s), while
// calls on open connections went round: the p99 measured the accept queue, not the server. A load
// balancer or an agent in front of a real deployment keeps a bounded pool of keep-alive connections;
// so does this generator, installed as the process's global fetch dispatcher so that every client
// (the SDK v2's and ours) goes through it unchanged.
import { Agent, type Dispatcher, Pool, setGlobalDispatcher } from "undici";
import type { Config } from "./load-clients.js";

/** Connections for the calls' requests: enough to keep every server saturated. */
export const SHARED_CONNECTIONS = 128;
/**
 * On a 2025 session, connections of their own for the POSTs that carry no request (sampling answers,
 * notifications such as a cancellation). A call's POST stream waits for its sampling answer: were the
 * answer queued behind other calls' POSTs for the same connections, every connection could be held by
 * a stream waiting for an answer that cannot be sent (a deadlock, seen under overload). Answers are
 * short, so a few connections carry them all.
 */
export const ANSWER_CONNECTIONS = 32;

/** A path no benchmarked server serves: each answers it at once (404 or 400) and keeps the connection. */
const OPEN_PATH = "/bench-open-connection";

export interface PoolPlan {
  /** Connections for requests (and each 2025 client's standalone GET stream, which holds one for good). */
  calls: number;
  /** Connections for the POSTs that carry no request; 0: they share the calls' connections. */
  answers: number;
}

/** The pools one load process keeps to the server. */
export function poolPlan(config: Pick<Config, "era" | "call">, clients: number, workers: number): PoolPlan {
  const shared = Math.min(clients * workers, SHARED_CONNECTIONS);
  if (config.era !== "2025") return { calls: shared, answers: 0 };
  return { calls: clients + shared, answers: config.call === "plain" ? 0 : ANSWER_CONNECTIONS };
}

export interface LoadPool {
  /** Connections in all, every pool together. */
  readonly connections: number;
  /** The fetch the clients use: a POST that carries no request goes through the answers' pool. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /**
   * Opens every connection each pool is allowed and has not open (or that the server closed while it
   * idled): one cheap request on each free slot at once, so that each lands on a connection of its own.
   */
  open(): Promise<void>;
  /** Connections open now. */
  connected(): number;
}

function boundedAgent(origin: string, connections: number) {
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
  return {
    agent,
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

/** Whether a POST body carries no JSON-RPC request (only responses and notifications). */
function carriesNoRequest(body: unknown): boolean {
  if (typeof body !== "string") return false;
  try {
    const parsed = JSON.parse(body) as unknown;
    const messages = Array.isArray(parsed) ? parsed : [parsed];
    return messages.every((message) => !("method" in message && "id" in message));
  } catch {
    return false;
  }
}

/** Installs the pools: the calls' as the process's global fetch dispatcher, the answers' for `fetch`. */
export function installPool(url: string, plan: PoolPlan): LoadPool {
  const origin = new URL(url).origin;
  const calls = boundedAgent(origin, plan.calls);
  const answers = plan.answers > 0 ? boundedAgent(origin, plan.answers) : undefined;
  setGlobalDispatcher(calls.agent);
  const all = answers === undefined ? [calls] : [calls, answers];
  return {
    connections: plan.calls + plan.answers,
    fetch: (input, init) =>
      answers !== undefined && init?.method === "POST" && carriesNoRequest(init.body)
        ? fetch(input, { ...init, dispatcher: answers.agent as Dispatcher } as RequestInit)
        : fetch(input, init),
    async open() {
      await Promise.all(all.map((pool) => pool.open()));
    },
    connected: () => all.reduce((sum, pool) => sum + pool.connected(), 0),
  };
}
