import type { CallToolResult } from "@modelcontextprotocol/client";
import { ToolError } from "../errors.js";
import { joinText } from "../sampling/normalize.js";
import type { ToolCallResult } from "./client.js";

/** A tool's result as `callTool` returns it; `isError` becomes a thrown `ToolError`. */
export function toOutput(result: CallToolResult, name: string): ToolCallResult {
  const output: ToolCallResult = {
    content: result.content ?? [],
    isError: result.isError === true,
    text: joinText(result.content ?? []),
  };
  if (result.structuredContent != null)
    output.structuredContent = result.structuredContent as Record<string, unknown>;
  if (output.isError)
    throw new ToolError(output.text.length > 0 ? output.text : `Tool '${name}' failed`, { result: output });
  return output;
}
