import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAI, type OpenAIScript, startFakeOpenAI } from "../fakes/openai-server.js";
import { cleanEnv, runCli } from "../helpers/cli.js";

// biome-ignore lint/suspicious/noExplicitAny: wire JSON from fakes and handlers, inspected field by field
type Wire = any;

/** A scripted "LLM" that does what each demo tool asks, the way a real model would answer. */
function demoResponder(body: Wire): OpenAIScript {
  const tools: string[] = (body.tools ?? []).map((tool: Wire) => tool.function.name);
  const toolTurns = body.messages.filter((message: Wire) => message.role === "tool").length;
  const system = body.messages.find((message: Wire) => message.role === "system")?.content ?? "";
  if (tools.includes("final_response")) {
    const schema = body.tools.find((tool: Wire) => tool.function.name === "final_response").function
      .parameters;
    const args = schema.properties.value
      ? { value: "bug report" }
      : {
          name: "Ada Lovelace",
          email: "ada@example.com",
          phone: "",
          company: "Analytical Engines Ltd",
          topic: "an order",
        };
    return { toolCalls: [{ name: "final_response", arguments: args }] };
  }
  if (tools.includes("lookup_fact")) {
    if (toolTurns === 0)
      return { toolCalls: [{ name: "lookup_fact", arguments: { topic: "Luxembourg and Iceland" } }] };
    if (toolTurns === 1)
      return { toolCalls: [{ name: "calculate", arguments: { expression: "672000 - 387800" } }] };
    return { text: "FAKE-LLM: Luxembourg has about 284,200 more people than Iceland." };
  }
  if (/summar/i.test(system)) return { text: "FAKE-LLM: a summary of the README." };
  return { text: "FAKE-LLM: unexpected request" };
}

describe.concurrent("npm run demo (fastmcp-ts demo)", () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ respond: demoResponder });
  });
  afterAll(async () => {
    await fake.close();
  });

  it("runs every demo tool against the OpenAI-compatible endpoint in OPENAI_BASE_URL, no questions asked", async () => {
    const run = await runCli(["demo"], { env: cleanEnv({ OPENAI_BASE_URL: fake.url, NO_COLOR: "" }) });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain(`LLM:    OpenAI-compatible endpoint ${fake.url}, model gpt-4o-mini`);
    expect(out).not.toContain("offline");
    expect(out).toContain("FAKE-LLM: a summary of the README.");
    expect(out).toContain('"category": "bug report"');
    expect(out).toContain('"email": "ada@example.com"');
    expect(out).toContain("FAKE-LLM: Luxembourg has about 284,200 more people than Iceland.");
    expect(out).toContain("(tool calls: lookup_fact, calculate)");
    expect(out).toMatch(/✓ \d+\.\ds · 3 LLM requests · gpt-4o-mini/);
    expect(out).toContain("Done: 4/4 tools succeeded, 6 LLM requests");
    // stdout is a pipe: no spinner, no ANSI, even with NO_COLOR unset.
    expect(out).not.toContain("\u001b[");
    expect(out).not.toContain("\r");
    // The fake really answered: the README went to it, and the tool loop's results came back to it.
    expect(fake.requests).toHaveLength(6);
    expect(JSON.stringify(fake.requests[0].messages)).toContain("fastmcp-ts");
    const last = fake.requests.at(-1);
    expect(
      last.messages
        .filter((message: Wire) => message.role === "tool")
        .map((message: Wire) => message.content),
    ).toEqual([expect.stringContaining("Luxembourg: population about 672,000"), "284200"]);
  });

  it("falls back to the labelled offline echo model with no LLM, no key and no terminal (exit 0)", async () => {
    const run = await runCli(["demo"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain(
      "no LLM configured — using the built-in offline echo model; set OPENAI_BASE_URL/OPENAI_API_KEY, ANTHROPIC_API_KEY or run Ollama for real answers",
    );
    expect(out).toContain("[offline echo model]");
    expect(out).toContain('"category": "bug report"');
    expect(out).toContain('"company": "Analytical Engines Ltd"');
    expect(out).toContain("Done: 4/4 tools succeeded");
    expect(out).not.toContain("\u001b[");
  });

  it("reports a failing LLM as failed steps and exit 1", async () => {
    const broken = await startFakeOpenAI({ respond: () => ({ error: { status: 401, message: "bad key" } }) });
    try {
      const run = await runCli(["demo"], { env: cleanEnv({ OPENAI_BASE_URL: broken.url }) });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain("✗ failed");
      expect(run.stdout).toContain("bad key");
      expect(run.stdout).toContain("Finished with failures: 0/4 tools succeeded");
    } finally {
      await broken.close();
    }
  });
});
