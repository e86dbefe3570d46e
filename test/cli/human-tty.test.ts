import { describe, expect, it, type TestContext } from "vitest";
import { CLI, cleanEnv, FIXTURE, ROOT, TSX } from "../helpers/cli.js";
import { TmuxSession, tmuxAvailable } from "../helpers/tmux.js";

// A real pseudo-terminal through tmux (CI installs it: apt-get install -y tmux). Missing tmux fails
// loudly rather than skipping, so the human-in-the-loop path can never go untested unnoticed.
async function inTerminal(args: string[], context: TestContext): Promise<TmuxSession> {
  if (!tmuxAvailable()) throw new Error("These tests need tmux: apt-get install -y tmux");
  const session = new TmuxSession();
  context.onTestFinished(() => session.close());
  await session.start([process.execPath, "--import", TSX, CLI, ...args], ROOT, cleanEnv());
  return session;
}

describe.concurrent("fastmcp-ts call --llm human, in a terminal", () => {
  it("shows the sampling request and sends back what the person types as the tool's result", async (context) => {
    const tty = await inTerminal(
      ["call", FIXTURE, "ask", "prompt=What is the capital of France?", "--llm", "human"],
      context,
    );
    const screen = await tty.waitFor(/Type the reply[^\n]*\n> $/m);
    expect(screen).toContain("── Sampling request from cli-test ──");
    expect(screen).toContain("System prompt:\n  Answer briefly.");
    expect(screen).toContain("[user] What is the capital of France?");
    expect(screen).toContain("Settings: max tokens 50");
    expect(screen).toContain("Model preferences: hints fake");
    await tty.type("Paris, typed by a person");
    const { code, stdout, screen: after } = await tty.result();
    expect(after).toContain("> Paris, typed by a person\nSent.");
    expect(stdout).toBe("Paris, typed by a person\n");
    expect(code).toBe(0);
  });

  it("auto picks the person when stdin is a terminal; 'reject' becomes a tool error (exit 1)", async (context) => {
    const tty = await inTerminal(["call", FIXTURE, "ask", "prompt=Tell me a secret"], context);
    const screen = await tty.waitFor(/\n> $/m);
    expect(screen).toContain("sampling: you (human-in-the-loop");
    expect(screen).toContain("[user] Tell me a secret");
    await tty.type("reject");
    const { code, stdout, screen: after } = await tty.result();
    expect(after).toContain("Rejected.");
    expect(after).toMatch(/Tool error: .*User rejected sampling request/);
    expect(stdout).toBe("");
    expect(code).toBe(1);
  });

  it("a typed result: the tools offered are shown and a plain reply becomes the validated value", async (context) => {
    const tty = await inTerminal(
      ["call", FIXTURE, "pick", "question=Is water wet?", "--llm", "human"],
      context,
    );
    const screen = await tty.waitFor(/\n> $/m);
    expect(screen).toContain('Tools offered (choice: required):\n  - final_response(value: "yes" | "no")');
    expect(screen).toContain("A typed result is wanted");
    await tty.type("maybe"); // not valid: the tool loop sends the validation error back as a new request
    await tty.waitFor(/Validation error[\s\S]*\n> $/m);
    await tty.type("yes");
    const { code, stdout } = await tty.result();
    expect(JSON.parse(stdout)).toEqual({ answer: "yes" });
    expect(code).toBe(0);
  });
});
