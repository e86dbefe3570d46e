// Two server processes sharing a real redis-server, a client's requests alternating between them
// with no affinity: the session lives in Redis, and sampling answers POSTed to the instance that is
// not waiting are forwarded to the one that is.
import { Client as V2Client, StreamableHTTPClientTransport as V2Http } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropAndResume, promptOf, resultText } from "../helpers/resume-flow.js";
import { type Instance, type RedisServer, startInstance, startRedis } from "./infra.js";

let redis: RedisServer;
const instances: Instance[] = [];

beforeAll(async () => {
  redis = await startRedis();
  instances.push(
    ...(await Promise.all(["A", "B"].map((name) => startInstance(name, { REDIS_URL: redis.url })))),
  );
});
afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  await redis?.stop();
});

function alternating() {
  let next = 0;
  const sent: Array<{ instance: number; body: string }> = [];
  const fetchImpl = (_input: string | URL | Request, init?: RequestInit) => {
    const instance = [0, 1, 1][next++ % 3]!;
    sent.push({ instance, body: typeof init?.body === "string" ? init.body : "" });
    return fetch(instances[instance]!.url, init);
  };
  return { fetchImpl, sent };
}

describe("two instances sharing Redis", () => {
  it("serves one session from both instances and routes its sampling answers", async () => {
    const { fetchImpl, sent } = alternating();
    const client = new V2Client({ name: "v2", version: "1" }, { capabilities: { sampling: {} } });
    client.setRequestHandler("sampling/createMessage", async (request) => {
      const content = request.params.messages.at(-1)?.content as { text: string };
      return { role: "assistant", content: { type: "text", text: `answer:${content.text}` }, model: "m" };
    });
    await client.connect(new V2Http(new URL(instances[0]!.url), { fetch: fetchImpl }));
    try {
      const ran = new Set<string>();
      for (let i = 0; i < 8; i++) {
        const result = await client.callTool({ name: "ask", arguments: { token: `t${i}` } });
        const [name, answer] = (result.content as Array<{ text: string }>)[0]!.text.split("|");
        expect(answer).toBe(`answer:t${i}`);
        ran.add(name!);
      }
      expect(ran).toEqual(new Set(["A", "B"]));
      const posts = sent.filter(
        (entry) => entry.body.includes('"tools/call"') || entry.body.includes('"result"'),
      );
      const crossed = posts.filter(
        (entry, i) =>
          entry.body.includes('"tools/call"') &&
          posts[i + 1] !== undefined &&
          posts[i + 1]!.instance !== entry.instance,
      );
      expect(crossed.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });

  it("a tools/call stream dropped while its sample is pending resumes on the other instance", async () => {
    const outcome = await dropAndResume(
      [instances[0]!.url, instances[1]!.url],
      "ask",
      { token: "r1" },
      (request) => `answer:${promptOf(request)}`,
    );
    expect(outcome.samplingRequest.params?.messages).toEqual([
      { role: "user", content: { type: "text", text: "r1" } },
    ]);
    expect(resultText(outcome.result)).toBe("A|answer:r1");
  });
});
