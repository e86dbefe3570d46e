// nginx round robin over three instances sharing a real redis-server; the official SDK v1 and v2
// clients and our Client, both eras. Every instance names itself in its tool results, and nginx's
// access log names the instance that received each request (with its body), so the test sees where
// each session's requests and sampling answers landed.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Balancer,
  type Instance,
  type RedisServer,
  startInstance,
  startNginx,
  startRedis,
} from "./infra.js";
import { openPeer, openPeers, type Peer } from "./peers.js";

let redis: RedisServer;
let nginx: Balancer;
const instances: Instance[] = [];

beforeAll(async () => {
  redis = await startRedis();
  const env = { REDIS_URL: redis.url };
  instances.push(...(await Promise.all(["A", "B", "C"].map((name) => startInstance(name, env)))));
  nginx = await startNginx(instances.map((instance) => instance.port));
});
afterAll(async () => {
  await nginx?.stop();
  await Promise.all(instances.map((instance) => instance.stop()));
  await redis?.stop();
});

const token = () => randomBytes(6).toString("hex");
const nameOfPort = (port: string) => instances.find((instance) => String(instance.port) === port)?.name;

interface Outcome {
  peer: Peer;
  token: string;
  text?: string;
  error?: string;
}

/** `perPeer` concurrent `ask` calls on every peer at once; each call's own token must come back. */
async function wave(peers: Peer[], perPeer: number, args: Record<string, unknown> = {}): Promise<Outcome[]> {
  const calls = peers.flatMap((peer) =>
    Array.from({ length: perPeer }, async (): Promise<Outcome> => {
      const mine = token();
      try {
        return { peer, token: mine, text: await peer.call("ask", { token: mine, ...args }) };
      } catch (error) {
        return { peer, token: mine, error: String(error) };
      }
    }),
  );
  return Promise.all(calls);
}

const crossed = (outcomes: Outcome[]) =>
  outcomes.filter((o) => o.text !== undefined && !new RegExp(`^[ABC]\\|answer:${o.token}$`).test(o.text));

describe("nginx round robin, three instances, Redis", () => {
  let peers: Peer[];
  let firstWave: Outcome[] = [];
  beforeAll(async () => {
    peers = await openPeers(20, nginx.url, { timeoutMs: 90_000 });
  });
  afterAll(async () => {
    await Promise.allSettled(peers.map((peer) => peer.close()));
  });

  it("1,000 concurrent sampled calls over 20 clients: no error, no crossed answer", async () => {
    const outcomes = await wave(peers, 50);
    firstWave = outcomes;
    expect(outcomes).toHaveLength(1000);
    expect(outcomes.filter((o) => o.error !== undefined).map((o) => `${o.peer.kind}: ${o.error}`)).toEqual(
      [],
    );
    expect(crossed(outcomes)).toEqual([]);
    // Every instance ran tools, for clients of both eras.
    for (const era of ["2025", "2026"]) {
      const ran = new Set(outcomes.filter((o) => o.peer.era === era).map((o) => o.text!.split("|")[0]));
      expect(ran).toEqual(new Set(["A", "B", "C"]));
    }
  });

  it("one 2025 session is served by several instances, its answers land where nobody waits", () => {
    // "<upstream> <status> "<session id>" <body>": which instance got which request of which session.
    const lines = nginx.accessLog().flatMap((line) => {
      const match = /^127\.0\.0\.1:(\d+) (\d+) "([^"]*)" (.*)$/.exec(line);
      return match === null ? [] : [{ instance: nameOfPort(match[1]!), session: match[3]!, body: match[4]! }];
    });
    const servedBy = new Map<string, Set<string>>();
    for (const line of lines) {
      if (line.session.length === 0 || !line.body.includes("tools/call")) continue;
      const set = servedBy.get(line.session) ?? new Set<string>();
      set.add(line.instance!);
      servedBy.set(line.session, set);
    }
    expect([...servedBy.values()].filter((set) => set.size >= 2).length).toBeGreaterThan(0);
    // A 2025 sampling answer is a POST without a method carrying "answer:<token>"; the call's result
    // names the instance whose tool waited for it.
    const waiting = new Map(
      firstWave.filter((o) => o.peer.era === "2025").map((o) => [o.token, o.text!.split("|")[0]]),
    );
    let answers = 0;
    let elsewhere = 0;
    for (const line of lines) {
      if (line.body.includes("method")) continue;
      const answered = /answer:([0-9a-f]{12})/.exec(line.body)?.[1];
      const waiter = answered === undefined ? undefined : waiting.get(answered);
      if (waiter === undefined) continue;
      answers++;
      if (line.instance !== waiter) elsewhere++;
    }
    expect(answers).toBe(waiting.size);
    expect(elsewhere).toBeGreaterThan(0);
  });
});

/** Settles every call, failing the test if any is still pending after `boundMs` (a hang). */
async function settledWithin(calls: Promise<Outcome[]>, boundMs: number): Promise<Outcome[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`calls still pending after ${boundMs} ms`)), boundMs);
  });
  try {
    return await Promise.race([calls, hung]);
  } finally {
    clearTimeout(timer);
  }
}

describe("2026-07-28 rounds on any instance", () => {
  it("a call's rounds are served by different instances and ctx.once is honoured across them", async () => {
    const peers = await Promise.all([
      openPeer("sdk-v2-2026", nginx.url, { timeoutMs: 60_000 }),
      openPeer("ours-2026", nginx.url, { timeoutMs: 60_000 }),
    ]);
    try {
      const texts = await Promise.all(
        peers.flatMap((peer) =>
          Array.from({ length: 15 }, (_, i) =>
            peer.call("twice", { token: `w${i}` }).then((text) => ({ i, text })),
          ),
        ),
      );
      let moved = 0;
      for (const { i, text } of texts) {
        const [last, first, a, b] = text.split("|");
        expect([a, b]).toEqual([`answer:w${i}-1`, `answer:w${i}-2`]);
        expect(["A", "B", "C"]).toContain(first);
        if (first !== last) moved++;
      }
      // Had the first round's ctx.once result not come back in the signed state, the last round would
      // have run it again and named itself.
      expect(moved).toBeGreaterThan(0);
    } finally {
      await Promise.all(peers.map((peer) => peer.close()));
    }
  });
});

describe("failures mid-run", () => {
  let peers: Peer[];
  beforeAll(async () => {
    // Answers come after a random delay, so calls are in flight when something dies.
    peers = await openPeers(10, nginx.url, { timeoutMs: 15_000, answerDelayMs: () => Math.random() * 300 });
  });
  afterAll(async () => {
    await Promise.allSettled(peers.map((peer) => peer.close()));
  });

  it("Redis restarted: calls in flight fail clearly or succeed, nothing hangs, service resumes", async () => {
    const running = wave(peers, 10, { timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await redis.restart("SIGKILL", 500);
    const during = await settledWithin(running, 40_000);
    expect(crossed(during)).toEqual([]);
    for (const outcome of during)
      if (outcome.error !== undefined) expect(outcome.error.length).toBeGreaterThan(10);
    report("Redis restart", during);
    // Service resumes on the same sessions (Redis kept them: append-only file).
    await eventually(async () => (await wave(peers.slice(0, 1), 1)).every((o) => o.error === undefined));
    const after = await settledWithin(wave(peers, 10), 40_000);
    expect(after.filter((o) => o.error !== undefined).map((o) => `${o.peer.kind}: ${o.error}`)).toEqual([]);
    expect(crossed(after)).toEqual([]);
  });

  it("an instance SIGKILLed mid-run: calls in flight end within their timeout, later calls all succeed", async () => {
    const running = wave(peers, 20, { timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await instances[2]!.stop("SIGKILL");
    const during = await settledWithin(running, 40_000);
    expect(crossed(during)).toEqual([]);
    const failed = during.filter((o) => o.error !== undefined);
    for (const outcome of failed) expect(outcome.error!.length).toBeGreaterThan(10);
    report("SIGKILL", during);
    // Every call started after the kill succeeds, on the 2025 sessions opened before it too.
    const after = await settledWithin(wave(peers, 10), 40_000);
    expect(after.filter((o) => o.error !== undefined).map((o) => `${o.peer.kind}: ${o.error}`)).toEqual([]);
    expect(crossed(after)).toEqual([]);
    expect(new Set(after.map((o) => o.text!.split("|")[0]))).toEqual(new Set(["A", "B"]));
  });
});

async function eventually(probe: () => Promise<boolean>, boundMs = 15_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("service did not resume");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** How the calls in flight during a failure ended, by client kind (printed with the test output). */
function report(what: string, outcomes: Outcome[]): void {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    const key = `${o.peer.kind} ${o.error === undefined ? "ok" : o.error.replace(/[0-9a-f]{12}/g, "…").slice(0, 70)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  console.info(
    `${what}: ${outcomes.length} calls in flight\n${[...counts].map(([k, n]) => `  ${n} × ${k}`).join("\n")}`,
  );
}
