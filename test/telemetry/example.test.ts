// docs/observability.md's example runs as documented: to the console, and to an OTLP/HTTP endpoint
// (a loopback receiver here, reading what the real exporter sends).
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeHttpServer, startFakeHttp } from "../fakes/http-fake.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const tsxCli = fileURLToPath(new URL("../../node_modules/tsx/dist/cli.mjs", import.meta.url));
const run = (env: Record<string, string>) =>
  promisify(execFile)(process.execPath, [tsxCli, "examples/observability.ts"], {
    cwd: root,
    timeout: 30_000,
    env: { ...process.env, ...env },
  });

let collector: FakeHttpServer;
beforeAll(async () => {
  collector = await startFakeHttp(() => ({ body: {} }));
});
afterAll(() => collector.close());

/** Span names in an OTLP/JSON trace export body. */
function spanNames(body: unknown): string[] {
  const names: string[] = [];
  for (const resource of (body as { resourceSpans?: unknown[] })?.resourceSpans ?? []) {
    for (const scope of (resource as { scopeSpans?: unknown[] }).scopeSpans ?? []) {
      for (const span of (scope as { spans?: Array<{ name: string }> }).spans ?? []) names.push(span.name);
    }
  }
  return names;
}

describe("examples/observability.ts", () => {
  it("prints the call's spans and metrics to the console", async () => {
    const { stdout } = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: "" });
    expect(stdout).toMatch(/Result: A summary \(trace [0-9a-f]{32}\)\./);
    expect(stdout).toContain("name: 'tools/call summarize'");
    expect(stdout).toContain("name: 'sampling/createMessage'");
    expect(stdout).toContain("'gen_ai.tool.name': 'summarize'");
    expect(stdout).toContain("mcp.server.operation.duration");
  });

  it("exports to an OTLP endpoint when OTEL_EXPORTER_OTLP_ENDPOINT is set", async () => {
    const { stdout } = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.origin });
    const traceId = /trace ([0-9a-f]{32})/.exec(stdout)?.[1];
    expect(traceId).toBeDefined();
    const exports = collector.calls.filter((call) => call.method === "POST" && call.path === "/v1/traces");
    expect(exports.length).toBeGreaterThan(0);
    const names = exports.flatMap((call) => spanNames(call.body));
    expect(names.filter((name) => name === "tools/call summarize")).toHaveLength(2); // client and server
    expect(names.filter((name) => name === "sampling/createMessage")).toHaveLength(2);
    expect(JSON.stringify(exports.map((call) => call.body))).toContain(traceId);
  });
});
