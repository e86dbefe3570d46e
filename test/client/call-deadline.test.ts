import { describe, expect, it } from "vitest";
import { LiveCalls } from "../../src/client/call-deadline.js";
import { FastMCPError } from "../../src/index.js";

const MESSAGE = () => "timed out";

describe("LiveCalls deadlines", () => {
  it("hands a cleanly ended call's signal to the next call", () => {
    const calls = new LiveCalls();
    const first = calls.deadline(undefined, 60_000, MESSAGE);
    first.dispose();
    const second = calls.deadline(undefined, 60_000, MESSAGE);
    expect(second.signal).toBe(first.signal);
    expect(second.signal.aborted).toBe(false);
    second.dispose();
  });

  it("a deadline disposed twice is pooled once: two later calls never share a signal", () => {
    const calls = new LiveCalls();
    const first = calls.deadline(undefined, 60_000, MESSAGE);
    first.dispose();
    first.dispose();
    const a = calls.deadline(undefined, 60_000, MESSAGE);
    const b = calls.deadline(undefined, 60_000, MESSAGE);
    expect(a.signal).not.toBe(b.signal);
    a.dispose();
    b.dispose();
  });

  it("never reuses a signal that aborted, or one something still listens on", async () => {
    const calls = new LiveCalls();
    const timedOut = calls.deadline(undefined, 1, MESSAGE);
    await new Promise((resolve) => timedOut.signal.addEventListener("abort", resolve, { once: true }));
    expect(FastMCPError.isInstance(timedOut.signal.reason) && timedOut.signal.reason.code).toBe("TIMEOUT");
    timedOut.dispose();
    const listened = calls.deadline(undefined, 60_000, MESSAGE);
    expect(listened.signal).not.toBe(timedOut.signal);
    let heard = 0;
    listened.signal.addEventListener("abort", () => heard++);
    listened.dispose();
    const next = calls.deadline(undefined, 60_000, MESSAGE);
    expect(next.signal).not.toBe(listened.signal);
    // The left-behind listener never hears another call's end.
    calls.end(new Error("closed"));
    expect(next.signal.aborted).toBe(true);
    expect(heard).toBe(0);
  });

  it("a reused signal still aborts with its own call's timeout and the caller's signal", async () => {
    const calls = new LiveCalls();
    const first = calls.deadline(undefined, 60_000, MESSAGE);
    first.dispose();
    const caller = new AbortController();
    const second = calls.deadline(caller.signal, 60_000, MESSAGE);
    expect(second.signal).toBe(first.signal);
    caller.abort(new Error("user stop"));
    expect(second.signal.aborted).toBe(true);
    expect((second.signal.reason as Error).message).toBe("user stop");
    second.dispose();
    const third = calls.deadline(undefined, 5, () => "third timed out");
    expect(third.signal).not.toBe(first.signal);
    await new Promise((resolve) => third.signal.addEventListener("abort", resolve, { once: true }));
    expect((third.signal.reason as Error).message).toBe("third timed out");
  });

  it("after the connection ends, every call starts aborted and nothing is pooled", () => {
    const calls = new LiveCalls();
    calls.deadline(undefined, 60_000, MESSAGE).dispose();
    calls.end(new Error("closed"));
    const late = calls.deadline(undefined, 60_000, MESSAGE);
    expect(late.signal.aborted).toBe(true);
    expect((late.signal.reason as Error).message).toBe("closed");
  });
});
