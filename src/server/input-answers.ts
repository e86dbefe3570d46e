import { ElicitResultSchema, ListRootsResultSchema } from "@modelcontextprotocol/core";
import type { ElicitRequestFormParams, ElicitResult, ListRootsResult } from "@modelcontextprotocol/server";
import { FastMCPError } from "../errors.js";
import { firstIssue } from "../schema.js";

const ACTIONS = new Set(["accept", "decline", "cancel"]);
type Property = { type?: unknown; enum?: unknown[] };

function invalid(what: string, detail: string): FastMCPError {
  return new FastMCPError("INVALID_RESULT", `The client answered ${what} with an invalid result: ${detail}`);
}

function describeIssue(error: Parameters<typeof firstIssue>[0]): string {
  const issue = firstIssue(error);
  if (issue.message === undefined) return "it does not match the protocol's schema";
  return issue.path.length > 0 ? `${issue.path}: ${issue.message}` : issue.message;
}

/**
 * Last, the SDK's own schema for the result: the friendlier checks above name the usual mistakes,
 * this catches the rest of what the protocol forbids (a bad `_meta`, a root's non-file URI, …).
 */
function protocolShape<T>(
  answer: unknown,
  what: string,
  schema: {
    safeParse(
      value: unknown,
    ): { success: true } | { success: false; error: Parameters<typeof describeIssue>[0] };
  },
): T {
  const shape = schema.safeParse(answer);
  if (!shape.success) throw invalid(what, describeIssue(shape.error));
  return answer as T;
}

function fits(value: unknown, property: Property): boolean {
  if (Array.isArray(property.enum) && !property.enum.includes(value)) return false;
  switch (property.type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value) && value.every((item) => typeof item === "string");
    default:
      return true;
  }
}

/**
 * A 2026-07-28 elicitation answer arrives inside the client's next request, unchecked by the SDK:
 * its action must be one of the three, and accepted content must match `requestedSchema`.
 */
export function checkElicitAnswer(answer: unknown, params: ElicitRequestFormParams): ElicitResult {
  const record = answer as { action?: unknown; content?: unknown } | null;
  if (typeof record !== "object" || record === null || !ACTIONS.has(String(record.action))) {
    throw invalid(
      "elicitation",
      `action must be accept, decline or cancel, got ${JSON.stringify(record?.action)}`,
    );
  }
  if (record.action !== "accept") return protocolShape(record, "elicitation", ElicitResultSchema);
  const content = record.content ?? {};
  if (typeof content !== "object" || content === null || Array.isArray(content)) {
    throw invalid("elicitation", "content must be an object");
  }
  const schema = params.requestedSchema as { properties?: Record<string, Property>; required?: string[] };
  const properties = schema.properties ?? {};
  for (const key of schema.required ?? []) {
    if (!Object.hasOwn(content, key)) throw invalid("elicitation", `required field ${key} is missing`);
  }
  for (const [key, value] of Object.entries(content)) {
    const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (property === undefined) throw invalid("elicitation", `field ${key} was not asked for`);
    if (!fits(value, property)) throw invalid("elicitation", `field ${key} does not match its schema`);
  }
  return protocolShape(record, "elicitation", ElicitResultSchema);
}

/** A 2026-07-28 roots answer: a list of roots, each with a string `uri`. */
export function checkRootsAnswer(answer: unknown): ListRootsResult {
  const roots = (answer as { roots?: unknown } | null)?.roots;
  const ok =
    Array.isArray(roots) &&
    roots.every((root) => typeof root === "object" && root !== null && typeof root.uri === "string");
  if (!ok) throw invalid("roots/list", "roots must be a list of { uri, name? }");
  return protocolShape(answer, "roots/list", ListRootsResultSchema);
}
