// The first example runs as documented (npx tsx examples/quickstart.ts) and exits on its own.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
// What `npx tsx` runs, without npx's own start-up.
const tsxCli = fileURLToPath(new URL("../../node_modules/tsx/dist/cli.mjs", import.meta.url));

describe("examples/quickstart.ts", () => {
  it("samples through the client's handler and prints the summary", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [tsxCli, "examples/quickstart.ts"], {
      cwd: root,
      timeout: 20_000,
      env: { ...process.env, OPENAI_API_KEY: "", ANTHROPIC_API_KEY: "" },
    });
    expect(stdout.trim().split("\n")).toEqual([
      "[llm] system prompt: You are a concise summarizer.; max tokens: 100",
      "Summary: MCP lets servers ask the client's model for completions.",
    ]);
  });
});
