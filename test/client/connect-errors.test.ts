// Connection failures say what happened and what to do, with the same text from the Client and the CLI.
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  exitedBeforeServingMessage,
  missingScriptMessage,
  unreachableMessage,
} from "../../src/client/connect-errors.js";
import { Client, FastMCPError } from "../../src/index.js";
import { runCli, runMain } from "../helpers/cli.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/connect/${name}`, import.meta.url));
const CRASHES = fixture("crashes.ts");
const EXPORTS_ONLY = fixture("exports-only.ts");

async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}/mcp`;
}

async function connectError(client: Client): Promise<FastMCPError> {
  const error = await client.connect().then(
    () => undefined,
    (failure: unknown) => failure,
  );
  await client.close();
  expect(FastMCPError.isInstance(error)).toBe(true);
  return error as FastMCPError;
}

describe.concurrent("connection failures, from the Client", () => {
  it("a missing script names the path, without spawning anything", async () => {
    const error = await connectError(new Client("./no-such-server.ts", { stderr: "pipe" }));
    expect(error.code).toBe("CONFIG");
    expect(error.message).toBe(missingScriptMessage("./no-such-server.ts"));
    expect(error.message).toMatch(
      /^Server file not found: \.\/no-such-server\.ts \(\/.*no-such-server\.ts\)/,
    );
  });

  it("a script that crashes at startup: exited before serving, with the end of its stderr", async () => {
    const error = await connectError(new Client(CRASHES, { stderr: "pipe" }));
    expect(error.code).toBe("TRANSPORT");
    expect(error.message).toContain(`${CRASHES} exited before serving MCP — does it call server.run()?`);
    expect(error.message).toContain("The end of its stderr:\n  loading configuration…");
    expect(error.message).toContain("Error: DATABASE_URL is not set");
  });

  it("a script that exports a server but never serves it", async () => {
    const error = await connectError(new Client(EXPORTS_ONLY, { stderr: "pipe" }));
    expect(error.message).toBe(exitedBeforeServingMessage(EXPORTS_ONLY, ""));
    expect(error.message).toContain("it printed nothing on stderr");
  });

  it.each(["auto", "2025", "2026"] as const)(
    "nothing listening on a URL: connection refused (%s)",
    async (protocol) => {
      const url = await closedPortUrl();
      const error = await connectError(new Client(url, { protocol }));
      expect(error.code).toBe("TRANSPORT");
      expect(error.message).toBe(unreachableMessage(url, "connection refused"));
      expect(error.message).toBe(
        `Cannot reach ${url} (connection refused) — is the server running, at this address?`,
      );
    },
  );

  it("a command that does not exist", async () => {
    const error = await connectError(
      new Client({ command: "fastmcp-ts-no-such-command" }, { stderr: "pipe" }),
    );
    expect(error.message).toBe("Cannot start fastmcp-ts-no-such-command: command not found.");
  });
});

describe.concurrent("the same texts from the CLI", () => {
  it("a missing script (exit 2)", async () => {
    const run = await runMain(["list", "./no-such-server.ts"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`fastmcp-ts: ${missingScriptMessage("./no-such-server.ts")}\n`);
  });

  it("a crashing script (exit 1): the message and the tail of its stderr", async () => {
    const run = await runCli(["call", CRASHES, "hi"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `fastmcp-ts: ${CRASHES} exited before serving MCP — does it call server.run()?`,
    );
    expect(run.stderr).toContain("The end of its stderr:\n  loading configuration…");
  });

  it("a file that only exports its server is served: call and list run it through fastmcp-ts run", async () => {
    const run = await runCli(["call", EXPORTS_ONLY, "hi"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("hi\n");
  });

  it("a URL nobody listens on (exit 1)", async () => {
    const url = await closedPortUrl();
    const run = await runMain(["list", url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`fastmcp-ts: ${unreachableMessage(url, "connection refused")}\n`);
  });
});
