import type { ToolCallResult } from "../../client/client.js";
import { ToolError } from "../../errors.js";
import { inertName, inertText } from "../../human/inert-text.js";
import { withApproval } from "../../human/with-approval.js";
import type { SamplingHandler } from "../../sampling/types.js";
import { SAMPLE_DELTA_META_KEY } from "../../server/sample-progress.js";
import { CliError, EXIT_FAILURE, EXIT_OK, usageError } from "../errors.js";
import { formatResult } from "../format.js";
import { type LlmSpec, lazyLlm, parseLlmSpec, resolveLlm } from "../llm.js";
import { parseCommand } from "../parse-command.js";
import { terminal } from "../progress.js";
import { SAMPLING_LIMIT_OPTIONS, SAMPLING_LIMITS_HELP, samplingLimitsFrom } from "../sampling-flags.js";
import { type CliIO, connectTarget, parseProtocol, parseSeconds } from "../session.js";
import { TokenEcho } from "../token-echo.js";

export const LLM_OPTION_HELP = `  --llm <spec>        who answers the server's sampling requests (default: $FASTMCP_TS_LLM or auto):
                        openai[:<model>]     OPENAI_API_KEY and/or OPENAI_BASE_URL (any compatible server)
                        anthropic[:<model>]  ANTHROPIC_API_KEY
                        ollama[:<model>]     a local Ollama (OLLAMA_HOST, default 127.0.0.1:11434)
                        human                you type the answers (in a terminal)
                        auto                 the first of: OpenAI env, Anthropic env, Ollama, human`;

export const CALL_HELP = `Usage: fastmcp-ts call <target> <tool> [<json-args> | key=value | key:=json ...] [options]

Calls a tool and prints its result; the server's sampling requests are answered by --llm.

  <target>   a server script (.ts/.js/.py), an http(s):// URL, or a server name from the mcpServers config
  <tool>     the tool's name (see: fastmcp-ts list <target>)
  arguments  one JSON object, or key=value (string) and key:=value (JSON) pairs

Options:
${LLM_OPTION_HELP}
                        none                 declare no sampling: a server with its own LLM answers
  --approve           show each sampling request before the LLM gets it (approve, edit, deny) and
                      its answer before it goes back to the server
${SAMPLING_LIMITS_HELP}
  --json              print the full result as JSON
  --config <file>     mcpServers config (default: ~/.config/fastmcp-ts/mcp.json, or ./mcp.json /
                      ./.mcp.json once trusted)
  --trust-project     use ./mcp.json or ./.mcp.json from the current directory; without it you are
                      asked on a terminal, and the answer is kept for that file's exact content
  --protocol <p>      auto, 2025 or 2026 (default: auto for URLs, 2025 otherwise)
  --timeout <s>       give up after this many seconds (default 300; 3600 when a person answers)
  -h, --help          show this help

Exit codes: 0 ok, 1 the tool or the call failed, 2 usage or configuration error.

Examples:
  fastmcp-ts call ./server.ts summarize text="MCP lets tools ask the client's LLM"
  fastmcp-ts call my-server summarize_file path=README.md sentences:=2 --llm human
  fastmcp-ts call http://127.0.0.1:8000/mcp research question="How big is Malta?" --json
`;

/** `{"a":1}` or `a=text b:=2`. */
export function parseToolArgs(items: string[]): Record<string, unknown> {
  if (items.length === 1 && items[0]!.trim().startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(items[0]!);
    } catch (error) {
      throw usageError(`The tool arguments are not valid JSON: ${(error as Error).message}`, "call");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw usageError("The tool arguments must be a JSON object.", "call");
    }
    return parsed as Record<string, unknown>;
  }
  const args: Record<string, unknown> = {};
  for (const item of items) {
    const match = /^([^=:]+)(:?=)([\s\S]*)$/.exec(item);
    if (match === null)
      throw usageError(`Cannot read argument "${item}": use a JSON object, key=value or key:=json.`, "call");
    const [, key, operator, value] = match as unknown as [string, string, string, string];
    if (operator === "=") {
      args[key] = value;
      continue;
    }
    try {
      args[key] = JSON.parse(value);
    } catch {
      throw usageError(`The value of ${key}:= is not valid JSON: ${value}`, "call");
    }
  }
  return args;
}

export function llmSpecFrom(value: string | undefined, io: CliIO, command: string): LlmSpec {
  const raw =
    value ??
    (io.env.FASTMCP_TS_LLM !== undefined && io.env.FASTMCP_TS_LLM !== "" ? io.env.FASTMCP_TS_LLM : "auto");
  return parseLlmSpec(raw, command);
}

const wire = (result: ToolCallResult) => ({
  content: result.content,
  ...(result.structuredContent !== undefined && { structuredContent: result.structuredContent }),
  isError: result.isError,
});

export async function runCall(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand("call", args, {
    llm: { type: "string" },
    json: { type: "boolean" },
    approve: { type: "boolean" },
    config: { type: "string" },
    "trust-project": { type: "boolean" },
    protocol: { type: "string" },
    timeout: { type: "string" },
    ...SAMPLING_LIMIT_OPTIONS,
  });
  if (values.help === true) {
    io.stdout.write(CALL_HELP);
    return EXIT_OK;
  }
  const [target, tool, ...rest] = positionals;
  if (target === undefined || tool === undefined)
    throw usageError("call needs a <target> and a <tool>.", "call");
  const toolArgs = parseToolArgs(rest);
  const spec = llmSpecFrom(values.llm, io, "call");
  const protocol = parseProtocol(values.protocol, "call");
  const approve = values.approve === true;
  const personAnswers = approve || spec.kind === "human" || (spec.kind === "auto" && io.stdinIsTTY);
  const timeoutMs =
    parseSeconds(values.timeout, "--timeout", "call") ?? (personAnswers ? 3_600_000 : 300_000);
  const term = terminal(io.stderr);
  const style = term.style;
  // On a terminal, answers are shown as they stream: our LLM's, and a server's own (sent as progress).
  const echo = term.live ? new TokenEcho(term, "llm ▸") : undefined;
  const serverEcho = term.live ? new TokenEcho(term, "server llm ▸") : undefined;
  const llm = lazyLlm(
    async () => {
      const resolved = await resolveLlm(spec, {
        env: io.env,
        stdinIsTTY: io.stdinIsTTY,
        ...(echo !== undefined && { onToken: (delta: string) => echo.write(delta) }),
      });
      const shown =
        echo === undefined ? resolved : { ...resolved, handler: endingEcho(resolved.handler, echo) };
      // A person answering needs no second person approving.
      return approve && !shown.interactive ? { ...shown, handler: withApproval(shown.handler) } : shown;
    },
    (resolved) => io.stderr.write(style.dim(`sampling: ${resolved.description}\n`)),
  );
  // --llm none declares no sampling, so a server with its own samplingHandler answers with it.
  const sampling =
    spec.kind === "none" ? {} : { samplingHandler: llm.handler, samplingCapabilities: { tools: true } };
  const { client, label } = await connectTarget(
    target,
    values.config,
    {
      ...sampling,
      ...samplingLimitsFrom(values, "call"),
      timeoutMs,
      ...(protocol !== undefined && { protocol }),
    },
    io,
    values["trust-project"] === true,
  );
  const controller = new AbortController();
  const onInterrupt = () => controller.abort(new CliError("Interrupted.", 130));
  process.once("SIGINT", onInterrupt);
  try {
    const tools = await client.listTools();
    if (!tools.some((candidate) => candidate.name === tool)) {
      const names = tools.map((candidate) => inertName(candidate.name)).join(", ") || "(no tools)";
      throw usageError(`Unknown tool "${tool}"; ${label} offers: ${names}.`, "call");
    }
    const result = await client
      .callTool(tool, toolArgs, {
        signal: controller.signal,
        timeoutMs,
        ...(serverEcho !== undefined && {
          onProgress: (progress) => {
            if (progress._meta?.[SAMPLE_DELTA_META_KEY] === true) serverEcho.write(progress.message ?? "");
          },
        }),
      })
      .finally(() => serverEcho?.end());
    io.stdout.write(
      `${values.json === true ? JSON.stringify(wire(result), null, 2) : formatResult(result)}\n`,
    );
    return EXIT_OK;
  } catch (error) {
    // The tool failed because no LLM could be set up: that is a configuration error (exit 2).
    const failure = llm.failure();
    if (failure !== undefined) throw failure;
    if (ToolError.isInstance(error)) {
      if (values.json === true && error.result !== undefined) {
        io.stdout.write(`${JSON.stringify(wire(error.result as ToolCallResult), null, 2)}\n`);
      }
      io.stderr.write(`Tool error: ${inertText(error.message)}\n`);
      return EXIT_FAILURE;
    }
    throw error;
  } finally {
    process.off("SIGINT", onInterrupt);
    await client.close().catch(() => undefined);
  }
}

/** Ends the echoed line once each answer is complete, however it ended. */
function endingEcho(handler: SamplingHandler, echo: TokenEcho): SamplingHandler {
  return {
    async createMessage(messages, params, context) {
      try {
        return await (typeof handler === "function"
          ? handler(messages, params, context)
          : handler.createMessage(messages, params, context));
      } finally {
        echo.end();
      }
    },
  };
}
