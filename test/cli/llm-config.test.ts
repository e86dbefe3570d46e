import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entryToTarget, expandEnv, loadConfig } from "../../src/cli/config.js";
import { CliError } from "../../src/cli/errors.js";
import { NO_LLM_HELP, ollamaOrigin, parseLlmSpec, resolveLlm } from "../../src/cli/llm.js";
import { createOfflineModel } from "../../src/cli/offline-model.js";
import { invokeHandler } from "../../src/sampling/handler.js";
import type { SamplingParams, Tool } from "../../src/sampling/types.js";
import { startFakeOllama } from "../fakes/cli-fake-ollama.js";
import { startFakeHttp } from "../fakes/http-fake.js";

// biome-ignore lint/suspicious/noExplicitAny: wire JSON from fakes and handlers, inspected field by field
type Wire = any;

const CLOSED = { OLLAMA_HOST: "127.0.0.1:9" };
const ctx = { requestId: 1, signal: new AbortController().signal, side: "client" as const };
const ask = (text: string): SamplingParams => ({
  messages: [{ role: "user", content: { type: "text", text } }],
  maxTokens: 64,
});

describe("--llm specs", () => {
  it("parses providers with optional models (Ollama tags keep their colon)", () => {
    expect(parseLlmSpec("openai:gpt-4.1")).toEqual({ kind: "openai", model: "gpt-4.1" });
    expect(parseLlmSpec("anthropic")).toEqual({ kind: "anthropic" });
    expect(parseLlmSpec("ollama:llama3.2:1b")).toEqual({ kind: "ollama", model: "llama3.2:1b" });
    expect(parseLlmSpec("HUMAN")).toEqual({ kind: "human" });
    expect(() => parseLlmSpec("openai:")).toThrow(/takes a model name after the colon/);
    expect(() => parseLlmSpec("auto:x")).toThrow(/takes no model/);
    expect(() => parseLlmSpec("llama")).toThrow(CliError);
  });
});

describe("--llm auto picks the first LLM it finds", () => {
  it("OpenAI env first, then Anthropic env", async () => {
    const both = { ...CLOSED, OPENAI_API_KEY: "sk-test", ANTHROPIC_API_KEY: "ant-test" };
    await expect(resolveLlm({ kind: "auto" }, { env: both })).resolves.toMatchObject({
      kind: "openai",
      description: "OpenAI, model gpt-4o-mini",
    });
    const anthropic = { ...CLOSED, ANTHROPIC_API_KEY: "ant-test", ANTHROPIC_MODEL: "claude-haiku-4-5" };
    await expect(resolveLlm({ kind: "auto" }, { env: anthropic })).resolves.toMatchObject({
      kind: "anthropic",
      description: "Anthropic, model claude-haiku-4-5",
    });
  });

  it("an OpenAI-compatible base URL without a model uses the first model the server lists", async () => {
    const server = await startFakeHttp((call) =>
      call.path === "/v1/models"
        ? { body: { data: [{ id: "served-model" }, { id: "other" }] } }
        : { status: 404, body: {} },
    );
    try {
      const llm = await resolveLlm(
        { kind: "auto" },
        { env: { ...CLOSED, OPENAI_BASE_URL: `${server.origin}/v1/` } },
      );
      expect(llm.description).toBe(`OpenAI-compatible endpoint ${server.origin}/v1, model served-model`);
    } finally {
      await server.close();
    }
  });

  it("then an Ollama answering on OLLAMA_HOST, through its OpenAI-compatible /v1 with its first model", async () => {
    const ollama = await startFakeOllama(["llama3.2:1b", "qwen3:4b"]);
    try {
      const llm = await resolveLlm(
        { kind: "auto" },
        { env: { OLLAMA_HOST: ollama.origin }, stdinIsTTY: true },
      );
      expect(llm).toMatchObject({
        kind: "ollama",
        description: `Ollama at ${ollama.origin}, model llama3.2:1b`,
      });
      const answer = await invokeHandler(llm.handler, ask("hello").messages, ask("hello"), ctx);
      expect(answer).toMatchObject({
        content: { type: "text", text: "ollama says: hello" },
        model: "llama3.2:1b",
      });
      const chat = ollama.calls.find((call) => call.path === "/v1/chat/completions");
      expect(chat?.body).toMatchObject({ model: "llama3.2:1b", max_tokens: 64 });
      // A hint naming another model it lists picks that one.
      const hinted = { ...ask("hi"), modelPreferences: { hints: [{ name: "qwen" }] } };
      await expect(invokeHandler(llm.handler, hinted.messages, hinted, ctx)).resolves.toMatchObject({
        model: "qwen3:4b",
      });
    } finally {
      await ollama.close();
    }
  });

  it("then a person when stdin is a terminal; otherwise a configuration error (exit 2), or the demo's offline model", async () => {
    await expect(resolveLlm({ kind: "auto" }, { env: CLOSED, stdinIsTTY: true })).resolves.toMatchObject({
      kind: "human",
      interactive: true,
    });
    const error = await resolveLlm({ kind: "auto" }, { env: CLOSED, stdinIsTTY: false }).catch(
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ exitCode: 2, message: NO_LLM_HELP });
    await expect(
      resolveLlm({ kind: "auto" }, { env: CLOSED, stdinIsTTY: false, offlineFallback: true }),
    ).resolves.toMatchObject({
      kind: "offline",
    });
  });

  it("explicit providers say what is missing", async () => {
    await expect(resolveLlm({ kind: "openai" }, { env: {} })).rejects.toThrow(/needs OPENAI_API_KEY/);
    await expect(resolveLlm({ kind: "anthropic" }, { env: {} })).rejects.toThrow(/needs ANTHROPIC_API_KEY/);
    await expect(resolveLlm({ kind: "ollama" }, { env: CLOSED })).rejects.toThrow(
      /No Ollama server answered at http:\/\/127\.0\.0\.1:9/,
    );
  });

  it("reads OLLAMA_HOST the way Ollama does", () => {
    expect(ollamaOrigin({})).toBe("http://127.0.0.1:11434");
    expect(ollamaOrigin({ OLLAMA_HOST: "0.0.0.0" })).toBe("http://127.0.0.1:11434");
    expect(ollamaOrigin({ OLLAMA_HOST: "gpu-box:8080" })).toBe("http://gpu-box:8080");
    expect(ollamaOrigin({ OLLAMA_HOST: "https://ollama.example.com" })).toBe(
      "https://ollama.example.com:11434",
    );
  });
});

describe("mcpServers config", () => {
  it("expands $VAR placeholders: {VAR}, {VAR:-default} and Cursor's {env:VAR}", () => {
    const env = { TOKEN: "t0k", HOME_DIR: "/home/me" };
    // biome-ignore lint/suspicious/noTemplateCurlyInString: config placeholders, expanded by the CLI
    expect(expandEnv({ a: ["${TOKEN}", "${MISSING:-fallback}", "x${env:HOME_DIR}/y"], n: 3 }, env)).toEqual({
      a: ["t0k", "fallback", "x/home/me/y"],
      n: 3,
    });
  });

  it("expands placeholders only in env and headers, never in command, args or url", () => {
    const dir = mkdtempSync(join(tmpdir(), "fastmcp-expand-"));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: config placeholders, expanded by the CLI
    const key = "${OPENAI_API_KEY}";
    const servers = {
      remote: { url: `http://127.0.0.1:1/mcp?key=${key}`, headers: { Authorization: `Bearer ${key}` } },
      local: { command: `run-${key}`, args: [key], env: { KEY: key } },
    };
    writeFileSync(join(dir, "c.json"), JSON.stringify({ mcpServers: servers }));
    const loaded = loadConfig(join(dir, "c.json"), { OPENAI_API_KEY: "sk-secret" })?.servers;
    expect(loaded?.remote).toEqual({
      url: `http://127.0.0.1:1/mcp?key=${key}`,
      headers: { Authorization: "Bearer sk-secret" },
    });
    expect(loaded?.local).toEqual({ command: `run-${key}`, args: [key], env: { KEY: "sk-secret" } });
  });

  it("turns entries into stdio commands or URLs with headers, and rejects what it cannot serve", () => {
    expect(
      entryToTarget(
        "a",
        { command: "node", args: ["s.js"], env: { X: "1" }, cwd: "sub" },
        "/etc/cfg/mcp.json",
      ),
    ).toEqual({
      target: { command: "node", args: ["s.js"], env: { X: "1" }, cwd: "/etc/cfg/sub" },
    });
    expect(
      entryToTarget(
        "b",
        { type: "http", url: "https://x.test/mcp", headers: { authorization: "Bearer k" } },
        "c",
      ),
    ).toEqual({
      target: "https://x.test/mcp",
      headers: { authorization: "Bearer k" },
    });
    expect(() => entryToTarget("c", { type: "sse", url: "https://x.test/sse" }, "c")).toThrow(
      /legacy SSE transport/,
    );
    expect(() => entryToTarget("d", { args: ["x"] }, "c")).toThrow(/needs a "command" \(stdio\) or a "url"/);
  });

  it('also reads VS Code\'s "servers" key, and reports broken files as configuration errors', () => {
    const dir = mkdtempSync(join(tmpdir(), "fastmcp-config-"));
    writeFileSync(
      join(dir, "vscode.json"),
      JSON.stringify({ servers: { s: { url: "http://127.0.0.1:1/mcp" } } }),
    );
    expect(loadConfig(join(dir, "vscode.json"))?.servers).toEqual({ s: { url: "http://127.0.0.1:1/mcp" } });
    writeFileSync(join(dir, "broken.json"), "{ nope");
    expect(() => loadConfig(join(dir, "broken.json"))).toThrow(/Cannot read config/);
    writeFileSync(join(dir, "empty.json"), "{}");
    expect(() => loadConfig(join(dir, "empty.json"))).toThrow(/has no "mcpServers" object/);
  });
});

describe("the demo's offline model", () => {
  const model = createOfflineModel();

  it("calls each offered tool once, then answers from their results", async () => {
    const tools: Tool[] = [
      { name: "lookup", inputSchema: { type: "object" as const, properties: { topic: { type: "string" } } } },
      {
        name: "calculate",
        inputSchema: { type: "object" as const, properties: { expression: { type: "string" } } },
      },
    ];
    const first = (await model(
      ask("Compare A and B").messages,
      { ...ask("Compare A and B"), tools },
      ctx,
    )) as Wire;
    expect(first.content).toEqual([
      { type: "tool_use", id: "offline_1", name: "lookup", input: { topic: "Compare A and B" } },
    ]);
    const history = [
      ...ask("Compare A and B").messages,
      { role: "assistant" as const, content: first.content },
      {
        role: "user" as const,
        content: [
          {
            type: "tool_result" as const,
            toolUseId: "offline_1",
            content: [{ type: "text" as const, text: "A is 1,200 and B is 900" }],
          },
        ],
      },
    ];
    const second = (await model(history, { ...ask(""), messages: history, tools }, ctx)) as Wire;
    expect(second.content[0]).toMatchObject({ name: "calculate", input: { expression: "1200 - 900" } });
    const done = [
      ...history,
      { role: "assistant" as const, content: second.content },
      {
        role: "user" as const,
        content: [
          {
            type: "tool_result" as const,
            toolUseId: second.content[0].id,
            content: [{ type: "text" as const, text: "300" }],
          },
        ],
      },
    ];
    const last = (await model(done, { ...ask(""), messages: done, tools }, ctx)) as Wire;
    expect(last).toMatchObject({ stopReason: "endTurn", model: "offline-echo" });
    expect(last.content.text).toBe("[offline echo model] From the tools: A is 1,200 and B is 900; 300");
  });

  it("answers typed results through final_response with values taken from the text", async () => {
    const final: Tool = {
      name: "final_response",
      inputSchema: {
        type: "object" as const,
        properties: {
          mood: { type: "string", enum: ["positive", "negative", "neutral"] },
          email: { type: "string" },
          count: { type: "integer", minimum: 0, maximum: 5 },
          tags: { type: "array", items: { type: "string" } },
        },
      },
    };
    const text = "I hate that it crashed 12 times, mail me at bob@example.org";
    const answer = (await model(
      ask(text).messages,
      { ...ask(text), tools: [final], toolChoice: { mode: "required" } },
      ctx,
    )) as Wire;
    expect(answer.content[0]).toMatchObject({
      name: "final_response",
      input: { mood: "negative", email: "bob@example.org", count: 5, tags: [expect.any(String)] },
    });
  });
});
