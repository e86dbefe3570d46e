import type { StandardSchemaV1 } from "@standard-schema/spec";
import { FastMCPError } from "./errors.js";

export type JsonObjectSchema = {
  type: "object";
  properties?: Record<string, object>;
  required?: string[];
} & Record<string, unknown>;

// Standard Schema validation and JSON Schema conversion, for tool parameters, sampling tools and
// typed sampling results alike; and the one wording of a zod (protocol schema) failure.

type JsonSchemaInput = (options: { target: string }) => Record<string, unknown>;

/** The Standard JSON Schema converter of a schema's input (zod >= 4.2, arktype, valibot…), if it has one. */
export function jsonSchemaConverter(schema: StandardSchemaV1): JsonSchemaInput | undefined {
  const input = (schema["~standard"] as { jsonSchema?: { input?: unknown } }).jsonSchema?.input;
  return typeof input === "function" ? (input as JsonSchemaInput) : undefined;
}

const EMPTY_OBJECT_SCHEMA: JsonObjectSchema = { type: "object", properties: {} };

/**
 * JSON Schema (draft 2020-12) of a Standard Schema's input, via the Standard JSON Schema interface.
 * A bad schema is `CONFIG` when a tool is registered, `INVALID_ARGUMENT` when it came with one call.
 */
export function toJsonSchema(
  schema: StandardSchemaV1 | undefined,
  owner: string,
  code: "CONFIG" | "INVALID_ARGUMENT" = "CONFIG",
): JsonObjectSchema {
  if (schema === undefined) return EMPTY_OBJECT_SCHEMA;
  const input = jsonSchemaConverter(schema);
  if (input === undefined) {
    throw new FastMCPError(
      code,
      `${owner}: parameters must be a Standard Schema that also implements Standard JSON Schema ` +
        "(zod >= 4.2, arktype, or valibot via toStandardJsonSchema).",
    );
  }
  // `$schema` stays: it tells clients the dialect (2020-12, the MCP default since 2025-11-25).
  const json = input({ target: "draft-2020-12" });
  if (json.type !== "object") {
    throw new FastMCPError(code, `${owner}: parameters must describe an object (e.g. z.object({...})).`);
  }
  return json as JsonObjectSchema;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Validates a value, returning the parsed value or a message that names each bad field. Synchronous
 * when the schema is (zod, valibot, arktype are), so a tool call waits on no extra promise.
 */
export function validateWith<T>(
  schema: StandardSchemaV1<unknown, T>,
  value: unknown,
): Validated<T> | Promise<Validated<T>> {
  const result = schema["~standard"].validate(value);
  return result instanceof Promise ? result.then(toValidated) : toValidated(result);
}

function toValidated<T>(result: StandardSchemaV1.Result<T>): Validated<T> {
  if (result.issues === undefined) return { ok: true, value: result.value };
  return { ok: false, message: formatIssues(result.issues) };
}

export function formatIssues(issues: ReadonlyArray<StandardSchemaV1.Issue>): string {
  return issues
    .map((issue) => {
      const path = (issue.path ?? [])
        .map((segment) => (typeof segment === "object" ? segment.key : segment))
        .map(String)
        .join(".");
      return path.length > 0 ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

/** The first issue of a failed zod parse (the protocol's schemas): its dotted path ("" at the root) and message. */
export function firstIssue(error: {
  issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>;
}): {
  path: string;
  /** ` at a.b`, or "" at the root. */
  at: string;
  message: string | undefined;
} {
  const issue = error.issues[0];
  const path = issue === undefined ? "" : issue.path.map(String).join(".");
  return { path, at: path.length > 0 ? ` at ${path}` : "", message: issue?.message };
}

/**
 * A Standard Schema that takes any object as it is: for values something else already checked, or
 * checks where they are used. `message` is the issue for anything that is not an object.
 */
export function anyObject(message: string): StandardSchemaV1<Record<string, unknown>> {
  return {
    "~standard": {
      version: 1,
      vendor: "fastmcp-ts",
      validate: (value) =>
        typeof value === "object" && value !== null && !Array.isArray(value)
          ? { value: value as Record<string, unknown> }
          : { issues: [{ message }] },
    },
  };
}
