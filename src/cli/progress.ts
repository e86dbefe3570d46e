import { createStyle, defaultColor, type Style } from "../human/render.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** How the CLI writes to a stream: colour per NO_COLOR and TTY, a spinner only on a terminal. */
export interface Terminal {
  out: NodeJS.WritableStream;
  style: Style;
  /** A spinner may redraw this line (a terminal, not a pipe or file). */
  live: boolean;
}

export function terminal(out: NodeJS.WritableStream): Terminal {
  return { out, style: createStyle(defaultColor(out)), live: (out as { isTTY?: boolean }).isTTY === true };
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** A one-line spinner with elapsed time; silent unless the stream is a terminal. */
export class Spinner {
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private started = 0;
  private label = "";

  constructor(private readonly term: Terminal) {}

  start(label: string): void {
    this.label = label;
    this.started = Date.now();
    if (!this.term.live || this.timer !== undefined) return;
    this.timer = setInterval(() => this.draw(), 80);
    this.timer.unref();
    this.draw();
  }

  update(label: string): void {
    this.label = label;
    if (this.timer !== undefined) this.draw();
  }

  /** Clears the line; returns the milliseconds since `start`. */
  stop(): number {
    if (this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.term.out.write("\r\u001b[K");
    }
    return Date.now() - this.started;
  }

  private draw(): void {
    const frame = FRAMES[this.frame++ % FRAMES.length];
    const elapsed = this.term.style.dim(seconds(Date.now() - this.started));
    this.term.out.write(`\r\u001b[K   ${this.term.style.accent(frame ?? "")} ${this.label} ${elapsed}`);
  }
}
