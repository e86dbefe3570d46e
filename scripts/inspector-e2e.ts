// End-to-end: the official MCP Inspector (web UI, in headless Chromium) answers our server's
// sampling request by hand. For each protocol era it starts the example HTTP server (tool `haiku`,
// which asks the client's LLM through ctx.sample), starts the Inspector's web UI pointed at it,
// connects, runs the tool, types an answer into the Inspector's sampling panel, sends it, and
// checks that the tool result shown in the UI is that answer. Screenshots go to .artifacts/inspector/.
//
// Run through scripts/inspector-e2e.sh, which installs Node 22, the Inspector and Chromium first.
//   INSPECTOR_NODE=<node 22> INSPECTOR_BIN=<launcher index.js> tsx scripts/inspector-e2e.ts [--save-docs]
// --save-docs also copies the screenshots to docs/images/ (the ones the docs cite).
// --dev: the same drive, but through `fastmcp-ts dev examples/http/dev-server.ts`, which serves the
// file and starts the Inspector itself (scripts/dev-e2e.sh).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { buildServer } from "../examples/http/shared-server.js";

const ROOT = resolve(import.meta.dirname, "..");
const OUT = join(ROOT, ".artifacts/inspector");
const DOCS = join(ROOT, "docs/images");
const NODE22 = required("INSPECTOR_NODE");
const INSPECTOR = required("INSPECTOR_BIN");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const STEP_MS = 30_000;

type Era = "legacy" | "modern";
const ERAS: Array<{ era: Era; label: string }> = [
  { era: "legacy", label: "MCP 2025-11-25" },
  { era: "modern", label: "MCP 2026-07-28" },
];

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "")
    throw new Error(`${name} is not set (run scripts/inspector-e2e.sh)`);
  return value;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const address = probe.address();
  await new Promise<void>((done) => probe.close(() => done()));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

/** The Inspector's environment: loopback only, its settings and secrets kept out of the real home. */
async function inspectorEnv(storage: string, port: number, token: string): Promise<NodeJS.ProcessEnv> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: storage,
    HOST: "127.0.0.1",
    CLIENT_PORT: String(port),
    MCP_SANDBOX_PORT: String(await freePort()),
    MCP_INSPECTOR_API_TOKEN: token,
    MCP_AUTO_OPEN_ENABLED: "false",
    MCP_INSPECTOR_SECRET_STORE: "memory",
    MCP_STORAGE_DIR: storage,
  };
}

/** Resolves once the child has printed every one of `ready`; fails with its output if it exits or takes too long. */
async function waitForOutput(
  child: ChildProcess,
  ready: string[],
  name: string,
  withinMs: number,
): Promise<void> {
  let output = "";
  const collect = (chunk: Buffer) => {
    output += String(chunk);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const deadline = Date.now() + withinMs;
  while (!ready.every((line) => output.includes(line))) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline)
      throw new Error(`${name} did not start within ${withinMs / 1000} s:\n${output}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

/** Starts the Inspector web UI on loopback, pointed at `serverUrl`; resolves once it is serving. */
async function startInspector(serverUrl: string, era: Era): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const storage = join(OUT, `storage-${era}`);
  mkdirSync(storage, { recursive: true });
  const child = spawn(
    NODE22,
    [INSPECTOR, "--web", "--transport", "http", "--server-url", serverUrl, "--protocol-era", era],
    {
      env: await inspectorEnv(storage, port, token),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  await waitForOutput(child, ["is up and running"], "the Inspector", 60_000);
  return { url: `http://127.0.0.1:${port}/?MCP_INSPECTOR_API_TOKEN=${token}`, child };
}

/**
 * `fastmcp-ts dev` serving the example file and starting the Inspector itself (with Node 22 from
 * FASTMCP_INSPECTOR_NODE); resolves with the Inspector's URL once it is up.
 */
async function startDev(era: Era): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const storage = join(OUT, `storage-dev-${era}`);
  mkdirSync(storage, { recursive: true });
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "src/cli/main.ts"),
      "dev",
      join(ROOT, "examples/http/dev-server.ts"),
      "--port",
      "0",
      "--protocol-era",
      era,
    ],
    {
      cwd: ROOT,
      env: {
        ...(await inspectorEnv(storage, port, token)),
        FASTMCP_INSPECTOR_NODE: NODE22,
        FASTMCP_INSPECTOR_BIN: INSPECTOR,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  await waitForOutput(child, ["is up and running", "fastmcp-ts: serving"], "fastmcp-ts dev", 90_000);
  return { url: `http://127.0.0.1:${port}/?MCP_INSPECTOR_API_TOKEN=${token}`, child };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((done) => setTimeout(done, 5_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

/** Drives one era in the UI; returns the screenshot paths. */
async function runEra(browser: Browser, inspectorUrl: string, era: Era, label: string): Promise<string[]> {
  const page: Page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(STEP_MS);
  // Loopback only: the UI also asks for web fonts, which must not (and cannot) leave the machine.
  await page.route(
    (url) => !["127.0.0.1", "localhost", "[::1]"].includes(url.hostname),
    (route) => route.abort(),
  );
  try {
    await page.goto(inspectorUrl);
    await page.getByRole("switch").first().check({ force: true }); // the server card's connect toggle
    await page.getByText("Connected", { exact: true }).waitFor();
    await page.getByText(label, { exact: true }).waitFor(); // the negotiated protocol revision

    const topic = `the ${era} era, ${randomBytes(3).toString("hex")}`;
    const haiku = `Answered by hand / in the Inspector's panel / ${era} sampling`;
    await page.getByText("Tools", { exact: true }).click();
    await page.getByText("haiku", { exact: true }).first().click();
    await page.getByRole("textbox", { name: "topic" }).fill(topic);
    await page.getByRole("button", { name: "Execute Tool" }).click();

    // The sampling panel shows the server's request; answer it as the human in the loop.
    await page.getByText("Sampling Request", { exact: true }).waitFor();
    await page.getByText(`Write a haiku about ${topic}`, { exact: true }).waitFor();
    await page.getByRole("textbox", { name: "Response" }).fill(haiku);
    await page.getByRole("textbox", { name: "Model Used" }).fill("human-in-the-inspector");
    const request = join(OUT, `inspector-sampling-request-${era}.png`);
    await page.screenshot({ path: request });
    await page.getByRole("button", { name: "Send Response" }).click();

    // The tool result, as the Inspector renders it, must be exactly what was typed.
    await page.getByText("Sampling Request", { exact: true }).waitFor({ state: "hidden" });
    await page.getByText(haiku, { exact: true }).first().waitFor();
    const result = join(OUT, `inspector-sampling-${era}.png`);
    await page.screenshot({ path: result });
    return [request, result];
  } catch (error) {
    await page.screenshot({ path: join(OUT, `inspector-failure-${era}.png`) }).catch(() => undefined);
    throw error;
  } finally {
    await page.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const viaDev = process.argv.includes("--dev");
  const server = buildServer();
  if (!viaDev) await server.run({ transport: "http", host: "127.0.0.1", port: 0, path: "/mcp" });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const shots: string[] = [];
  let passed = 0;
  let failed = 0;
  try {
    for (const { era, label } of ERAS) {
      const inspector = viaDev ? await startDev(era) : await startInspector(server.url!, era);
      try {
        shots.push(...(await runEra(browser, inspector.url, era, label)));
        passed++;
        const how = viaDev ? " (server and Inspector started by fastmcp-ts dev)" : "";
        console.log(
          `inspector-e2e: ${era} (${label})${how}: the Inspector's answer came back as the tool result`,
        );
      } catch (error) {
        failed++;
        console.error(`inspector-e2e: ${era} (${label}) FAILED: ${(error as Error).message}`);
      } finally {
        await stop(inspector.child);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  if (process.argv.includes("--save-docs") && failed === 0) {
    mkdirSync(DOCS, { recursive: true });
    for (const shot of shots) copyFileSync(shot, join(DOCS, shot.slice(OUT.length + 1)));
    console.log(`inspector-e2e: screenshots copied to ${DOCS.slice(ROOT.length + 1)}/`);
  }
  console.log(`inspector-e2e: screenshots in ${OUT.slice(ROOT.length + 1)}/`);
  console.log(`Inspector: ${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

await main();
