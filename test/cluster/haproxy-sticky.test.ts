// HAProxy over three instances WITHOUT Redis: deploy/haproxy.cfg learns each session's
// Mcp-Session-Id from the initialize response into a stick table and routes every later request
// of the session to the instance that opened it (no cookie). 2025 sampled calls: no error.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Balancer, type Instance, startHaproxy, startInstance } from "./infra.js";
import { openPeer, type Peer, type PeerKind } from "./peers.js";

let haproxy: Balancer;
const instances: Instance[] = [];

beforeAll(async () => {
  instances.push(...(await Promise.all(["A", "B", "C"].map((name) => startInstance(name, {})))));
  haproxy = await startHaproxy(instances.map((instance) => instance.port));
});
afterAll(async () => {
  await haproxy?.stop();
  await Promise.all(instances.map((instance) => instance.stop()));
});

describe("HAProxy sticky on Mcp-Session-Id, no shared store", () => {
  it("2025 sampled calls from 9 clients across 3 instances: no error, each session on one instance", async () => {
    const kinds: PeerKind[] = ["sdk-v1", "sdk-v2-2025", "ours-2025"];
    const peers: Peer[] = [];
    for (let i = 0; i < 9; i++) peers.push(await openPeer(kinds[i % 3]!, haproxy.url, { timeoutMs: 60_000 }));
    try {
      const results = await Promise.all(
        peers.map(async (peer) => {
          const texts = await Promise.all(
            Array.from({ length: 20 }, async () => {
              const token = randomBytes(6).toString("hex");
              const text = await peer.call("ask", { token });
              expect(text).toMatch(new RegExp(`^[ABC]\\|answer:${token}$`));
              return text.split("|")[0]!;
            }),
          );
          return new Set(texts);
        }),
      );
      // Sticky: each session's calls all ran where it was opened; the sessions spread over instances.
      for (const ran of results) expect(ran.size).toBe(1);
      expect(new Set(results.map((ran) => [...ran][0])).size).toBeGreaterThanOrEqual(2);
    } finally {
      await Promise.allSettled(peers.map((peer) => peer.close()));
    }
  });

  it("2026-07-28 rounds balance round robin through the same configuration", async () => {
    const peer = await openPeer("ours-2026", haproxy.url, { timeoutMs: 60_000 });
    try {
      const texts = await Promise.all(
        Array.from({ length: 12 }, (_, i) => peer.call("twice", { token: `h${i}` })),
      );
      for (const [i, text] of texts.entries())
        expect(text.split("|").slice(2)).toEqual([`answer:h${i}-1`, `answer:h${i}-2`]);
      expect(new Set(texts.map((text) => text.split("|")[0])).size).toBeGreaterThanOrEqual(2);
    } finally {
      await peer.close();
    }
  });
});
