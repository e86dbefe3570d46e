import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Client, FastMCP } from "../../src/index.js";

// A caller names the argument to complete: names of Object.prototype members must find nothing.
describe("completion looks completers up by own keys only", () => {
  it.each(["2025", "2026"] as const)(
    "%s: constructor, hasOwnProperty, __proto__ and toString complete to nothing",
    async (protocol) => {
      const server = new FastMCP({ name: "completing" });
      server.prompt({
        name: "greet",
        parameters: z.object({ name: z.string() }),
        complete: { name: (value) => ["Ada", "Alan"].filter((n) => n.startsWith(value)) },
        render: ({ name }) => `Hello ${name}`,
      });
      const client = await new Client(server, { protocol }).connect();
      try {
        const complete = (name: string, value: string) =>
          client.sdk.complete({ ref: { type: "ref/prompt", name: "greet" }, argument: { name, value } });
        expect((await complete("name", "A")).completion.values).toEqual(["Ada", "Alan"]);
        for (const inherited of ["constructor", "hasOwnProperty", "__proto__", "toString", "valueOf"]) {
          const outcome = await complete(inherited, "x").then(
            (result) => result.completion.values,
            (error: Error) => error.message,
          );
          expect(outcome).toEqual([]);
        }
      } finally {
        await client.close();
        await server.close();
      }
    },
  );
});
