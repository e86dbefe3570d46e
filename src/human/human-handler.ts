import { randomUUID } from "node:crypto";
import { ProtocolError } from "@modelcontextprotocol/server";
import { WireErrorCode } from "../error-codes.js";
import type {
  CreateMessageResultWithTools,
  RequestContext,
  SamplingHandlerFunction,
  SamplingMessage,
  SamplingParams,
} from "../sampling/types.js";
import { inertName } from "./inert-text.js";
import { askMultiline, type HumanIO } from "./prompt.js";
import { createStyle, defaultColor, renderRequest, type Style } from "./render.js";

/** Where a person is reached. Defaults: process.stdin and process.stderr (stdout stays for results). */
export interface HumanIOOptions {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** ANSI colour; default: on when `output` is a terminal and NO_COLOR is unset. */
  color?: boolean;
}

export interface HumanSamplingHandlerOptions extends HumanIOOptions {
  /** The model name reported in answers. Default "human". */
  model?: string;
}

/** A sampling handler function that always answers asynchronously with a full result. */
export type HumanSamplingHandler = (
  ...args: Parameters<SamplingHandlerFunction>
) => Promise<CreateMessageResultWithTools>;

/** JSON-RPC code the MCP spec examples use for a user's rejection of a sampling request. */
export const USER_REJECTED_CODE = WireErrorCode.UserRejected;
export const USER_REJECTED_MESSAGE = "User rejected sampling request";

export function userRejected(message = USER_REJECTED_MESSAGE): ProtocolError {
  return new ProtocolError(USER_REJECTED_CODE, message);
}

export interface ResolvedIO extends HumanIO {
  style: Style;
}

export function resolveIO(options: HumanIOOptions): ResolvedIO {
  const output = options.output ?? process.stderr;
  return {
    input: options.input ?? process.stdin,
    output,
    style: createStyle(options.color ?? defaultColor(output)),
  };
}

/**
 * A sampling handler answered by a person: it shows the request (server, system prompt, messages,
 * model preferences, limits, tools offered) and sends back the reply they type. An empty reply,
 * "reject", Ctrl-C or the end of input rejects the request (JSON-RPC error -1). When tools are
 * offered, `/tool <name> <json>` answers with a tool call. Aborting `context.signal` closes the prompt.
 */
export function createHumanSamplingHandler(options: HumanSamplingHandlerOptions = {}): HumanSamplingHandler {
  const io = resolveIO(options);
  const model = options.model ?? "human";
  return async (messages, params, context) => {
    io.output.write(`\n${renderRequest(messages, params, context, io.style)}`);
    return askReply(io, params, context, model);
  };
}

async function askReply(
  io: ResolvedIO,
  params: SamplingParams,
  context: RequestContext,
  model: string,
): Promise<CreateMessageResultWithTools> {
  const tools = params.tools ?? [];
  const mode = params.toolChoice?.mode ?? "auto";
  const toolHint = tools.length > 0 && mode !== "none" ? '; "/tool <name> <json>" calls a tool' : "";
  io.output.write(
    `${io.style.dim(`Type the reply, Enter sends (end a line with \\ to continue); empty or "reject" rejects${toolHint}.`)}\n`,
  );
  const typedHint = mode === "none" ? undefined : typedResultHint(tools);
  if (typedHint !== undefined)
    io.output.write(`${io.style.dim(`${typedHint}; it is sent as final_response.`)}\n`);
  for (;;) {
    const reply = await askMultiline(io, io.style.accent("> "), { signal: context.signal });
    const text = reply?.trim() ?? "";
    if (text === "" || text.toLowerCase() === "reject") {
      io.output.write(`${io.style.warn("Rejected.")}\n`);
      throw userRejected();
    }
    if (text.startsWith("/tool")) {
      const call = parseToolCall(text, params);
      if (typeof call === "string") {
        io.output.write(`${io.style.warn(call)}\n`);
        continue;
      }
      io.output.write(`${io.style.dim("Sent a tool call.")}\n`);
      const content: SamplingMessage["content"] = [
        { type: "tool_use", id: `call_${randomUUID().slice(0, 8)}`, ...call },
      ];
      return { role: "assistant", content, model, stopReason: "toolUse" } as CreateMessageResultWithTools;
    }
    const typed = typedAnswer(text, tools, mode);
    if (typed !== undefined) {
      io.output.write(`${io.style.dim("Sent as the typed result (final_response).")}\n`);
      const content: SamplingMessage["content"] = [
        { type: "tool_use", id: `call_${randomUUID().slice(0, 8)}`, ...typed },
      ];
      return { role: "assistant", content, model, stopReason: "toolUse" } as CreateMessageResultWithTools;
    }
    if (mode === "required") {
      // Say what is accepted: the typed result as the hint described it, or a tool call.
      const accepted =
        typedHint !== undefined
          ? `${typedHint}, or call a tool with "/tool <name> <json>".`
          : 'answer with "/tool <name> <json>".';
      io.output.write(`${io.style.warn(`This request requires a tool call: ${accepted}`)}\n`);
      continue;
    }
    io.output.write(`${io.style.dim("Sent.")}\n`);
    return { role: "assistant", content: { type: "text", text: reply! }, model, stopReason: "endTurn" };
  }
}

const FINAL_RESPONSE = "final_response";

/** What a typed reply must look like, worded from the same schema test `typedAnswer` applies. */
function typedResultHint(tools: NonNullable<SamplingParams["tools"]>): string | undefined {
  const final = tools.find((tool) => tool.name === FINAL_RESPONSE);
  if (final === undefined) return undefined;
  const schema = final.inputSchema as { properties?: Record<string, unknown> };
  const keys = Object.keys(schema.properties ?? {});
  return keys.length === 1 && keys[0] === "value"
    ? "A typed result is wanted: type the value (JSON for numbers, lists and objects)"
    : "A typed result is wanted: type it as one JSON object ({ … })";
}

/**
 * A plain reply to a request that wants a typed result (`ctx.sample({ result })` offers a
 * `final_response` tool) becomes that tool call: the text (or its JSON) as `value` when the schema
 * wraps one, a JSON object as the input otherwise. `undefined` when it does not fit: sent as text.
 */
function typedAnswer(text: string, tools: SamplingParams["tools"] & object, mode: string) {
  const final = tools.find((tool) => tool.name === FINAL_RESPONSE);
  if (final === undefined || mode === "none") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const schema = final.inputSchema as { properties?: Record<string, { type?: unknown; enum?: unknown[] }> };
  const keys = Object.keys(schema.properties ?? {});
  if (keys.length === 1 && keys[0] === "value") {
    const inner = schema.properties!.value!;
    const wantsString =
      inner.type === "string" ||
      (Array.isArray(inner.enum) && inner.enum.every((v) => typeof v === "string"));
    const value = wantsString ? (typeof parsed === "string" ? parsed : text) : (parsed ?? text);
    return { name: FINAL_RESPONSE, input: { value } };
  }
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
    return { name: FINAL_RESPONSE, input: parsed as Record<string, unknown> };
  }
  return undefined;
}

/** `/tool name {"a":1}` → the call, or a message saying what is wrong. */
function parseToolCall(
  text: string,
  params: SamplingParams,
): { name: string; input: Record<string, unknown> } | string {
  const tools = params.tools ?? [];
  if (tools.length === 0 || params.toolChoice?.mode === "none")
    return "No tools may be called in this request.";
  const match = /^\/tool\s+(\S+)\s*([\s\S]*)$/.exec(text);
  const names = tools.map((tool) => inertName(tool.name)).join(", ");
  if (match === null) return `Usage: /tool <name> <json arguments> (tools: ${names})`;
  const name = match[1]!;
  if (!tools.some((tool) => tool.name === name))
    return `Unknown tool "${inertName(name)}"; offered: ${names}`;
  const raw = match[2]!.trim();
  let input: unknown = {};
  if (raw !== "") {
    try {
      input = JSON.parse(raw);
    } catch (error) {
      return `The arguments are not JSON (${(error as Error).message}); try again.`;
    }
  }
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return "Tool arguments must be a JSON object.";
  return { name, input: input as Record<string, unknown> };
}
