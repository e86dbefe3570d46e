import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseLlmSpec } from "../../src/cli/llm.js";
import { NO_SAMPLING } from "../../src/sampling/round-trip.js";
import { FIXTURE, runCli, runMain } from "../helpers/cli.js";

const OWN_LLM = fileURLToPath(new URL("./fixtures/own-llm-server.ts", import.meta.url));

describe.concurrent("fastmcp-ts call --llm none", () => {
  it("declares no sampling, so a server with its own handler answers (no LLM configured here)", async () => {
    const run = await runMain(["call", OWN_LLM, "ask", "prompt=hello", "--llm", "none"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("server|the server's own LLM says: hello\n");
  });

  it("without --llm none the same call asks the CLI's LLM, and with none configured exits 2", async () => {
    const run = await runMain(["call", OWN_LLM, "ask", "prompt=hello"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("No LLM configured");
  });

  it.each(["2025", "2026"])(
    "against a server without a handler, gives the missing-capability error clearly (%s)",
    async (protocol) => {
      const run = await runCli([
        "call",
        FIXTURE,
        "ask",
        "prompt=hi",
        "--llm",
        "none",
        "--protocol",
        protocol,
      ]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Tool error: ${NO_SAMPLING}`);
      expect(run.stdout).toBe("");
    },
  );

  it("is a spec of its own that takes no model; the demo refuses it", async () => {
    expect(parseLlmSpec("none")).toEqual({ kind: "none" });
    expect(() => parseLlmSpec("none:gpt")).toThrow("--llm none takes no model");
    const demo = await runMain(["demo", "--llm", "none"]);
    expect(demo.code).toBe(2);
    expect(demo.stderr).toContain("--llm none would leave it unanswered");
  });

  it("is listed in call --help", async () => {
    const help = await runMain(["call", "--help"]);
    expect(help.stdout).toMatch(/none {17}declare no sampling/);
  });
});
