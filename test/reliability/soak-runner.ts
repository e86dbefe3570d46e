// A bounded soak, run in its own process (node --expose-gc): random calls, cancels, timeouts and
// vanishing clients against one HTTP server, then checks that nothing stays pending and memory
// returns near its baseline. Prints one JSON report line. Usage: soak-runner.ts <durationMs>.
// To narrow a leak down: SOAK_KINDS=answer,cancel SOAK_EXITS=after SOAK_PROTOCOLS=2026 SOAK_VANISH=0.
import { Client, type RequestContext, type SamplingMessage } from "../../src/index.js";
import { startHttpServer } from "../../src/server/http-server.js";
import build from "../fixtures/reliability-server.js";
import { openLegacySession } from "../helpers/raw-http.js";

const durationMs = Number(process.argv[2] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc");

const server = build({ serverHandler: "echo", quiet: true });
const http = await startHttpServer(server, { port: 0, sessionIdleTimeoutMs: 1_000 });
const counts: Record<string, number> = {};
const unexpected: string[] = [];
const count = (key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

const text = (messages: SamplingMessage[]) => {
  const content = messages.at(-1)?.content as { type?: string; text?: string };
  return content.type === "text" ? (content.text ?? "") : "";
};

/** Answers after a little while; prompts starting with "hang" wait for their signal. */
function handler(messages: SamplingMessage[], _params: unknown, context: RequestContext): Promise<string> {
  const prompt = text(messages);
  return new Promise((resolve, reject) => {
    const timer = prompt.startsWith("hang")
      ? undefined
      : setTimeout(() => resolve(`answer:${prompt}`), Math.random() * 15);
    context.signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(new Error("aborted"));
      },
      { once: true },
    );
  });
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const ALL_KINDS = ["answer", "answer", "answer", "cancel", "timeout", "sample-timeout", "server"] as const;
const KINDS = (process.env.SOAK_KINDS?.split(",") ?? ALL_KINDS) as unknown as typeof ALL_KINDS;
const EXITS = (process.env.SOAK_EXITS?.split(",") ?? ["after", "after", "during"]) as Array<
  "after" | "during"
>;
const PROTOCOLS = (process.env.SOAK_PROTOCOLS?.split(",") ?? ["2025", "2026"]) as Array<"2025" | "2026">;
const VANISH = Number(process.env.SOAK_VANISH ?? 0.1);

/** `leaving`: the client will close mid-call, so a failed call is expected. */
async function operation(client: Client, n: number, leaving: boolean): Promise<void> {
  const kind = pick(KINDS);
  count(kind);
  const token = `t${n}-${Math.random().toString(36).slice(2)}`;
  try {
    if (kind === "answer") {
      const { text: got } = await client.callTool("token", { token });
      if (got !== `${token}|answer:${token}`) unexpected.push(`mismatch ${got}`);
    } else if (kind === "cancel") {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("soak cancel")), Math.random() * 30);
      await client.callTool("sample", { prompt: `hang-${token}` }, { signal: controller.signal }).then(
        () => unexpected.push("cancelled call resolved"),
        () => undefined,
      );
    } else if (kind === "timeout") {
      await client.callTool("sample", { prompt: `hang-${token}` }, { timeoutMs: 40 }).then(
        () => unexpected.push("timed-out call resolved"),
        () => undefined,
      );
    } else if (kind === "sample-timeout") {
      await client.callTool("sample", { prompt: `hang-${token}`, timeoutMs: 40 }).then(
        () => unexpected.push("sample timeout resolved"),
        () => undefined,
      );
    } else {
      // A client without sampling: the server's own handler answers.
      const bare = new Client(http.url, { protocol: pick(["2025", "2026"] as const) });
      await bare.connect();
      const { text: got } = await bare.callTool("sample", { prompt: token });
      if (got !== `server|server: ${token}`) unexpected.push(`server mismatch ${got}`);
      await bare.close();
    }
  } catch (error) {
    if (!leaving) unexpected.push(`${kind}: ${(error as Error).message}`);
  }
}

/** A client's life: connect, some overlapping operations, then leave politely, abruptly, or mid-call. */
async function life(n: number): Promise<void> {
  const client = new Client(http.url, {
    protocol: pick(PROTOCOLS),
    samplingHandler: handler,
    timeoutMs: 20_000,
  });
  await client.connect();
  const exit = pick(EXITS);
  const ops = Array.from({ length: 1 + Math.floor(Math.random() * 8) }, (_, i) =>
    operation(client, n * 100 + i, exit === "during"),
  );
  count(`exit-${exit}`);
  if (exit === "during") {
    // Disconnect with calls (and samples) in flight: they fail, which is not unexpected here.
    const inflight = client.callTool("sample", { prompt: `hang-exit-${n}` }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 30));
    await client.close();
    await Promise.allSettled([...ops, inflight]);
    return;
  }
  await Promise.all(ops);
  await client.close();
}

/** A 2025 client that vanishes mid-sample without DELETE (its streams just drop). */
async function vanish(): Promise<void> {
  count("vanish");
  const sessionHeaders = await openLegacySession(http.url);
  const controller = new AbortController();
  const call = await fetch(http.url, {
    method: "POST",
    headers: sessionHeaders,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "sample", arguments: { prompt: "vanish" } },
    }),
    signal: controller.signal,
  });
  const reader = call.body!.getReader();
  await reader.read().catch(() => undefined); // the first event, then gone
  controller.abort();
}

async function run(untilMs: number, workers: number): Promise<void> {
  let n = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < untilMs) {
        await (Math.random() < VANISH ? vanish() : life(n++)).catch((error: unknown) =>
          unexpected.push(`life: ${(error as Error).message}`),
        );
      }
    }),
  );
}

async function settle(): Promise<{ pending: number; sessions: number }> {
  const deadline = Date.now() + 15_000;
  while ((server.pending.samples > 0 || http.sessionCount > 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { pending: server.pending.samples, sessions: http.sessionCount };
}

async function heap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

// Warm up with the same mix, so caches, JIT and pools exist before the baseline is taken.
await run(Date.now() + Math.min(3_000, durationMs / 3), 6);
await settle();
const baseline = await heap();
const warmupCounts = { ...counts };
for (const key of Object.keys(counts)) delete counts[key];
const started = Date.now();
await run(started + durationMs, 6);
const after = await settle();
const final = await heap();
await http.close();
await server.close();
process.stdout.write(
  `${JSON.stringify({
    durationMs: Date.now() - started,
    counts,
    warmupCounts,
    unexpected: unexpected.slice(0, 20),
    unexpectedCount: unexpected.length,
    ...after,
    baselineMiB: baseline / 2 ** 20,
    finalMiB: final / 2 ** 20,
    growthMiB: (final - baseline) / 2 ** 20,
  })}\n`,
);
process.exit(0);
