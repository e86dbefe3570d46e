import { inertText } from "../human/inert-text.js";
import type { Terminal } from "./progress.js";

/**
 * Shows an answer's text on the terminal as it streams in (dimmed, on stderr, so stdout keeps
 * only the result). Deltas are model output: control characters are shown inert.
 */
export class TokenEcho {
  private open = false;

  constructor(
    private readonly term: Terminal,
    private readonly label: string,
  ) {}

  write(delta: string): void {
    if (delta === "") return;
    if (!this.open) {
      this.open = true;
      this.term.out.write(this.term.style.dim(`   ${this.label} `));
    }
    this.term.out.write(this.term.style.dim(inertText(delta)));
  }

  /** Ends the line once an answer is complete (or failed). */
  end(): void {
    if (!this.open) return;
    this.open = false;
    this.term.out.write("\n");
  }
}
