import { PassThrough } from "node:stream";
import type { RequestContext, SamplingParams } from "../../src/index.js";

/** In-memory person: `input` takes what they type, `output` collects what they are shown. */
export function person() {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = "";
  const waiters = new Set<() => void>();
  output.on("data", (chunk: Buffer) => {
    shown += chunk.toString();
    for (const waiter of [...waiters]) waiter();
  });
  return {
    input,
    output,
    get shown() {
      return shown;
    },
    type(line: string) {
      input.write(`${line}\n`);
    },
    /** Resolves once the output holds `text` `count` times in all (bounded wait). */
    waitFor(text: string, count = 1, timeoutMs = 5_000): Promise<void> {
      const ready = () => shown.split(text).length - 1 >= count;
      return new Promise((resolve, reject) => {
        if (ready()) return resolve();
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Timed out waiting for ${JSON.stringify(text)} ×${count}; shown:\n${shown}`));
        }, timeoutMs);
        const check = () => {
          if (!ready()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
  };
}

export function context(
  signal: AbortSignal = new AbortController().signal,
  serverName = "weather-server",
): RequestContext {
  return { requestId: 1, signal, side: "client", serverName };
}

export function params(overrides: Partial<SamplingParams> = {}): SamplingParams {
  return {
    messages: [{ role: "user", content: { type: "text", text: "What's the weather?" } }],
    maxTokens: 100,
    ...overrides,
  };
}
