import { describe, expect, it } from "vitest";
import { ToolError } from "../../src/index.js";
import { cells, connect } from "../helpers/matrix.js";

const echo = (messages: { content: unknown }[]) => {
  const last = messages.at(-1)?.content as { type: string; text?: string };
  return `client: ${last.text}`;
};

describe.each(cells())("ctx.sample on $transport × $era", (cell) => {
  it("answers through the client's handler", async () => {
    const { client, close } = await connect(cell, "sampling-basics", {}, { samplingHandler: echo });
    try {
      expect((await client.callTool("one", { prompt: "hi" })).text).toBe("client|client: hi");
    } finally {
      await close();
    }
  });

  it("runs sequential and parallel samples with the same code in both eras", async () => {
    const { client, close } = await connect(cell, "sampling-basics", {}, { samplingHandler: echo });
    try {
      expect((await client.callTool("sequential")).text).toBe(
        "client: first / client: second after client: first",
      );
      expect((await client.callTool("parallel")).text).toBe("client: a,client: b,client: c");
    } finally {
      await close();
    }
  });

  it("runs a ctx.once step once however many rounds the call takes", async () => {
    const { client, close } = await connect(cell, "sampling-basics", {}, { samplingHandler: echo });
    try {
      expect((await client.callTool("once")).text).toBe("client: ticket 1 (runs=1)");
      expect((await client.callTool("once")).text).toBe("client: ticket 2 (runs=2)");
    } finally {
      await close();
    }
  });

  it("falls back to the server's handler when the client cannot sample", async () => {
    const { client, close } = await connect(cell, "sampling-basics", { serverHandler: true });
    try {
      expect((await client.callTool("one", { prompt: "hi" })).text).toBe("server|server: hi");
    } finally {
      await close();
    }
  });

  it('uses the server\'s handler even for a capable client with "always"', async () => {
    const { client, close } = await connect(
      cell,
      "sampling-basics",
      { serverHandler: true, behavior: "always" },
      { samplingHandler: () => "never used" },
    );
    try {
      expect((await client.callTool("one", { prompt: "hi" })).text).toBe("server|server: hi");
    } finally {
      await close();
    }
  });

  it("tells a client without sampling what it lacks", async () => {
    const { client, close } = await connect(cell, "sampling-basics");
    try {
      const error = await client.callTool("one", { prompt: "hi" }).catch((e: unknown) => e);
      // The same ToolError CAPABILITY_MISSING on both eras; 2026-07-28's -32021 is its cause.
      expect(error).toBeInstanceOf(ToolError);
      expect((error as ToolError).code).toBe("CAPABILITY_MISSING");
      expect((error as Error).message).toBe("Client does not support sampling");
      if (cell.era === "2026") {
        const cause = (error as ToolError).cause as { code?: number; data?: unknown };
        expect(cause.code).toBe(-32021);
        expect(cause.data).toEqual({ requiredCapabilities: { sampling: {} } });
      }
      // The connection survives the refusal.
      expect((await client.listTools()).length).toBeGreaterThan(0);
    } finally {
      await close();
    }
  });
});
