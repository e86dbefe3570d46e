/**
 * Text a server (or an LLM it prompted) supplied, made safe to write to a terminal. A terminal obeys
 * control sequences in what it prints: `ESC]0;…BEL` retitles the window, `ESC[2J` clears the screen
 * (and a fake request can be drawn), `ESC[1A ESC[2K` rewrites the line above, `ESC[8m` hides text,
 * `ESC]52;c;…` writes the clipboard, `\r` returns to the line start (and submits a readline pre-fill),
 * bidi overrides reorder what is shown. Every such character is shown as a visible escape instead;
 * `\n` and `\t` stay. Text longer than `maxLength` is cut with a visible marker.
 */
export interface InertOptions {
  /** Longest text kept, in characters; the rest is replaced by a marker saying how much was cut. */
  maxLength?: number;
  /** Keep `\n` as a line break (default true); false shows it as `\n` (for one-line fields). */
  newlines?: boolean;
}

/** Default cap for long fields (messages, system prompts, answers). */
export const MAX_TEXT_LENGTH = 20_000;
/** Default cap for short fields (names, model hints, URIs). */
export const MAX_NAME_LENGTH = 200;

// C0 controls but \t and \n, DEL, C1 controls; bidi embeddings, overrides, isolates and marks; the
// line/paragraph separators some terminals break on.
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(char: string): string {
  const code = char.charCodeAt(0);
  if (char === "\r") return "\\r";
  if (char === "\n") return "\\n";
  if (code === 0x1b) return "\\e";
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, "0")}`;
  return `\\u{${code.toString(16)}}`;
}

/** `text` with every terminal control character visibly escaped, capped at `maxLength`. */
export function inertText(text: string, options: InertOptions = {}): string {
  const max = options.maxLength ?? MAX_TEXT_LENGTH;
  const keepNewlines = options.newlines ?? true;
  let kept = text;
  let marker = "";
  if (text.length > max) {
    let cut = max;
    // Never split a surrogate pair.
    const last = text.charCodeAt(cut - 1);
    if (last >= 0xd800 && last <= 0xdbff) cut--;
    kept = text.slice(0, cut);
    marker = ` … [${text.length - cut} more characters cut]`;
  }
  // A CRLF line end is a line end, not a carriage return that could overwrite the line.
  if (keepNewlines) kept = kept.replace(/\r\n/g, "\n");
  return kept.replace(UNSAFE, (char) => (char === "\n" && keepNewlines ? char : escapeChar(char))) + marker;
}

/** A short, one-line field (server, tool and model names, URIs, MIME types). */
export function inertName(text: string): string {
  return inertText(text, { maxLength: MAX_NAME_LENGTH, newlines: false });
}

/** Whether `text` would be shown unchanged (no control characters, not over `maxLength`). */
export function isInert(text: string, maxLength = MAX_TEXT_LENGTH): boolean {
  return inertText(text, { maxLength }) === text;
}
