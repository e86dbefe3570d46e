import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { type FakeAnthropic, startFakeAnthropic } from "../fakes/anthropic-server.js";
import { startFakeOllama } from "../fakes/cli-fake-ollama.js";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/openai-server.js";
import { CLI, cleanEnv, FIXTURE, ROOT, TSX } from "../helpers/cli.js";
import { TmuxSession, tmuxAvailable } from "../helpers/tmux.js";

// Live tokens in a real terminal (tmux): the fake provider pauses after the first word, so the
// screen can only show it if the CLI prints deltas as they arrive.
const STREAMING_SERVER = fileURLToPath(new URL("./fixtures/streaming-llm-server.ts", import.meta.url));

let openai: FakeOpenAI;
let anthropic: FakeAnthropic;
beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
});
afterAll(() => Promise.all([openai.close(), anthropic.close()]));

async function inTerminal(args: string[], env: Record<string, string>, context: TestContext) {
  if (!tmuxAvailable()) throw new Error("These tests need tmux: apt-get install -y tmux");
  const session = new TmuxSession();
  context.onTestFinished(() => session.close());
  await session.start([process.execPath, "--import", TSX, CLI, ...args], ROOT, cleanEnv(env));
  return session;
}

describe("fastmcp-ts call shows streamed tokens live, in a terminal", () => {
  it("--llm openai: the answer appears word by word on the terminal while it is generated", async (context) => {
    openai.reset();
    openai.enqueue({ text: "Paris is the capital" });
    const release = openai.pauseNextStream();
    const tty = await inTerminal(
      ["call", FIXTURE, "ask", "prompt=Capital of France?", "--llm", "openai"],
      { OPENAI_BASE_URL: openai.url, OPENAI_API_KEY: "k", OPENAI_MODEL: "gpt-fake" },
      context,
    );
    const paused = await tty.waitFor("llm ▸ Paris ");
    expect(paused).not.toContain("capital");
    release();
    const { code, stdout, screen } = await tty.result();
    expect(screen).toContain("llm ▸ Paris is the capital\n");
    expect(stdout).toBe("Paris is the capital\n");
    expect(code).toBe(0);
    expect(openai.requests[0].stream).toBe(true);
  });

  it("--llm anthropic streams the same way", async (context) => {
    anthropic.reset();
    anthropic.enqueue({ text: "Bonjour from Claude" });
    const release = anthropic.pauseNextStream();
    const tty = await inTerminal(
      ["call", FIXTURE, "ask", "prompt=Say hi", "--llm", "anthropic"],
      { ANTHROPIC_BASE_URL: anthropic.url, ANTHROPIC_API_KEY: "k" },
      context,
    );
    const paused = await tty.waitFor("llm ▸ Bonjour ");
    expect(paused).not.toContain("Claude");
    release();
    const { code, stdout } = await tty.result();
    expect(stdout).toBe("Bonjour from Claude\n");
    expect(code).toBe(0);
  });

  it("--llm ollama streams through Ollama's OpenAI-compatible endpoint", async (context) => {
    const ollama = await startFakeOllama(["llama3.2:3b"]);
    context.onTestFinished(() => ollama.close());
    const tty = await inTerminal(
      ["call", FIXTURE, "ask", "prompt=hi there", "--llm", "ollama"],
      { OLLAMA_HOST: ollama.origin.replace("http://", "") },
      context,
    );
    const { code, stdout, screen } = await tty.result();
    expect(screen).toContain("llm ▸ ollama says: hi there\n");
    expect(stdout).toBe("ollama says: hi there\n");
    expect(code).toBe(0);
    expect(ollama.calls.find((call) => call.method === "POST")?.body.stream).toBe(true);
  });

  it("a server that streams its own LLM's answer as progress: shown live too", async (context) => {
    openai.reset();
    openai.enqueue({ text: "the server model speaks" });
    const release = openai.pauseNextStream();
    // A stdio server gets a minimal environment, so the fake's URL is set by a small entry script
    // (before the fixture loads: a static re-export would be evaluated first).
    const dir = mkdtempSync(join(tmpdir(), "fastmcp-stream-"));
    context.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const entry = join(dir, "server.mts"); // an ES module wherever it lives (top-level await)
    writeFileSync(
      entry,
      `process.env.FAKE_OPENAI_URL = ${JSON.stringify(openai.url)};\n` +
        `export default (await import(${JSON.stringify(pathToFileURL(STREAMING_SERVER).href)})).default;\n`,
    );
    const tty = await inTerminal(["call", entry, "ask", "prompt=hello", "--llm", "none"], {}, context);
    const paused = await tty.waitFor("server llm ▸ the ");
    expect(paused).not.toContain("speaks");
    release();
    const { code, stdout, screen } = await tty.result();
    expect(screen).toContain("server llm ▸ the server model speaks\n");
    expect(stdout).toBe("the server model speaks\n");
    expect(code).toBe(0);
  });
});
