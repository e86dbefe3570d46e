import {
  type CompleteResult,
  ProtocolError,
  ProtocolErrorCode,
  type Server,
} from "@modelcontextprotocol/server";
import type { Completers } from "./definitions.js";
import type { Registry } from "./registry.js";

/** The spec caps one completion answer at 100 values. */
const MAX_VALUES = 100;

/** Serves `completion/complete` from the `complete` completers of prompts and resource templates. */
export function installCompletion(server: Server, registry: Registry): void {
  server.setRequestHandler("completion/complete", async (request): Promise<CompleteResult> => {
    const { ref, argument, context } = request.params;
    let completers: Completers | undefined;
    if (ref.type === "ref/prompt") {
      const prompt = registry.prompts.get(ref.name);
      if (prompt === undefined)
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown prompt: ${ref.name}`);
      completers = prompt.complete;
    } else {
      const template = registry.templates.find(({ definition }) => definition.uriTemplate === ref.uri);
      // A plain resource URI has no variables to complete; an unknown one is the caller's mistake.
      if (template === undefined && !registry.resources.has(ref.uri)) {
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown resource template: ${ref.uri}`);
      }
      completers = template?.definition.complete;
    }
    // Own keys only: `constructor` or `hasOwnProperty` must not reach Object.prototype's functions.
    const completer =
      completers !== undefined && Object.hasOwn(completers, argument.name)
        ? completers[argument.name]
        : undefined;
    const values =
      completer === undefined ? [] : await completer(argument.value, { arguments: context?.arguments ?? {} });
    return {
      completion: {
        values: values.slice(0, MAX_VALUES),
        total: values.length,
        hasMore: values.length > MAX_VALUES,
      },
    };
  });
}
