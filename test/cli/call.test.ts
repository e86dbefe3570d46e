import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAI, lastUserText, startFakeOpenAI } from "../fakes/openai-server.js";
import { CLI, cleanEnv, FIXTURE, runCli, runMain, TSX } from "../helpers/cli.js";

let fake: FakeOpenAI;

beforeAll(async () => {
  fake = await startFakeOpenAI({ respond: (body) => ({ text: `FAKE-ANSWER to: ${lastUserText(body)}` }) });
});
afterAll(async () => {
  await fake.close();
});

const withFake = () => cleanEnv({ OPENAI_BASE_URL: fake.url, OPENAI_MODEL: "fake-model" });

describe.concurrent("fastmcp-ts call", () => {
  it("answers sampling through an OpenAI-compatible endpoint found by auto (OPENAI_BASE_URL)", async () => {
    const run = await runCli(["call", FIXTURE, "ask", "prompt=What is MCP sampling?"], { env: withFake() });
    expect(run.stderr).toContain(`OpenAI-compatible endpoint ${fake.url}, model fake-model`);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("FAKE-ANSWER to: What is MCP sampling?");
    const request = fake.requests.find((body) => lastUserText(body) === "What is MCP sampling?");
    expect(request).toBeDefined();
    expect(request.model).toBe("fake-model");
    expect(request.messages[0]).toEqual({ role: "system", content: "Answer briefly." });
    // Compatible servers get max_tokens (the CLI's choice for non-OpenAI base URLs).
    expect(request.max_tokens).toBe(50);
  });

  it("prints the full result with --json and takes a JSON object of arguments", async () => {
    const run = await runCli(["call", FIXTURE, "ask", '{"prompt":"json please"}', "--json"], {
      env: withFake(),
    });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toEqual({
      content: [{ type: "text", text: "FAKE-ANSWER to: json please" }],
      isError: false,
    });
  });

  it("returns a typed result answered through final_response by the fake LLM", async () => {
    const own = await startFakeOpenAI({
      script: [{ toolCalls: [{ name: "final_response", arguments: { value: "yes" } }] }],
    });
    try {
      const env = cleanEnv({ OPENAI_BASE_URL: own.url });
      const run = await runCli(
        ["call", FIXTURE, "pick", "question=Is the sky blue?", "--llm", "openai:typed-model"],
        { env },
      );
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ answer: "yes" });
      expect(own.requests).toHaveLength(1);
      expect(own.requests[0].model).toBe("typed-model");
      expect(own.requests[0].tools[0].function.name).toBe("final_response");
    } finally {
      await own.close();
    }
  });

  it("--approve lets a person see, approve or deny each request and answer (here through a pipe)", async () => {
    const approved = await runCli(["call", FIXTURE, "ask", "prompt=approve me", "--approve"], {
      env: withFake(),
      input: "y\ny\n",
    });
    expect(approved.stderr).toContain("── Sampling request from cli-test ──");
    expect(approved.stderr).toContain(
      "Answer (model fake-model · stop endTurn):\n  FAKE-ANSWER to: approve me",
    );
    expect(approved.code).toBe(0);
    expect(approved.stdout).toBe("FAKE-ANSWER to: approve me\n");

    const denied = await runCli(["call", FIXTURE, "ask", "prompt=deny me", "--approve"], {
      env: withFake(),
      input: "n\n",
    });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/Tool error: .*User rejected sampling request/);
    expect(fake.requests.filter((body) => lastUserText(body) === "deny me")).toEqual([]); // the LLM never saw it
  });

  it("reports a provider failure as a tool error (exit 1)", async () => {
    const own = await startFakeOpenAI({ script: [{ error: { status: 500, message: "fake outage" } }] });
    try {
      const run = await runCli(["call", FIXTURE, "ask", "prompt=hi"], {
        env: cleanEnv({ OPENAI_BASE_URL: own.url }),
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("Tool error:");
      expect(run.stderr).toContain("fake outage");
    } finally {
      await own.close();
    }
  });

  it("with no LLM configured and no terminal, a sampling tool fails with exit 2 and says how to configure one", async () => {
    const run = await runCli(["call", FIXTURE, "ask", "prompt=hi"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("No LLM configured");
    expect(run.stderr).toContain("OPENAI_API_KEY");
    expect(run.stderr).toContain("--llm human");
    expect(run.stdout).toBe("");
  });

  it("runs tools that never sample without any LLM; key:=json passes typed values", async () => {
    const run = await runMain(["call", FIXTURE, "echo", "text=hi", "times:=3"]);
    expect(run.stderr).not.toContain("sampling:");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("hi hi hi\n");
  });

  it("exits 1 with the tool's message when the tool fails", async () => {
    const run = await runMain(["call", FIXTURE, "fail"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Tool error: it broke on purpose");
  });

  it("finds a server by name in ./mcp.json and by --config", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fastmcp-cli-"));
    const config = {
      mcpServers: { "my-server": { command: process.execPath, args: ["--import", TSX, FIXTURE] } },
    };
    writeFileSync(join(dir, "mcp.json"), JSON.stringify(config));
    // The working directory's file is a project's, used once trusted (test/security/project-config).
    const byCwd = await runCli(["call", "my-server", "echo", "text=from config", "--trust-project"], {
      cwd: dir,
      env: cleanEnv({ XDG_CONFIG_HOME: join(dir, "config-home") }),
    });
    expect(byCwd.code).toBe(0);
    expect(byCwd.stdout).toBe("from config\n");

    // The configured command may itself be `fastmcp-ts run`; --config names a file the user chose.
    const other = join(dir, "other.json");
    const viaRun = { command: process.execPath, args: ["--import", TSX, CLI, "run", FIXTURE] };
    writeFileSync(other, JSON.stringify({ mcpServers: { served: viaRun } }));
    const byFlag = await runCli(["call", "served", "echo", "text=via run", "--config", other], {
      env: cleanEnv(),
    });
    expect(byFlag.code).toBe(0);
    expect(byFlag.stdout).toBe("via run\n");

    const unknown = await runMain(["call", "nobody", "echo", "--config", join(dir, "mcp.json")]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown server "nobody"');
    expect(unknown.stderr).toContain("my-server");
  });
});

describe("usage errors exit 2", () => {
  it("in the real process: no command, an unknown option", async () => {
    const [none, unknown] = await Promise.all([runCli([]), runCli(["list", FIXTURE, "--frob"])]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage: fastmcp-ts <command>");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--frob'");
    expect(unknown.stderr).toContain('Run "fastmcp-ts list --help" for usage.');
  });

  const cases: Array<[string, string[], RegExp]> = [
    ["an unknown command", ["frobnicate"], /Unknown command "frobnicate"/],
    ["call without a tool", ["call", FIXTURE], /call needs a <target> and a <tool>/],
    ["invalid JSON arguments", ["call", FIXTURE, "echo", "{text:"], /not valid JSON/],
    ["a malformed key:=json value", ["call", FIXTURE, "echo", "times:=three"], /times:= is not valid JSON/],
    ["an unknown --llm", ["call", FIXTURE, "echo", "--llm", "gpt"], /Unknown --llm "gpt"/],
    ["--llm human with a model", ["call", FIXTURE, "echo", "--llm", "human:x"], /--llm human takes no model/],
    [
      "a bad --timeout",
      ["call", FIXTURE, "echo", "--timeout", "soon"],
      /--timeout must be a positive number/,
    ],
    ["a missing server file", ["list", "./missing-server.ts"], /Server file not found/],
    ["list with two targets", ["list", FIXTURE, "extra"], /Unexpected argument "extra"/],
    ["a bad --protocol", ["list", FIXTURE, "--protocol", "1999"], /--protocol must be auto, 2025 or 2026/],
    ["run without a file", ["run"], /run needs a <server-file>/],
    [
      "a bad --transport",
      ["run", FIXTURE, "--transport", "carrier-pigeon"],
      /--transport must be stdio or http/,
    ],
    ["--port without http", ["run", FIXTURE, "--port", "80"], /--port needs --transport http/],
    ["a bad --port", ["run", FIXTURE, "--transport", "http", "--port", "99999"], /--port must be 0…65535/],
    [
      "a config file that is missing",
      ["call", "srv", "echo", "--config", "/nonexistent/mcp.json"],
      /Config file not found/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const run = await runMain(args);
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(2);
    });
  }

  it("an unknown tool names the tools there are", async () => {
    const run = await runMain(["call", FIXTURE, "nope"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown tool "nope"');
    expect(run.stderr).toContain("ask, pick, echo, fail");
  });

  it("--help works on every command (exit 0)", async () => {
    for (const command of ["run", "call", "list", "demo"]) {
      const run = await runMain([command, "--help"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: fastmcp-ts ${command}`);
    }
    const top = await runCli(["--help"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain(
      "Exit codes: 0 ok, 1 tool error or runtime failure, 2 usage or configuration error.",
    );
  });
});
