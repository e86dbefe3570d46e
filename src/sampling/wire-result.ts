import type { StandardSchemaV1 } from "@standard-schema/spec";
import { type AnyCreateMessageResult, checkWireResult } from "./handler.js";

/**
 * The result schema handed to `ctx.mcpReq.send` for `sampling/createMessage`: the SDK validates a
 * reply once, with this. The common plain-text answer is checked by hand (no zod walk on the hot
 * path); anything else against the spec schema for a request with or without tools.
 */
function samplingResultSchema(withTools: boolean): StandardSchemaV1<unknown, AnyCreateMessageResult> {
  return {
    "~standard": {
      version: 1,
      vendor: "fastmcp-ts",
      validate(value) {
        const checked = checkWireResult(value, withTools);
        return checked.ok
          ? { value: checked.value }
          : { issues: [{ message: `${checked.issue}${checked.where}` }] };
      },
    },
  };
}

export const SAMPLING_RESULT = samplingResultSchema(false);
export const SAMPLING_RESULT_WITH_TOOLS = samplingResultSchema(true);
