import type { CallToolResult } from "@modelcontextprotocol/client";
import { joinText } from "../content.js";
import { toolFailure } from "./call-errors.js";
import type { ToolCallResult } from "./client-options.js";

/** A tool's result as `callTool` returns it; `isError` becomes a thrown `ToolError`. */
export function toOutput(result: CallToolResult, name: string): ToolCallResult {
  const output: ToolCallResult = {
    content: result.content ?? [],
    isError: result.isError === true,
    text: joinText(result.content ?? []),
  };
  if (result.structuredContent != null)
    output.structuredContent = result.structuredContent as Record<string, unknown>;
  if (output.isError) throw toolFailure(name, output.text, result, output);
  return output;
}
