import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export function tmuxAvailable(): boolean {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * One command in a real pseudo-terminal: a detached tmux session on its own server socket. The
 * command's stdout and exit code go to files; the pane shows what a person would see (stderr and
 * the prompts) and takes typed keys.
 */
export class TmuxSession {
  private readonly dir = mkdtempSync(join(tmpdir(), "fastmcp-tty-"));
  /** Its own tmux server, whose socket goes away with the session's directory. */
  private readonly socket = join(this.dir, "tmux.sock");
  private readonly stdoutFile = join(this.dir, "stdout.txt");
  private readonly codeFile = join(this.dir, "code.txt");

  /**
   * Starts `argv` (quoted for sh) in `cwd` with `env`. `setClipboard` lets programs write tmux's
   * paste buffers with OSC 52, so a test can see whether one tried.
   */
  async start(
    argv: string[],
    cwd: string,
    env: NodeJS.ProcessEnv,
    options: { setClipboard?: boolean } = {},
  ): Promise<void> {
    const quoted = argv.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(" ");
    const script = join(this.dir, "run.sh");
    writeFileSync(
      script,
      `cd '${cwd}'\n${quoted} > '${this.stdoutFile}'\necho $? > '${this.codeFile}.tmp'\nmv '${this.codeFile}.tmp' '${this.codeFile}'\nsleep 30\n`,
    );
    const setup = options.setClipboard === true ? ["set-option", "-g", "set-clipboard", "on", ";"] : [];
    // Started paused (the shell waits for the go file) so options are set before the program runs.
    const go = join(this.dir, "go");
    writeFileSync(script, `while [ ! -e '${go}' ]; do sleep 0.05; done\n${readFileSync(script, "utf8")}`);
    await run(
      "tmux",
      ["-S", this.socket, "new-session", "-d", "-x", "220", "-y", "80", `sh '${script}'`, ";", ...setup],
      { env: { ...env, TERM: env.TERM ?? "xterm-256color" } },
    );
    writeFileSync(go, "");
  }

  /** The pane's title (what `ESC]0;…BEL` would set). */
  async paneTitle(): Promise<string> {
    const { stdout } = await run("tmux", [
      "-S",
      this.socket,
      "display-message",
      "-p",
      "-t",
      "0",
      "#{pane_title}",
    ]);
    return stdout.trim();
  }

  /** tmux's paste buffers, one per line (what `ESC]52;c;…` would fill). */
  async buffers(): Promise<string> {
    const { stdout } = await run("tmux", ["-S", this.socket, "list-buffers"]);
    return stdout.trim();
  }

  /** The pane's text, wrapped lines joined. */
  async screen(): Promise<string> {
    const { stdout } = await run("tmux", [
      "-S",
      this.socket,
      "capture-pane",
      "-p",
      "-J",
      "-S",
      "-",
      "-t",
      "0",
    ]);
    return stdout;
  }

  /** Polls the pane until `pattern` shows (bounded wait). */
  async waitFor(pattern: RegExp | string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await this.screen();
      if (typeof pattern === "string" ? text.includes(pattern) : pattern.test(text)) return text;
      if (Date.now() > deadline)
        throw new Error(`Timed out waiting for ${pattern} in the terminal:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Types `text` literally, then Enter. */
  async type(text: string): Promise<void> {
    if (text !== "") await run("tmux", ["-S", this.socket, "send-keys", "-t", "0", "-l", text]);
    await run("tmux", ["-S", this.socket, "send-keys", "-t", "0", "Enter"]);
  }

  /** Waits for the command to end: its exit code and stdout. */
  async result(timeoutMs = 20_000): Promise<{ code: number; stdout: string; screen: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(this.codeFile)) {
      if (Date.now() > deadline) throw new Error(`The command did not finish:\n${await this.screen()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return {
      code: Number(readFileSync(this.codeFile, "utf8").trim()),
      stdout: readFileSync(this.stdoutFile, "utf8"),
      screen: await this.screen(),
    };
  }

  async close(): Promise<void> {
    await run("tmux", ["-S", this.socket, "kill-server"]).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
