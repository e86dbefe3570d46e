import type { Client, RequestContext, SamplingMessage } from "../../src/index.js";

/** Polls `check` until it holds or `timeoutMs` passes (then throws, naming what was awaited). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Resolves with the rejection of `promise` (fails if it resolves) within `timeoutMs`. */
export async function rejectionOf(promise: Promise<unknown>, timeoutMs: number): Promise<Error> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([promise, timeout]);
  } catch (error) {
    if ((error as Error).message === `still pending after ${timeoutMs} ms`) throw error;
    return error as Error;
  } finally {
    clearTimeout(timer);
  }
  throw new Error("expected a rejection, got a result");
}

export const lastText = (messages: SamplingMessage[]): string => {
  const content = messages.at(-1)?.content as { type?: string; text?: string } | undefined;
  return content?.type === "text" ? (content.text ?? "") : "?";
};

/** A client-side handler that never answers; it records when it starts and when its signal aborts. */
export function hangingHandler() {
  const state = { started: 0, aborted: 0, reasons: [] as unknown[] };
  const handler = (_messages: SamplingMessage[], _params: unknown, context: RequestContext) =>
    new Promise<string>((_resolve, reject) => {
      state.started++;
      const onAbort = () => {
        state.aborted++;
        state.reasons.push(context.signal.reason);
        reject(new Error("client handler aborted"));
      };
      if (context.signal.aborted) onAbort();
      else context.signal.addEventListener("abort", onAbort, { once: true });
    });
  return { handler, state };
}

export interface Stats {
  pending: number;
  events: string[];
}

export async function stats(client: Client): Promise<Stats> {
  return JSON.parse((await client.callTool("stats")).text) as Stats;
}

/** Waits until the server reports no sample in flight (a cancellation reaches it a moment after the client gave up). */
export async function settledStats(client: Client, timeoutMs = 15_000): Promise<Stats> {
  let last: Stats = { pending: -1, events: [] };
  const check = async () => {
    last = await stats(client);
    return last.pending === 0;
  };
  await waitFor(check, timeoutMs, "no sample pending on the server");
  return last;
}
