import { createInterface } from "node:readline";
import { StringDecoder } from "node:string_decoder";
import { abortReason } from "../abort.js";

/** The streams a person is reached through. */
export interface HumanIO {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

const isTTY = (stream: unknown) => (stream as { isTTY?: boolean }).isTTY === true;

/**
 * Asks one question and resolves with the line typed (without its newline), or `undefined` when
 * the input ends or the person presses Ctrl-C. Rejects with the abort reason when `signal` aborts,
 * closing the prompt. On a terminal, readline gives line editing and `prefill`; elsewhere
 * (pipes, tests) exactly one line is consumed and the rest stays in the stream for the next question.
 */
export function askLine(
  io: HumanIO,
  question: string,
  options: { signal?: AbortSignal; prefill?: string } = {},
): Promise<string | undefined> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return isTTY(io.input) ? askTerminal(io, question, options) : askPlain(io, question, signal);
}

function askTerminal(
  io: HumanIO,
  question: string,
  options: { signal?: AbortSignal; prefill?: string },
): Promise<string | undefined> {
  const { signal } = options;
  const rl = createInterface({ input: io.input, output: io.output, terminal: true });
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      signal?.removeEventListener("abort", onAbort);
      rl.close();
      settle();
    };
    const onAbort = () => {
      io.output.write("\n(request cancelled)\n");
      finish(() => reject(abortReason(signal!)));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    rl.once("line", (line) => finish(() => resolve(line)));
    rl.once("close", () => finish(() => resolve(undefined)));
    rl.once("SIGINT", () => {
      io.output.write("\n");
      finish(() => resolve(undefined));
    });
    rl.setPrompt(question);
    rl.prompt();
    if (options.prefill !== undefined && options.prefill !== "") rl.write(options.prefill);
  });
}

function askPlain(
  io: HumanIO,
  question: string,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  const input = io.input;
  io.output.write(question);
  if ((input as { readableEnded?: boolean }).readableEnded === true) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder("utf8");
    let buffer = "";
    const cleanup = () => {
      input.off("data", onData);
      input.off("end", onEnd);
      signal?.removeEventListener("abort", onAbort);
      input.pause();
    };
    const onData = (chunk: Buffer | string) => {
      buffer += typeof chunk === "string" ? chunk : decoder.write(chunk);
      const newline = buffer.indexOf("\n");
      if (newline < 0) return;
      cleanup();
      const rest = buffer.slice(newline + 1);
      // Whatever followed the line belongs to the next question.
      if (rest !== "") input.unshift(Buffer.from(rest, "utf8"));
      resolve(buffer.slice(0, newline).replace(/\r$/, ""));
    };
    const onEnd = () => {
      cleanup();
      buffer += decoder.end();
      resolve(buffer !== "" ? buffer : undefined);
    };
    const onAbort = () => {
      cleanup();
      io.output.write("\n(request cancelled)\n");
      reject(abortReason(signal!));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    input.on("data", onData);
    input.once("end", onEnd);
    input.resume();
  });
}

/**
 * Reads a reply that may span lines: a line ending in a backslash continues on the next one.
 * `undefined` when the input ended or the person pressed Ctrl-C before finishing.
 */
export async function askMultiline(
  io: HumanIO,
  question: string,
  options: { signal?: AbortSignal; prefill?: string } = {},
): Promise<string | undefined> {
  const lines: string[] = [];
  let prompt = question;
  let prefill = options.prefill;
  for (;;) {
    const line = await askLine(io, prompt, {
      ...(options.signal !== undefined && { signal: options.signal }),
      ...(prefill !== undefined && { prefill }),
    });
    if (line === undefined) return lines.length > 0 ? lines.join("\n") : undefined;
    prefill = undefined;
    if (!line.endsWith("\\")) {
      lines.push(line);
      return lines.join("\n");
    }
    lines.push(line.slice(0, -1));
    prompt = "… ";
  }
}
