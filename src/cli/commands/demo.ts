import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "../../client/client.js";
import { errorMessage } from "../../errors.js";
import { askLine } from "../../human/prompt.js";
import { invokeHandler } from "../../sampling/handler.js";
import type { SamplingHandlerFunction } from "../../sampling/types.js";
import { configError, EXIT_FAILURE, EXIT_OK, usageError } from "../errors.js";
import { formatResult } from "../format.js";
import { type ResolvedLlm, resolveLlm } from "../llm.js";
import { parseCommand } from "../parse-command.js";
import { Spinner, seconds, terminal } from "../progress.js";
import { type CliIO, parseProtocol } from "../session.js";
import { LLM_OPTION_HELP, llmSpecFrom } from "./call.js";

export const DEMO_HELP = `Usage: fastmcp-ts demo [--llm <spec>] [--protocol 2025|2026]

Runs the built-in demo server (over stdio) and calls its tools, each of which asks an LLM through
MCP sampling: a summary, a typed classification, typed field extraction, and a research task in
which the LLM calls tools. With no LLM configured (and no terminal), the built-in offline echo
model answers, so the demo always runs.

Options:
${LLM_OPTION_HELP}
                        offline              the built-in scripted model (no network)
  --protocol <p>      2025 (sessions, default) or 2026 (2026-07-28: sampling by replay)
  -h, --help          show this help
`;

export const OFFLINE_NOTICE =
  "no LLM configured — using the built-in offline echo model; set OPENAI_BASE_URL/OPENAI_API_KEY, " +
  "ANTHROPIC_API_KEY or run Ollama for real answers";

const STEPS: Array<{ tool: string; args: Record<string, unknown>; what: string }> = [
  {
    tool: "summarize_file",
    args: { path: "README.md", sentences: 2 },
    what: "summarise a file (plain ctx.sample)",
  },
  {
    tool: "classify",
    args: { text: "The export button crashes the app when the list is empty." },
    what: "classify into fixed labels (typed result)",
  },
  {
    tool: "extract_fields",
    args: {
      text: "Hi, I'm Ada Lovelace from Analytical Engines Ltd. Write to ada@example.com or call +44 20 7946 0958 about our order.",
    },
    what: "extract fields into a validated object (typed result)",
  },
  {
    tool: "research",
    args: { question: "How many more people live in Luxembourg than in Iceland?" },
    what: "research: the LLM calls lookup_fact and calculate (sampling with tools)",
  },
];

/** The directory holding this package's package.json (src/cli/… in a checkout, dist/cli/… when built). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "fastmcp-ts"
    )
      return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw configError("Cannot find the fastmcp-ts package root (looking for its package.json).");
    dir = parent;
  }
}

/**
 * The built server when this CLI is the built one (the installed package: plain Node, no tsx), the
 * source through tsx in a checkout. Its files are read under `root`, where README.md is shipped too.
 */
function demoServerCommand(root: string): { args: string[]; shown: string } {
  const built = join(root, "dist", "cli", "demo-server.mjs");
  if (!/\.[mc]?ts$/.test(fileURLToPath(import.meta.url))) {
    if (!existsSync(built)) throw configError(`The demo server is missing from this install: ${built}`);
    return { args: [built], shown: "dist/cli/demo-server.mjs" };
  }
  const source = join(root, "src", "cli", "demo-server.ts");
  return { args: ["--import", import.meta.resolve("tsx"), source], shown: "src/cli/demo-server.ts" };
}

async function chooseLlm(args: { llm?: string }, io: CliIO): Promise<ResolvedLlm> {
  const spec = llmSpecFrom(args.llm, io, "demo");
  if (spec.kind === "none")
    throw usageError(
      "The demo's server has no LLM of its own, so --llm none would leave it unanswered.",
      "demo",
    );
  if (spec.kind !== "auto") return resolveLlm(spec, { env: io.env, stdinIsTTY: io.stdinIsTTY });
  // "auto" without a person: the offline model keeps `npm run demo` working on a fresh clone and in CI.
  const found = await resolveLlm(spec, { env: io.env, stdinIsTTY: false, offlineFallback: true });
  if (found.kind !== "offline" || !io.stdinIsTTY) return found;
  const answer = await askLine(
    { input: process.stdin, output: io.stdout },
    "No LLM configured. Answer the sampling requests yourself? [y/N] ",
  );
  return /^y(es)?$/i.test(answer?.trim() ?? "") ? resolveLlm({ kind: "human" }) : found;
}

export async function runDemo(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand("demo", args, {
    llm: { type: "string" },
    protocol: { type: "string" },
  });
  if (values.help === true) {
    io.stdout.write(DEMO_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw usageError(`Unexpected argument "${positionals[0]}".`, "demo");
  const protocol = parseProtocol(values.protocol, "demo");
  if (protocol === "auto") throw usageError("The demo runs over stdio: --protocol 2025 or 2026.", "demo");
  const llm = await chooseLlm(values, io);
  const term = terminal(io.stdout);
  const { style } = term;
  const root = packageRoot();
  const server = demoServerCommand(root);

  io.stdout.write(`${style.bold("fastmcp-ts demo")} — tools that ask an LLM through MCP sampling\n`);
  io.stdout.write(`  server: ${server.shown} over stdio, protocol ${protocol ?? "2025"}\n`);
  io.stdout.write(`  LLM:    ${llm.description}\n`);
  if (llm.kind === "offline") io.stdout.write(`  ${style.warn(`note: ${OFFLINE_NOTICE}`)}\n`);

  // Spinners would fight a person typing answers, so a human LLM gets plain lines.
  const spinner = new Spinner(llm.interactive ? { ...term, live: false } : term);
  const stats = { requests: 0, models: new Set<string>() };
  const counting: SamplingHandlerFunction = async (messages, params, context) => {
    stats.requests++;
    spinner.update(`waiting for the LLM (request ${stats.requests})`);
    const answer = await invokeHandler(llm.handler, messages, params, context);
    stats.models.add(typeof answer === "string" ? "unknown" : answer.model);
    spinner.update("tool running");
    return answer;
  };
  const client = new Client(
    { command: process.execPath, args: server.args, cwd: root },
    {
      name: "fastmcp-ts-demo",
      samplingHandler: counting,
      samplingCapabilities: { tools: true },
      timeoutMs: llm.interactive ? 3_600_000 : 300_000,
      ...(protocol !== undefined && { protocol }),
    },
  );
  try {
    await client.connect();
  } catch (error) {
    io.stderr.write(`Cannot start the demo server: ${errorMessage(error)}\n`);
    return EXIT_FAILURE;
  }
  const started = Date.now();
  let failures = 0;
  let totalRequests = 0;
  try {
    for (const [index, step] of STEPS.entries()) {
      io.stdout.write(`\n${style.bold(`[${index + 1}/${STEPS.length}] ${step.tool}`)} — ${step.what}\n`);
      io.stdout.write(`   ${style.dim(`arguments ${JSON.stringify(step.args)}`)}\n`);
      stats.requests = 0;
      stats.models.clear();
      spinner.start("calling the tool");
      let outcome: { ok: boolean; text: string };
      try {
        const result = await client.callTool(step.tool, step.args, {
          onProgress: (progress) => progress.message !== undefined && spinner.update(progress.message),
        });
        outcome = { ok: true, text: formatResult(result) };
      } catch (error) {
        outcome = { ok: false, text: errorMessage(error) };
      }
      const elapsed = spinner.stop();
      totalRequests += stats.requests;
      const requests = `${stats.requests} LLM request${stats.requests === 1 ? "" : "s"}`;
      const models = stats.models.size > 0 ? ` · ${[...stats.models].join(", ")}` : "";
      const mark = outcome.ok ? style.accent("✓") : style.warn("✗ failed");
      io.stdout.write(`   ${mark} ${seconds(elapsed)} · ${requests}${models}\n`);
      io.stdout.write(`${outcome.text.replace(/^/gm, "     ")}\n`);
      if (!outcome.ok) failures++;
    }
  } finally {
    spinner.stop();
    await client.close().catch(() => undefined);
  }
  const summary = `${STEPS.length - failures}/${STEPS.length} tools succeeded, ${totalRequests} LLM requests, ${seconds(Date.now() - started)}`;
  io.stdout.write(
    `\n${failures === 0 ? style.bold(`Done: ${summary}.`) : style.warn(`Finished with failures: ${summary}.`)}\n`,
  );
  if (llm.kind === "offline") io.stdout.write(`${style.dim(`(${OFFLINE_NOTICE})`)}\n`);
  return failures === 0 ? EXIT_OK : EXIT_FAILURE;
}
