import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { RawMessage } from "./raw-http.js";

const RUNNER = fileURLToPath(new URL("../fixtures/run-fixture.ts", import.meta.url));

/** A fixture server in a child process spoken to by hand over stdio: what a client that dies looks like. */
export class RawStdio {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private buffer = "";
  private readonly waiters: Array<{ match: (m: RawMessage) => boolean; resolve: (m: RawMessage) => void }> =
    [];
  private readonly seen: RawMessage[] = [];

  constructor(fixture: string, options: Record<string, unknown>) {
    this.child = spawn(
      process.execPath,
      ["--import", import.meta.resolve("tsx"), RUNNER, fixture, JSON.stringify(options)],
      {
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    this.child.stderr.resume();
    this.exited = new Promise((resolve) =>
      this.child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    this.child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      this.buffer += chunk;
      for (let cut = this.buffer.indexOf("\n"); cut >= 0; cut = this.buffer.indexOf("\n")) {
        const line = this.buffer.slice(0, cut);
        this.buffer = this.buffer.slice(cut + 1);
        if (line.trim().length === 0) continue;
        const message = JSON.parse(line) as RawMessage;
        const waiter = this.waiters.findIndex((w) => w.match(message));
        if (waiter >= 0) this.waiters.splice(waiter, 1)[0]!.resolve(message);
        else this.seen.push(message);
      }
    });
  }

  send(message: RawMessage): void {
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  /** The next message matching `match` (or one already received). */
  next(match: (m: RawMessage) => boolean): Promise<RawMessage> {
    const index = this.seen.findIndex(match);
    if (index >= 0) return Promise.resolve(this.seen.splice(index, 1)[0]!);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** The client "dies": its end of the pipe closes without a goodbye. */
  hangUp(): void {
    this.child.stdin.end();
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}
