import type { PromptMessage, SamplingMessage, ToolAnnotations } from "@modelcontextprotocol/server";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Context } from "./context.js";

/**
 * Suggests values for one argument of a prompt or one variable of a resource template, given what
 * the user has typed so far (`value`) and the arguments already chosen.
 */
export type Completer = (
  value: string,
  context: { arguments: Record<string, string> },
) => string[] | Promise<string[]>;

/** Completers keyed by argument (prompt) or variable (resource template) name. */
export type Completers = Record<string, Completer>;

export interface ToolDefinition<Args = any> {
  name: string;
  title?: string;
  description?: string;
  /** Any Standard Schema that also speaks Standard JSON Schema (zod 4 first). Omit for no arguments. */
  parameters?: StandardSchemaV1<unknown, Args>;
  annotations?: ToolAnnotations;
  /** Run sequentially when used as a sampling tool with `toolConcurrency`. */
  sequential?: boolean;
  /**
   * Run as a task (tasks extension, 2026-07-28) when the client declares it: the call returns a
   * task at once and the body runs once in the background; each `ctx.sample` parks it until the
   * client answers (`tasks/update`). Other clients get the usual call. `"required"`: only as a task.
   * `"detach"`: starts as a usual call and becomes a task where the body calls `ctx.detach()`.
   */
  task?: boolean | "required" | "detach";
  /**
   * OAuth scopes a caller's token must carry to call this tool over HTTP (with `auth.oauth`, or a
   * verifier that reports scopes); without them the call gets 403 and a step-up challenge.
   */
  scopes?: string[];
  /**
   * May return a string, a SamplingResult, content block(s), a plain object (→ structured content)
   * or a full CallToolResult. Throw `ToolError` for a failure the client should see as such.
   */
  execute: (args: Args, ctx: Context) => unknown;
}

export interface ResourceDefinition {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  read: (ctx: Context) => string | Uint8Array | Promise<string | Uint8Array>;
}

export interface ResourceTemplateDefinition<Vars extends Record<string, string> = Record<string, string>> {
  /** RFC 6570 template such as `file:///{path}`. */
  uriTemplate: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  read: (variables: Vars, ctx: Context, uri: string) => string | Uint8Array | Promise<string | Uint8Array>;
  /** Suggestions for template variables, keyed by variable name (`completion/complete`). */
  complete?: Completers;
}

export type PromptRender = string | Array<SamplingMessage | PromptMessage>;

export interface PromptDefinition<Args = any> {
  name: string;
  title?: string;
  description?: string;
  /** An object schema whose fields are the prompt's (string) arguments. */
  parameters?: StandardSchemaV1<unknown, Args>;
  /** A string (one user message), or messages; prompt messages may also embed resources. */
  render: (args: Args, ctx: Context) => PromptRender | Promise<PromptRender>;
  /** Suggestions for arguments, keyed by argument name (`completion/complete`). */
  complete?: Completers;
}

/** Define a tool with its argument type inferred from `parameters`. */
export function defineTool<Args>(definition: ToolDefinition<Args>): ToolDefinition<Args> {
  return definition;
}
