// What every benchmarked server does, so the frameworks are compared on identical work.
import { pathToFileURL } from "node:url";

/** The tool every framework registers: one sampling round trip, the answer's text as the result. */
export const TOOL = "summarize";
export const ARGS = { text: "The quick brown fox jumps over the lazy dog." };
export const MAX_TOKENS = 100;

/** The plain tool every HTTP server registers too (section 3b): no sampling, a short text back. */
export const PLAIN_TOOL = "echo";
export const plainText = (text: string) => `echo: ${text}`;

/** The sampling request every server sends (one user text message). */
export function samplingParams(text: string) {
  return {
    messages: [{ role: "user" as const, content: { type: "text" as const, text } }],
    maxTokens: MAX_TOKENS,
  };
}

/** The answer every client's sampling handler returns (a full CreateMessageResult, so all validate the same). */
export function samplingAnswer(text: string) {
  return {
    role: "assistant" as const,
    content: { type: "text" as const, text: `summary of ${text.length} chars` },
    model: "bench-model",
    stopReason: "endTurn",
  };
}

/** The text of the last message of a sampling request. */
export function lastText(params: { messages: ReadonlyArray<{ content: unknown }> }): string {
  const content = params.messages.at(-1)?.content as { type?: string; text?: string } | undefined;
  return content?.type === "text" ? (content.text ?? "") : "";
}

/** True when `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && moduleUrl === pathToFileURL(entry).href;
}

/** Announces an HTTP server's URL to the parent process (first stdout line). */
export function announce(url: string): void {
  process.stdout.write(`${url}\n`);
}
