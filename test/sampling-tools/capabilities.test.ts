// The sampling.tools capability rules, both ways, and the 2026-07-28 round limit of tool loops:
// - our Client declares sampling.tools only when asked;
// - the server never sends tools to a client that did not declare it (fallback handler, else the
//   DESIGN error text / -32021);
// - our Client refuses tools it did not declare, and tool_use/tool_result ordering violations,
//   without calling its handler — shown against a rogue server written with the raw SDK v1;
// - a long loop on 2026-07-28 hits the client's maxInputRounds with a clear error.
import { InMemoryTransport as V1InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Client, type ClientOptions, FastMCPError, TASKS_EXTENSION, ToolError } from "../../src/index.js";
import { NO_SAMPLING_TOOLS, NO_SAMPLING_TOOLS_HINT } from "../../src/sampling/round-trip.js";
import { build as buildRogue } from "../fixtures/tools-rogue-v1.js";
import { createScriptedHandler } from "../fixtures/tools-script.js";
import { type Connected, cells, connect } from "../helpers/matrix.js";

describe.each(cells({ transports: ["memory", "stdio", "http"] }))(
  "sampling.tools capability on $transport × $era",
  (cell) => {
    let calls = 0;
    const handler = createScriptedHandler(() => calls++);
    beforeEach(() => {
      calls = 0;
    });
    const report = async (conn: Connected, scenario: string) => {
      const result = await conn.client.callTool("run", { scenario });
      return (result.structuredContent as { report: { outcome: { via: string; text: string } } }).report
        .outcome;
    };
    const capabilities = async (conn: Connected) =>
      ((await conn.client.callTool("caps")).structuredContent as { capabilities: unknown }).capabilities;

    describe("a client with a handler but without sampling.tools", () => {
      let conn: Connected;
      beforeAll(async () => {
        conn = await connect(cell, "tools-loop", {}, { samplingHandler: handler });
      });
      afterAll(() => conn?.close());

      it("declares sampling without tools", async () => {
        // Our Client also declares the tasks extension (it follows tasks): at initialize on 2025; on
        // 2026-07-28 per request, to a server that offers it (this one has no task tools).
        const extensions = cell.era === "2025" ? { extensions: { [TASKS_EXTENSION]: {} } } : {};
        expect(await capabilities(conn)).toEqual({ sampling: {}, ...extensions });
      });

      it.each(["weather", "typed"])(
        "is never sent tools (%s): the call fails with the DESIGN error",
        async (scenario) => {
          const error = await conn.client.callTool("run", { scenario }).catch((e: unknown) => e);
          // The pinned text, then how to declare the capability; the same ToolError on both eras.
          expect(error).toBeInstanceOf(ToolError);
          expect((error as ToolError).code).toBe("CAPABILITY_MISSING");
          expect((error as Error).message).toBe(`${NO_SAMPLING_TOOLS}${NO_SAMPLING_TOOLS_HINT}`);
          expect((error as Error).message).toContain("samplingCapabilities: { tools: true }");
          if (cell.era === "2026") {
            const cause = (error as ToolError).cause as { code?: number; data?: unknown };
            expect(cause.code).toBe(-32021);
            expect(cause.data).toEqual({ requiredCapabilities: { sampling: { tools: {} } } });
          }
          expect(calls).toBe(0);
        },
      );

      it('still answers a plain sample, also with toolChoice "none" and no tools', async () => {
        expect(await report(conn, "choice-none-no-tools")).toMatchObject({ via: "client", text: "plain" });
        expect(calls).toBe(1);
      });
    });

    describe("the same client, with a server fallback handler", () => {
      let conn: Connected;
      beforeAll(async () => {
        conn = await connect(cell, "tools-loop", { fallback: true }, { samplingHandler: handler });
      });
      afterAll(() => conn?.close());

      it("samples with tools through the server's handler", async () => {
        expect(await report(conn, "weather")).toMatchObject({
          via: "server",
          text: "final: Sunny in Seattle",
        });
        expect(calls).toBe(0);
      });

      it("while a plain sample still goes to the client", async () => {
        expect(await report(conn, "choice-none-no-tools")).toMatchObject({ via: "client" });
        expect(calls).toBe(1);
      });
    });

    describe("declarations", () => {
      it("declares sampling.tools when samplingCapabilities.tools is set, and no sampling without a handler", async () => {
        const [withTools, none] = await Promise.all([
          connect(
            cell,
            "tools-loop",
            {},
            { samplingHandler: handler, samplingCapabilities: { tools: true } },
          ),
          connect(cell, "tools-loop", { fallback: true }),
        ]);
        try {
          const extensions = cell.era === "2025" ? { extensions: { [TASKS_EXTENSION]: {} } } : {};
          expect(await capabilities(withTools)).toEqual({ sampling: { tools: {} }, ...extensions });
          expect(await capabilities(none)).toEqual({ ...extensions });
          expect(await report(none, "weather")).toMatchObject({ via: "server" });
        } finally {
          await Promise.all([withTools.close(), none.close()]);
        }
      });
    });
  },
);

describe.each(cells({ transports: ["memory", "stdio", "http"], eras: ["2026"] }))(
  "input_required rounds of a tool loop on $transport × $era",
  (cell) => {
    const options = (maxInputRounds: number): ClientOptions => ({
      samplingHandler: createScriptedHandler(),
      samplingCapabilities: { tools: true },
      maxInputRounds,
    });

    it("a 12-step loop fails clearly with maxInputRounds 10", async () => {
      const conn = await connect(cell, "tools-loop", {}, options(10));
      try {
        const error = await conn.client.callTool("run", { scenario: "chain-12" }).catch((e: unknown) => e);
        expect(FastMCPError.isInstance(error)).toBe(true);
        expect((error as FastMCPError).code).toBe("ROUNDS_EXCEEDED");
        expect((error as Error).message).toContain("more than 10 input rounds");
        expect((error as Error).message).toContain("maxInputRounds");
      } finally {
        await conn.close();
      }
    });

    it("and succeeds with 20, each tool running once", async () => {
      const conn = await connect(cell, "tools-loop", {}, options(20));
      try {
        const result = await conn.client.callTool("run", { scenario: "chain-12" });
        const { report } = result.structuredContent as {
          report: { outcome: { text: string }; executions: unknown };
        };
        expect(report.outcome.text).toBe("ticks: 11");
        expect(report.executions).toEqual({ tick: 11 });
      } finally {
        await conn.close();
      }
    });
  },
);

describe.each(["memory", "stdio"] as const)(
  "our Client against a rogue SDK v1 server over %s",
  (transport) => {
    const rogueTarget = () =>
      transport === "memory"
        ? {
            connectInMemory: () => {
              const [clientSide, serverSide] = V1InMemoryTransport.createLinkedPair();
              void buildRogue().connect(serverSide);
              return clientSide as never;
            },
          }
        : new URL("../fixtures/tools-rogue-v1.ts", import.meta.url).pathname;

    const withClient = async (
      toolsDeclared: boolean,
      body: (client: Client, calls: () => number) => Promise<void>,
    ) => {
      let calls = 0;
      const client = new Client(rogueTarget(), {
        samplingHandler: () => {
          calls++;
          return { role: "assistant", content: { type: "text", text: "handled" }, model: "m" };
        },
        samplingCapabilities: { tools: toolsDeclared },
        stderr: "pipe",
        protocol: "2025",
      });
      await client.connect();
      try {
        await body(client, () => calls);
      } finally {
        await client.close();
      }
    };

    it("refuses tools it did not declare with -32602, without calling its handler", async () => {
      await withClient(false, async (client, calls) => {
        const { text } = await client.callTool("undeclared");
        expect(text).toBe(
          "refused -32602: MCP error -32602: Sampling request includes tools, but this client did not declare the sampling.tools capability",
        );
        expect(calls()).toBe(0);
      });
    });

    it("with sampling.tools declared, answers a valid exchange and refuses a broken one", async () => {
      await withClient(true, async (client, calls) => {
        expect((await client.callTool("good")).text).toBe('answered: {"type":"text","text":"handled"}');
        expect(calls()).toBe(1);
        const { text } = await client.callTool("bad_order");
        expect(text).toMatch(
          /^refused -32602: .*tool_result blocks do not answer any tool_use in the previous message/,
        );
        expect(calls()).toBe(1);
        expect((await client.callTool("undeclared")).text).toMatch(/^answered:/);
        expect(calls()).toBe(2);
      });
    });
  },
);
