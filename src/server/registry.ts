import { type Tool, UriTemplate } from "@modelcontextprotocol/server";
import { FastMCPError } from "../errors.js";
import { toJsonSchema } from "../schema.js";
import type {
  PromptDefinition,
  ResourceDefinition,
  ResourceTemplateDefinition,
  ToolDefinition,
} from "./definitions.js";

interface RegisteredTemplate {
  definition: ResourceTemplateDefinition;
  template: UriTemplate;
}

/** What a server offers. Listings are computed once per change, not per request. */
export class Registry {
  readonly tools = new Map<string, ToolDefinition>();
  readonly resources = new Map<string, ResourceDefinition>();
  readonly templates: RegisteredTemplate[] = [];
  readonly prompts = new Map<string, PromptDefinition>();
  private toolList?: Tool[];
  /** Whether any tool may run as a task (then 2026-07-28 servers offer the tasks extension). */
  hasTaskTools = false;

  addTool(definition: ToolDefinition): void {
    if (this.tools.has(definition.name)) {
      throw new FastMCPError("CONFIG", `A tool named '${definition.name}' is already registered.`);
    }
    if (typeof definition.execute !== "function") {
      throw new FastMCPError("CONFIG", `Tool '${definition.name}' needs an execute function.`);
    }
    toJsonSchema(definition.parameters, `Tool '${definition.name}'`); // fail at registration, not at first list
    if (![undefined, false, true, "required", "detach"].includes(definition.task)) {
      throw new FastMCPError(
        "CONFIG",
        `Tool '${definition.name}': task must be true, false, "required" or "detach", got ${JSON.stringify(definition.task)}.`,
      );
    }
    if (definition.task !== undefined && definition.task !== false) this.hasTaskTools = true;
    this.tools.set(definition.name, definition);
    this.toolList = undefined;
  }

  addResource(definition: ResourceDefinition): void {
    if (this.resources.has(definition.uri)) {
      throw new FastMCPError("CONFIG", `A resource with URI '${definition.uri}' is already registered.`);
    }
    this.resources.set(definition.uri, definition);
  }

  addTemplate(definition: ResourceTemplateDefinition<Record<string, string>>): void {
    this.templates.push({ definition, template: new UriTemplate(definition.uriTemplate) });
  }

  addPrompt(definition: PromptDefinition): void {
    if (this.prompts.has(definition.name)) {
      throw new FastMCPError("CONFIG", `A prompt named '${definition.name}' is already registered.`);
    }
    this.prompts.set(definition.name, definition);
  }

  listTools(): Tool[] {
    this.toolList ??= [...this.tools.values()].map((tool) => {
      const inputSchema = toJsonSchema(tool.parameters, `Tool '${tool.name}'`) as Tool["inputSchema"];
      const entry: Tool = { name: tool.name, inputSchema };
      if (tool.title !== undefined) entry.title = tool.title;
      if (tool.description !== undefined) entry.description = tool.description;
      if (tool.annotations !== undefined) entry.annotations = tool.annotations;
      if (tool.task !== undefined && tool.task !== false) {
        entry.execution = { taskSupport: tool.task === "required" ? "required" : "optional" };
      }
      return entry;
    });
    return this.toolList;
  }

  matchTemplate(
    uri: string,
  ): { definition: ResourceTemplateDefinition; variables: Record<string, string> } | undefined {
    for (const { definition, template } of this.templates) {
      const match = template.match(uri);
      if (match !== null) {
        const variables = Object.fromEntries(
          Object.entries(match).map(([key, value]) => [
            key,
            Array.isArray(value) ? value.join(",") : String(value),
          ]),
        );
        return { definition, variables };
      }
    }
    return undefined;
  }
}
