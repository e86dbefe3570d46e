import { describe, expect, it } from "vitest";
import {
  FastMCPError,
  RATE_LIMITED,
  type SamplingParams,
  ToolError,
  withRateLimit,
} from "../../src/index.js";
import { cells, connect } from "../helpers/matrix.js";
import { lastText, rejectionOf } from "../helpers/pending.js";

const codeOf = (error: unknown) => (error as { code?: unknown }).code;

describe.each(cells({ transports: ["memory", "http"] }))(
  "client-side limits on $transport × $era",
  (cell) => {
    it("withRateLimit refuses requests over maxRequests per window, clearly, without calling the handler", async () => {
      let calls = 0;
      const limited = withRateLimit(
        (messages) => {
          calls++;
          return `ok ${lastText(messages)}`;
        },
        { maxRequests: 2, perMs: 60_000 },
      );
      const { client, close } = await connect(cell, "reliability-server", {}, { samplingHandler: limited });
      try {
        expect((await client.callTool("sample", { prompt: "1" })).text).toBe("client|ok 1");
        expect((await client.callTool("sample", { prompt: "2" })).text).toBe("client|ok 2");
        const error = await rejectionOf(client.callTool("sample", { prompt: "3" }), 10_000);
        expect(error.message).toMatch(
          /Sampling rate limit exceeded: at most 2 requests per 60000 ms \(retry in \d+ ms\)/,
        );
        // The same ToolError REJECTED on both eras; on 2026-07-28 the refusal (-32029) is the cause.
        expect(ToolError.isInstance(error)).toBe(true);
        expect(codeOf(error)).toBe("REJECTED");
        if (cell.era === "2026") expect(codeOf((error as ToolError).cause)).toBe(RATE_LIMITED);
        expect(calls).toBe(2);
      } finally {
        await close();
      }
    });

    it("withRateLimit maxConcurrent refuses what would run beside too many others", async () => {
      let running = 0;
      let peak = 0;
      const limited = withRateLimit(
        async () => {
          peak = Math.max(peak, ++running);
          await new Promise((resolve) => setTimeout(resolve, 300));
          running--;
          return "done";
        },
        { maxRequests: 100, perMs: 1_000, maxConcurrent: 2 },
      );
      const { client, close } = await connect(cell, "reliability-server", {}, { samplingHandler: limited });
      try {
        const outcomes = await Promise.allSettled(
          [1, 2, 3, 4].map((i) => client.callTool("sample", { prompt: `${i}` })),
        );
        const refused = outcomes.filter((o) => o.status === "rejected") as PromiseRejectedResult[];
        expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(2);
        expect(refused).toHaveLength(2);
        for (const { reason } of refused)
          expect((reason as Error).message).toContain("at most 2 requests at once");
        expect(peak).toBe(2);
      } finally {
        await close();
      }
    });

    it("maxTokensCap: the handler never sees more maxTokens than the client grants", async () => {
      const seen: number[] = [];
      const { client, close } = await connect(
        cell,
        "reliability-server",
        {},
        {
          maxTokensCap: 100,
          samplingHandler: (_messages, params: SamplingParams) => {
            seen.push(params.maxTokens);
            return "capped";
          },
        },
      );
      try {
        await client.callTool("sample", { prompt: "big", maxTokens: 5_000 });
        await client.callTool("sample", { prompt: "small", maxTokens: 40 });
        expect(seen).toEqual([100, 40]);
      } finally {
        await close();
      }
    });

    it("maxSamplingRequestBytes refuses an oversize request (-32602) before the handler runs", async () => {
      let calls = 0;
      const { client, close } = await connect(
        cell,
        "reliability-server",
        {},
        {
          maxSamplingRequestBytes: 2_000,
          samplingHandler: () => {
            calls++;
            return "small enough";
          },
        },
      );
      try {
        expect((await client.callTool("sample", { prompt: "short" })).text).toBe("client|small enough");
        const error = await rejectionOf(client.callTool("sample", { prompt: "x".repeat(5_000) }), 10_000);
        expect(error.message).toMatch(
          /Sampling request is \d+ bytes, over this client's limit of 2000 \(maxSamplingRequestBytes\)/,
        );
        expect(ToolError.isInstance(error)).toBe(true);
        expect(codeOf(error)).toBe("REJECTED");
        if (cell.era === "2026") expect(codeOf((error as ToolError).cause)).toBe(-32602);
        expect(calls).toBe(1);
      } finally {
        await close();
      }
    });

    it("maxSamplingResultBytes refuses to send an oversize answer", async () => {
      const { client, close } = await connect(
        cell,
        "reliability-server",
        {},
        {
          maxSamplingResultBytes: 1_000,
          samplingHandler: (messages) => (lastText(messages) === "long" ? "y".repeat(5_000) : "fine"),
        },
      );
      try {
        expect((await client.callTool("sample", { prompt: "short" })).text).toBe("client|fine");
        const error = await rejectionOf(client.callTool("sample", { prompt: "long" }), 10_000);
        expect(error.message).toMatch(
          /Sampling handler result is \d+ bytes, over this client's limit of 1000 \(maxSamplingResultBytes\)/,
        );
      } finally {
        await close();
      }
    });
  },
);

describe("withRateLimit on its own", () => {
  const context = { requestId: 1, signal: new AbortController().signal, side: "client" as const };
  const params = { messages: [], maxTokens: 1 } as SamplingParams;

  it("lets requests through again once the window has passed", async () => {
    const limited = withRateLimit(() => "ok", { maxRequests: 1, perMs: 200 });
    expect(await limited([], params, context)).toBe("ok");
    const refused = await limited([], params, context).catch((e: unknown) => e);
    expect(codeOf(refused)).toBe(RATE_LIMITED);
    expect((refused as { data?: { retryAfterMs?: number } }).data?.retryAfterMs).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await limited([], params, context)).toBe("ok");
  });

  it("wraps object handlers and rejects bad options", () => {
    expect(typeof withRateLimit({ createMessage: () => "ok" }, { maxRequests: 1, perMs: 1 })).toBe(
      "function",
    );
    expect(() => withRateLimit(() => "ok", { maxRequests: 0, perMs: 1 })).toThrow(FastMCPError);
    expect(() => withRateLimit(() => "ok", { maxRequests: 1, perMs: 1, maxConcurrent: 0 })).toThrow(
      FastMCPError,
    );
    expect(() => withRateLimit({} as never, { maxRequests: 1, perMs: 1 })).toThrow(FastMCPError);
  });
});
