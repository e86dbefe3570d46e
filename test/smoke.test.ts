import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Client, FastMCP } from "../src/index.js";

describe("smoke", () => {
  for (const protocol of ["2025", "2026"] as const) {
    it(`samples over http (${protocol})`, async () => {
      const server = new FastMCP({ name: "demo" });
      server.tool({
        name: "summarize",
        parameters: z.object({ text: z.string() }),
        execute: async ({ text }, ctx) => (await ctx.sample(`Summarize: ${text}`)).text,
      });
      const seen: unknown[] = [];
      await server.run({ transport: "http", port: 0 });
      const client = new Client(server.url!, {
        protocol,
        samplingHandler: (messages) => {
          seen.push(messages);
          return "short";
        },
      });
      await client.connect();
      expect(client.era).toBe(protocol === "2025" ? "legacy" : "modern");
      const result = await client.callTool("summarize", { text: "long text" });
      expect(result.text).toBe("short");
      expect(seen).toHaveLength(1);
      await client.close();
      await server.close();
    });
  }
});
