import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// 10 s by default; SOAK=1 for the 60 s version.
const DURATION_MS = process.env.SOAK === "1" ? 60_000 : 10_000;
const RUNNER = fileURLToPath(new URL("./soak-runner.ts", import.meta.url));

interface SoakReport {
  durationMs: number;
  counts: Record<string, number>;
  unexpected: string[];
  unexpectedCount: number;
  pending: number;
  sessions: number;
  baselineMiB: number;
  finalMiB: number;
  growthMiB: number;
}

/** The soak runs in its own process, with --expose-gc, so its heap is its own. */
function soak(durationMs: number): Promise<SoakReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--expose-gc", "--import", import.meta.resolve("tsx"), RUNNER, String(durationMs)],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = stdout.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !line.startsWith("{"))
        reject(new Error(`soak runner failed (${code}): ${stderr.slice(-2_000)}`));
      else resolve(JSON.parse(line) as SoakReport);
    });
  });
}

describe("soak: random calls, cancels, timeouts and disconnects over HTTP, both eras", () => {
  it(`leaves nothing pending and memory near its baseline after ${DURATION_MS / 1_000} s`, {
    timeout: DURATION_MS + 90_000,
  }, async () => {
    const report = await soak(DURATION_MS);
    console.info(
      `[soak ${report.durationMs} ms] ${JSON.stringify(report.counts)}; heap ${report.baselineMiB.toFixed(1)} → ` +
        `${report.finalMiB.toFixed(1)} MiB (${report.growthMiB >= 0 ? "+" : ""}${report.growthMiB.toFixed(1)})`,
    );
    expect(report.unexpected).toEqual([]);
    // Every kind of trouble actually happened.
    for (const kind of ["answer", "cancel", "timeout", "sample-timeout", "server", "exit-during", "vanish"]) {
      expect(report.counts[kind] ?? 0, kind).toBeGreaterThan(0);
    }
    expect(report.pending).toBe(0);
    expect(report.sessions).toBe(0);
    // A leak like the one this caught once (a shared never-settling promise kept every round's
    // state) grows the heap far past this bound within the default run; churn and caches stay well under it.
    expect(report.growthMiB).toBeLessThan(16);
  });
});
