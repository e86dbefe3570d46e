// One error shape on both eras: every row of the table in docs/reliability.md, checked on every
// transport × era. The table is read from the doc, so the doc and this test cannot drift apart.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ClientOptions,
  FastMCPError,
  ProviderError,
  type SamplingHandler,
  ToolError,
} from "../../src/index.js";
import { NO_SAMPLING, NO_SAMPLING_TOOLS, NO_SAMPLING_TOOLS_HINT } from "../../src/sampling/round-trip.js";
import { type Cell, type Connected, cells, connect } from "../helpers/matrix.js";

interface Row {
  failure: string;
  className: string;
  code: string;
}

function tableRows(): Row[] {
  const doc = readFileSync(new URL("../../docs/reliability.md", import.meta.url), "utf8");
  const section = doc.slice(doc.indexOf("## One error shape on both eras"));
  // The first table of the section, up to the first line that is not a table row.
  const all = section.split("\n");
  const first = all.findIndex((line) => line.startsWith("| "));
  const end = all.findIndex((line, index) => index > first && !line.startsWith("| "));
  const lines = all.slice(first, end);
  const unquote = (cell: string) => cell.trim().replace(/^`|`$/g, "");
  return lines.slice(2).map((line) => {
    const [failure, className, code] = line.split(" | ").map(unquote) as [string, string, string];
    return { failure: failure.replace(/^\| /, ""), className, code };
  });
}

const textOf = (messages: Array<{ content: unknown }>) => {
  const content = messages.at(-1)?.content as { type?: string; text?: string };
  return content.type === "text" ? content.text : "";
};

/** The client's handler: throws, answers badly or hangs (until cancelled) as the prompt says. */
const handler: SamplingHandler = (messages, _params, context) => {
  const cue = textOf(messages);
  if (cue === "throw") throw new Error("the handler broke on purpose");
  if (cue === "provider")
    throw new ProviderError("Ollama", "Ollama API error 503: model is loading", { status: 503 });
  if (cue === "invalid") return 42 as unknown as string;
  if (cue === "hang") {
    return new Promise((_resolve, reject) => {
      context.signal.addEventListener("abort", () => reject(context.signal.reason), { once: true });
    });
  }
  return `answer to ${cue}`;
};

type Client = Connected["client"];
interface Scenario {
  /** Which connection: one whose client has a handler (without sampling.tools), or none. */
  client: "handler" | "none";
  call: (client: Client) => Promise<unknown>;
  message: (text: string) => void;
}

const SCENARIOS: Record<string, Scenario> = {
  "the client's sampling handler throws": {
    client: "handler",
    call: (c) => c.callTool("sample", { prompt: "throw" }),
    message: (text) => expect(text).toBe("the handler broke on purpose"),
  },
  "the client's sampling handler's LLM provider fails (ProviderError)": {
    client: "handler",
    call: (c) => c.callTool("sample", { prompt: "provider" }),
    message: (text) => expect(text).toBe("Ollama API error 503: model is loading"),
  },
  "the client's sampling handler returns an invalid result": {
    client: "handler",
    call: (c) => c.callTool("sample", { prompt: "invalid" }),
    message: (text) =>
      expect(text).toMatch(/^Sampling handler returned an invalid result: .*expected object/),
  },
  "the client's sampling handler outlives the sample's timeout": {
    client: "handler",
    call: (c) => c.callTool("sample", { prompt: "hang", timeoutMs: 300 }),
    message: (text) => expect(text).toBe("Sampling timed out after 300 ms"),
  },
  "the client declared no sampling and the server has no handler": {
    client: "none",
    call: (c) => c.callTool("sample", { prompt: "hello" }),
    message: (text) => expect(text).toBe(NO_SAMPLING),
  },
  "the client declared sampling without tools and the tool samples with tools": {
    client: "handler",
    call: (c) => c.callTool("sample_with_tools"),
    message: (text) => expect(text).toBe(NO_SAMPLING_TOOLS + NO_SAMPLING_TOOLS_HINT),
  },
  "the tool throws ToolError": {
    client: "none",
    call: (c) => c.callTool("throws_tool_error"),
    message: (text) => expect(text).toBe("the tool refused on purpose"),
  },
  "the tool throws anything else": {
    client: "none",
    call: (c) => c.callTool("throws"),
    message: (text) => expect(text).toBe("the tool broke unexpectedly"),
  },
  "the server's LLM provider fails and the tool lets the ProviderError escape": {
    client: "none",
    call: (c) => c.callTool("server_llm_fails"),
    message: (text) =>
      expect(text).toBe(
        "The server's LLM failed: OpenAI API error 401 (invalid_api_key) (details withheld; exposeProviderErrors shows them)",
      ),
  },
  "the arguments fail the tool's schema": {
    client: "none",
    call: (c) => c.callTool("typed", { count: "three" }),
    message: (text) => expect(text).toMatch(/^Invalid arguments for tool 'typed': /),
  },
  "the call outlives its own timeoutMs": {
    client: "handler",
    call: (c) => c.callTool("sample", { prompt: "hang", timeoutMs: 20_000 }, { timeoutMs: 400 }),
    message: (text) => expect(text).toBe("Tool call 'sample' timed out after 400 ms"),
  },
};

const CLASSES: Record<string, (error: unknown) => boolean> = {
  ToolError: (error) => ToolError.isInstance(error),
  FastMCPError: (error) => FastMCPError.isInstance(error) && !ToolError.isInstance(error),
};

const rows = tableRows();

it("the doc's table names exactly the failures this test provokes", () => {
  expect(rows.map((row) => row.failure).sort()).toEqual(Object.keys(SCENARIOS).sort());
  for (const row of rows) expect(Object.keys(CLASSES)).toContain(row.className);
});

describe.each(cells())("error shape on $transport / $era", (cell: Cell) => {
  const connections: Partial<Record<Scenario["client"], Connected>> = {};
  beforeAll(async () => {
    const withHandler: ClientOptions = { samplingHandler: handler };
    [connections.handler, connections.none] = await Promise.all([
      connect(cell, "error-shape-server", {}, withHandler),
      connect(cell, "error-shape-server"),
    ]);
  });
  afterAll(async () => {
    await Promise.all([connections.handler?.close(), connections.none?.close()]);
  });

  it.each(rows)("$failure → $className $code", async (row) => {
    const scenario = SCENARIOS[row.failure]!;
    const client = connections[scenario.client]!.client;
    const error = await scenario.call(client).then(
      () => new Error("the call succeeded"),
      (failure: unknown) => failure,
    );
    expect(CLASSES[row.className]!(error), String(error)).toBe(true);
    expect((error as { code?: unknown }).code).toBe(row.code);
    scenario.message((error as Error).message);
    // The connection keeps serving after every one of them.
    expect((await client.listTools()).length).toBe(6);
  });

  it("a missing capability keeps the wire error reachable: 2026 gives the spec's -32021 as the cause", async () => {
    const error = (await connections
      .none!.client.callTool("sample", { prompt: "x" })
      .catch((e) => e)) as ToolError;
    if (cell.era === "2026") {
      expect(error.cause).toMatchObject({ code: -32021, data: { requiredCapabilities: { sampling: {} } } });
      expect(error.result).toBeUndefined();
    } else {
      expect(error.result).toMatchObject({ isError: true, text: NO_SAMPLING });
    }
  });
});
