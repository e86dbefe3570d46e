import type { StandardSchemaV1 } from "@standard-schema/spec";
import { FastMCPError } from "../errors.js";
import { jsonSchemaConverter, validateWith } from "../schema.js";
import type { Tool } from "./types.js";

/** The synthetic tool through which the LLM gives a typed answer (`ctx.sample({ result })`). */
export const FINAL_RESPONSE_TOOL = "final_response";
export const FINAL_RESPONSE_DESCRIPTION =
  "Call this tool to provide your final response. Use this when you have completed the task and are ready " +
  "to return the result.";
/** Sent when the LLM answers with text instead of calling `final_response` (same words as Python FastMCP). */
export const FINAL_RESPONSE_NUDGE =
  "You must call the `final_response` tool to provide your answer. Do not respond with text \u2014 use the tool.";

export type ParsedFinal<R> = { ok: true; value: R } | { ok: false; message: string };

export interface FinalResponse<R> {
  /** The wire tool offered to the LLM. */
  tool: Tool;
  /** Whether the schema was wrapped as `{ value: … }` (it does not describe an object). */
  wrapped: boolean;
  /** Validates a `final_response` call's input against the result schema (unwrapping `value`). */
  parse(input: unknown): Promise<ParsedFinal<R>>;
}

/**
 * Builds the `final_response` tool for a result schema. Tool inputs must be objects, so a schema
 * whose root is not `type: "object"` (numbers, arrays, unions…) is wrapped as
 * `{ type: "object", properties: { value: <schema> }, required: ["value"] }`.
 */
export function createFinalResponse<R>(schema: StandardSchemaV1<unknown, R>): FinalResponse<R> {
  if (typeof schema?.["~standard"]?.validate !== "function") {
    throw new FastMCPError(
      "INVALID_ARGUMENT",
      "ctx.sample `result` must be a Standard Schema (e.g. a zod schema).",
    );
  }
  const json = resultJsonSchema(schema);
  const wrapped = json.type !== "object";
  let inputSchema: Record<string, unknown> = json;
  if (wrapped) {
    // The dialect and definitions stay at the root, where `#/$defs/…` references point.
    const { $schema, $defs, definitions, ...inner } = json;
    inputSchema = {
      ...($schema !== undefined && { $schema }),
      type: "object",
      properties: { value: inner },
      required: ["value"],
      ...($defs !== undefined && { $defs }),
      ...(definitions !== undefined && { definitions }),
    };
  }
  const tool: Tool = {
    name: FINAL_RESPONSE_TOOL,
    description: FINAL_RESPONSE_DESCRIPTION,
    inputSchema: inputSchema as Tool["inputSchema"],
  };
  return {
    tool,
    wrapped,
    async parse(input) {
      let data: unknown = input;
      if (wrapped) {
        if (typeof input !== "object" || input === null || !("value" in input)) {
          return { ok: false, message: 'value: Required (give the answer as {"value": …})' };
        }
        data = (input as { value: unknown }).value;
      }
      const checked = await validateWith(schema, data);
      return checked.ok ? { ok: true, value: checked.value } : { ok: false, message: checked.message };
    },
  };
}

function resultJsonSchema(schema: StandardSchemaV1): Record<string, unknown> {
  const input = jsonSchemaConverter(schema);
  if (input === undefined) {
    throw new FastMCPError(
      "INVALID_ARGUMENT",
      "ctx.sample `result` must be a Standard Schema that also implements Standard JSON Schema " +
        "(zod >= 4.2, arktype, or valibot via toStandardJsonSchema).",
    );
  }
  try {
    // `$schema` stays, as in tool input schemas: it tells clients the dialect (2020-12).
    return input({ target: "draft-2020-12" });
  } catch (error) {
    throw new FastMCPError(
      "INVALID_ARGUMENT",
      `ctx.sample \`result\` has no JSON Schema: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
