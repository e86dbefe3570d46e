import type { GetPromptResult, PromptArgument } from "@modelcontextprotocol/server";
import { asBlocks } from "../content.js";
import { toJsonSchema } from "../schema.js";
import type { PromptDefinition, PromptRender } from "./definitions.js";

/** Prompt arguments as listed to clients, from the object schema's fields. */
export function promptArguments(prompt: PromptDefinition): PromptArgument[] {
  if (prompt.parameters === undefined) return [];
  const schema = toJsonSchema(prompt.parameters, `Prompt '${prompt.name}'`);
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const argument: PromptArgument = { name, required: required.has(name) };
    const description = (property as { description?: unknown }).description;
    if (typeof description === "string") argument.description = description;
    return argument;
  });
}

/** A string renders as one user message; message lists pass through (one block per prompt message). */
export function renderPrompt(prompt: PromptDefinition, rendered: PromptRender): GetPromptResult {
  const result: GetPromptResult = {
    messages:
      typeof rendered === "string"
        ? [{ role: "user", content: { type: "text", text: rendered } }]
        : rendered.flatMap((message) =>
            asBlocks(message.content).map((content) => ({
              role: message.role,
              content: content as GetPromptResult["messages"][number]["content"],
            })),
          ),
  };
  if (prompt.description !== undefined) result.description = prompt.description;
  return result;
}
