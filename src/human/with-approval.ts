import { abortReason, raceAbort } from "../abort.js";
import { asBlocks } from "../content.js";
import { invokeHandler } from "../sampling/handler.js";
import type {
  SamplingHandler,
  SamplingHandlerFunction,
  SamplingHandlerResult,
  SamplingMessage,
  SamplingMessageContentBlock,
  SamplingParams,
} from "../sampling/types.js";
import { type HumanIOOptions, type ResolvedIO, resolveIO, userRejected } from "./human-handler.js";
import { inertName, inertText, isInert } from "./inert-text.js";
import { askLine, askMultiline } from "./prompt.js";
import { renderAnswer, renderContent, renderRequest } from "./render.js";

export interface ApprovalOptions extends HumanIOOptions {
  /** Show the request and ask before the handler runs (approve, edit, deny). Default true. */
  reviewRequest?: boolean;
  /** Show the handler's answer and ask before it goes back (approve, deny). Default true. */
  reviewAnswer?: boolean;
}

/** What `withApproval` returns: a handler function that answers asynchronously. */
export type ApprovedSamplingHandler = (
  ...args: Parameters<SamplingHandlerFunction>
) => Promise<SamplingHandlerResult>;

export const USER_REJECTED_ANSWER_MESSAGE = "User rejected the sampling response";

/**
 * Wraps any sampling handler so a person sees each request first — and may edit the last user
 * message or the system prompt, or deny it — then sees the answer before it goes back. A denial is
 * JSON-RPC error -1 to the server. Aborting `context.signal` closes any open prompt.
 */
export function withApproval(
  handler: SamplingHandler,
  options: ApprovalOptions = {},
): ApprovedSamplingHandler {
  const io = resolveIO(options);
  const reviewRequest = options.reviewRequest ?? true;
  const reviewAnswer = options.reviewAnswer ?? true;
  return async (messages, params, context) => {
    const signal = context.signal;
    let request = { messages, params };
    if (reviewRequest) {
      io.output.write(`\n${renderRequest(messages, params, context, io.style)}`);
      request = await reviewLoop(io, request, signal);
    } else {
      const from = context.serverName !== undefined ? ` from ${inertName(context.serverName)}` : "";
      io.output.write(`${io.style.dim(`Sampling request${from}…`)}\n`);
    }
    if (signal.aborted) throw abortReason(signal);
    // Raced with the signal: a wrapped handler that ignores it must not keep the person waiting.
    const answer = await raceAbort(
      Promise.resolve(invokeHandler(handler, request.messages, request.params, context)),
      signal,
    );
    if (!reviewAnswer) return answer;
    io.output.write(renderAnswer(answer, io.style));
    for (;;) {
      const choice = (await askLine(io, io.style.accent("Send this answer back? [Y]es / [n]o: "), { signal }))
        ?.trim()
        .toLowerCase();
      if (choice === undefined || choice === "n" || choice === "no" || choice === "deny") {
        io.output.write(`${io.style.warn("Answer withheld.")}\n`);
        throw userRejected(USER_REJECTED_ANSWER_MESSAGE);
      }
      if (choice === "" || choice === "y" || choice === "yes" || choice === "a" || choice === "approve")
        return answer;
      io.output.write(`${io.style.warn('Answer "y" or "n".')}\n`);
    }
  };
}

interface Request {
  messages: SamplingMessage[];
  params: SamplingParams;
}

async function reviewLoop(io: ResolvedIO, initial: Request, signal: AbortSignal): Promise<Request> {
  let request = initial;
  const question = "Send to the LLM? [Y]es / [e]dit last user message / [s]ystem prompt / [n]o (deny): ";
  for (;;) {
    const choice = (await askLine(io, io.style.accent(question), { signal }))?.trim().toLowerCase();
    if (choice === undefined || choice === "n" || choice === "no" || choice === "d" || choice === "deny") {
      io.output.write(`${io.style.warn("Denied.")}\n`);
      throw userRejected();
    }
    if (choice === "" || choice === "y" || choice === "yes" || choice === "a" || choice === "approve")
      return request;
    if (choice === "e" || choice === "edit") {
      const index = lastUserTextIndex(request.messages);
      if (index < 0) {
        io.output.write(`${io.style.warn("There is no user text message to edit.")}\n`);
        continue;
      }
      const current = textOf(request.messages[index]!);
      const edited = await askEdit(io, "New text for the last user message", current, signal);
      if (edited !== undefined) {
        const messages = request.messages.slice();
        messages[index] = withText(messages[index]!, edited);
        request = { messages, params: { ...request.params, messages } };
        io.output.write(`${io.style.dim("[user]")} ${renderContent(messages[index]!.content)}\n`);
      }
      continue;
    }
    if (choice === "s" || choice === "system") {
      const edited = await askEdit(io, "New system prompt", request.params.systemPrompt ?? "", signal);
      if (edited !== undefined) {
        request = { ...request, params: { ...request.params, systemPrompt: edited } };
        io.output.write(`${io.style.dim("System prompt:")} ${inertText(edited)}\n`);
      }
      continue;
    }
    io.output.write(`${io.style.warn("Answer y, e, s or n.")}\n`);
  }
}

/** Asks for a replacement text; an empty answer keeps the current one (`undefined`). */
async function askEdit(
  io: ResolvedIO,
  label: string,
  current: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  // Prefill on a terminal lets the person edit in place; a multi-line text cannot be prefilled, and
  // neither can one holding control characters (readline would obey them: a `\r` submits the text).
  const prefill = current.includes("\n") || !isInert(current) ? undefined : current;
  if (prefill === undefined || (io.input as { isTTY?: boolean }).isTTY !== true) {
    io.output.write(`${io.style.dim(`Current: ${current === "" ? "(none)" : inertText(current)}`)}\n`);
  }
  io.output.write(`${io.style.dim("Enter keeps it; end a line with \\ to continue.")}\n`);
  const text = await askMultiline(io, io.style.accent(`${label}: `), {
    signal,
    ...(prefill !== undefined && { prefill }),
  });
  if (text === undefined || text.trim() === "" || text === current) return undefined;
  return text;
}

function isText(
  block: SamplingMessageContentBlock,
): block is Extract<SamplingMessageContentBlock, { type: "text" }> {
  return block.type === "text";
}

function blocks(message: SamplingMessage): SamplingMessageContentBlock[] {
  return asBlocks(message.content);
}

function lastUserTextIndex(messages: SamplingMessage[]): number {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role === "user" && blocks(message).some(isText)) return index;
  }
  return -1;
}

function textOf(message: SamplingMessage): string {
  return blocks(message)
    .filter(isText)
    .map((block) => block.text)
    .join("\n");
}

/** The message with its text blocks replaced by one holding `text` (other blocks, e.g. images, stay). */
function withText(message: SamplingMessage, text: string): SamplingMessage {
  if (!Array.isArray(message.content)) return { ...message, content: { type: "text", text } };
  const kept: SamplingMessageContentBlock[] = [];
  let placed = false;
  for (const block of message.content) {
    if (!isText(block)) kept.push(block);
    else if (!placed) {
      kept.push({ type: "text", text });
      placed = true;
    }
  }
  return { ...message, content: kept };
}
