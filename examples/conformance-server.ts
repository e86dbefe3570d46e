// The "everything" server the official conformance suite tests, built only with fastmcp-ts's public
// API. Run: `tsx examples/conformance-server.ts` (PORT env, default 0 = any free port); it prints
// its URL on the first line of stdout. Tool, resource and prompt names are the ones the suite's
// scenarios call (see `conformance list --server`).
import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { z } from "zod";
import { type Context, FastMCP, ToolError } from "../src/index.js";

// A 1×1 red PNG pixel and a minimal WAV file: the suite only checks shape, not pixels.
const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
const WAV_BASE64 = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

const JSON_SCHEMA_2020_12 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  $defs: {
    address: {
      $anchor: "addressDef",
      type: "object",
      properties: { street: { type: "string" }, city: { type: "string" } },
    },
  },
  properties: {
    name: { type: "string" },
    address: { $ref: "#/$defs/address" },
    contactMethod: { type: "string", enum: ["phone", "email"] },
    phone: { type: "string" },
    email: { type: "string" },
  },
  allOf: [{ anyOf: [{ required: ["phone"] }, { required: ["email"] }] }],
  if: { properties: { contactMethod: { const: "phone" } }, required: ["contactMethod"] },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keyword, not a thenable
  then: { required: ["phone"] },
  else: { required: ["email"] },
  additionalProperties: false,
};

/** A Standard Schema (with Standard JSON Schema) around a raw JSON Schema; accepts any object. */
function rawJsonSchema(schema: Record<string, unknown>): StandardSchemaV1<Record<string, unknown>> {
  return {
    "~standard": {
      version: 1,
      vendor: "raw-json-schema",
      validate: (value) =>
        typeof value === "object" && value !== null && !Array.isArray(value)
          ? { value: value as Record<string, unknown> }
          : { issues: [{ message: "expected an object" }] },
      jsonSchema: { input: () => schema, output: () => schema },
    } as StandardSchemaV1<Record<string, unknown>>["~standard"],
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sleeps, or rejects as soon as `signal` aborts (a cancelled task stops at once). */
function sleepUnless(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}
const text = (value: unknown) => (typeof value === "string" ? value : "unknown");

export function buildConformanceServer(): FastMCP {
  const server = new FastMCP({ name: "fastmcp-ts-conformance", version: "1.0.0" });

  // ---- tools: content types -------------------------------------------------------------------
  server.tool({
    name: "test_simple_text",
    description: "Tests simple text content response",
    execute: () => "This is a simple text response for testing.",
  });
  server.tool({
    name: "test_image_content",
    description: "Tests image content response",
    execute: () => ({ type: "image", data: PNG_BASE64, mimeType: "image/png" }),
  });
  server.tool({
    name: "test_audio_content",
    description: "Tests audio content response",
    execute: () => ({ type: "audio", data: WAV_BASE64, mimeType: "audio/wav" }),
  });
  server.tool({
    name: "test_embedded_resource",
    description: "Tests embedded resource content response",
    execute: () => ({
      type: "resource",
      resource: {
        uri: "test://embedded-resource",
        mimeType: "text/plain",
        text: "This is an embedded resource content.",
      },
    }),
  });
  server.tool({
    name: "test_multiple_content_types",
    description: "Tests response with multiple content types (text, image, resource)",
    execute: () => [
      { type: "text", text: "Multiple content types test:" },
      { type: "image", data: PNG_BASE64, mimeType: "image/png" },
      {
        type: "resource",
        resource: {
          uri: "test://mixed-content-resource",
          mimeType: "application/json",
          text: JSON.stringify({ test: "data", value: 123 }),
        },
      },
    ],
  });

  // ---- tools: logging, progress, errors --------------------------------------------------------
  server.tool({
    name: "test_tool_with_logging",
    description: "Tests tool that emits log messages during execution",
    execute: async (_args, ctx) => {
      await ctx.info("Tool execution started");
      await sleep(20);
      await ctx.info("Tool processing data");
      await sleep(20);
      await ctx.info("Tool execution completed");
      return "Tool with logging executed successfully";
    },
  });
  server.tool({
    name: "test_tool_with_progress",
    description: "Tests tool that reports progress notifications",
    execute: async (_args, ctx) => {
      for (const step of [0, 50, 100]) {
        await ctx.reportProgress(step, 100, `Completed step ${step} of 100`);
        if (step < 100) await sleep(20);
      }
      return "Progress reported";
    },
  });
  server.tool({
    name: "test_error_handling",
    description: "Tests error response handling",
    execute: () => {
      throw new Error("This tool intentionally returns an error for testing");
    },
  });
  server.tool({
    name: "test_logging_tool",
    description: "Logs once; under 2026-07-28 the log is sent only when the request asked for a log level",
    execute: async (_args, ctx) => {
      await ctx.info("Diagnostic trace logging activated");
      return "Logging evaluated";
    },
  });

  // ---- tools: a hand-written JSON Schema 2020-12 (SEP-1613/SEP-2106) ---------------------------
  // Any Standard Schema that also speaks Standard JSON Schema works as `parameters`; this one wraps a
  // raw JSON Schema and accepts any object (validation is not what the scenario checks).
  server.tool({
    name: "json_schema_2020_12_tool",
    description: "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)",
    parameters: rawJsonSchema(JSON_SCHEMA_2020_12),
    execute: (args) => `JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}`,
  });

  // ---- tools: sampling (both eras: the same ctx.sample runs push or input_required) -----------
  server.tool({
    name: "test_sampling",
    description: "Tests server-initiated sampling (LLM completion request)",
    parameters: z.object({ prompt: z.string().describe("The prompt to send to the LLM") }),
    execute: async ({ prompt }, ctx) =>
      `LLM response: ${(await ctx.sample(prompt, { maxTokens: 100 })).text}`,
  });
  server.tool({
    name: "test_input_required_result_sampling",
    description: "Asks the client's LLM a question (an input_required round under 2026-07-28)",
    execute: async (_args, ctx) => {
      const answer = await ctx.sample("What is the capital of France?", { maxTokens: 100 });
      return `Sampling result: ${answer.text}`;
    },
  });
  server.tool({
    name: "test_missing_capability",
    description: "Needs the client's sampling capability (-32021 without it under 2026-07-28)",
    execute: async (_args, ctx) => `Success: ${(await ctx.sample("Say hello", { maxTokens: 20 })).text}`,
  });

  // ---- tools: elicitation and roots ------------------------------------------------------------
  server.tool({
    name: "test_elicitation",
    description: "Tests server-initiated elicitation (user input request)",
    parameters: z.object({ message: z.string().describe("The message to show the user") }),
    execute: async ({ message }, ctx) => {
      const result = await ctx.elicit({
        message,
        requestedSchema: {
          type: "object",
          properties: { response: { type: "string", description: "User's response" } },
          required: ["response"],
        },
      });
      return `User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
    },
  });
  server.tool({
    name: "test_elicitation_sep1034_defaults",
    description: "Tests elicitation with default values per SEP-1034",
    execute: async (_args, ctx) => {
      const result = await ctx.elicit({
        message: "Please review and update the form fields with defaults",
        requestedSchema: {
          type: "object",
          properties: {
            name: { type: "string", description: "User name", default: "John Doe" },
            age: { type: "integer", description: "User age", default: 30 },
            score: { type: "number", description: "User score", default: 95.5 },
            status: {
              type: "string",
              description: "User status",
              enum: ["active", "inactive", "pending"],
              default: "active",
            },
            verified: { type: "boolean", description: "Verification status", default: true },
          },
          required: [],
        },
      });
      return `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
    },
  });
  server.tool({
    name: "test_elicitation_sep1330_enums",
    description: "Tests elicitation with enum schema improvements per SEP-1330",
    execute: async (_args, ctx) => {
      const result = await ctx.elicit({
        message: "Please select options from the enum fields",
        requestedSchema: {
          type: "object",
          properties: {
            untitledSingle: {
              type: "string",
              description: "Select one option",
              enum: ["option1", "option2", "option3"],
            },
            titledSingle: {
              type: "string",
              description: "Select one option with titles",
              oneOf: [
                { const: "value1", title: "First Option" },
                { const: "value2", title: "Second Option" },
                { const: "value3", title: "Third Option" },
              ],
            },
            legacyEnum: {
              type: "string",
              description: "Select one option (legacy)",
              enum: ["opt1", "opt2", "opt3"],
              enumNames: ["Option One", "Option Two", "Option Three"],
            },
            untitledMulti: {
              type: "array",
              description: "Select multiple options",
              minItems: 1,
              maxItems: 3,
              items: { type: "string", enum: ["option1", "option2", "option3"] },
            },
            titledMulti: {
              type: "array",
              description: "Select multiple options with titles",
              minItems: 1,
              maxItems: 3,
              items: {
                anyOf: [
                  { const: "value1", title: "First Choice" },
                  { const: "value2", title: "Second Choice" },
                  { const: "value3", title: "Third Choice" },
                ],
              },
            },
          },
          required: [],
        },
      });
      return `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`;
    },
  });

  const askName = (ctx: Context, message: string, key?: string) =>
    ctx.elicit(
      {
        message,
        requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
      },
      { key },
    );

  server.tool({
    name: "test_input_required_result_elicitation",
    description: "Asks the user for their name",
    execute: async (_args, ctx) => {
      // The suite expects this request under the key "user_name" (default keys are elicit-0, elicit-1…).
      const answer = await askName(ctx, "What is your name?", "user_name");
      return `Hello, ${text(answer.content?.name)}!`;
    },
  });
  server.tool({
    name: "test_input_required_result_list_roots",
    description: "Lists the client's roots",
    execute: async (_args, ctx) => `Found ${(await ctx.listRoots()).roots.length} root(s)`,
  });
  server.tool({
    name: "test_input_required_result_request_state",
    description: "Asks for a confirmation; the answer comes back with the signed request state",
    execute: async (_args, ctx) => {
      const answer = await ctx.elicit({
        message: "Please confirm",
        requestedSchema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
      });
      return answer.content?.ok === true ? "state-ok: requestState validated" : "state-declined";
    },
  });
  server.tool({
    name: "test_input_required_result_tampered_state",
    description: "Asks for a confirmation; a tampered request state is rejected",
    execute: async (_args, ctx) => {
      await ctx.elicit({
        message: "Please confirm",
        requestedSchema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
      });
      return "integrity-ok: state verified";
    },
  });
  server.tool({
    name: "test_input_required_result_multiple_inputs",
    description: "Elicitation, sampling and roots in one round",
    execute: async (_args, ctx) => {
      const [name, greeting, roots] = await Promise.all([
        askName(ctx, "What is your name?"),
        ctx.sample("Generate a greeting", { maxTokens: 50 }),
        ctx.listRoots(),
      ]);
      return `Name: ${text(name.content?.name)}; Greeting: ${greeting.text}; Roots: ${roots.roots.length}`;
    },
  });
  server.tool({
    name: "test_input_required_result_multi_round",
    description: "Two questions, one after the other",
    execute: async (_args, ctx) => {
      const name = await askName(ctx, "Step 1: What is your name?");
      const color = await ctx.elicit({
        message: "Step 2: What is your favorite color?",
        requestedSchema: { type: "object", properties: { color: { type: "string" } }, required: ["color"] },
      });
      return `Multi-round complete for ${text(name.content?.name)} who likes ${text(color.content?.color)}`;
    },
  });
  server.tool({
    name: "test_input_required_result_capabilities",
    description: "Asks only for what the client declared (elicitation and/or sampling)",
    execute: async (_args, ctx) => {
      const declared = ctx.clientCapabilities ?? {};
      const asks: Promise<string>[] = [];
      if (declared.elicitation !== undefined) {
        asks.push(
          ctx
            .elicit({
              message: "Elicitation input",
              requestedSchema: {
                type: "object",
                properties: { value: { type: "string" } },
                required: ["value"],
              },
            })
            .then(() => "elicitation"),
        );
      }
      if (declared.sampling !== undefined)
        asks.push(ctx.sample("Sample request", { maxTokens: 50 }).then(() => "sampling"));
      if (asks.length === 0) return "No supported capabilities declared";
      return `capabilities-ok: received ${(await Promise.all(asks)).join(",")}`;
    },
  });
  server.tool({
    name: "test_streaming_elicitation",
    description:
      "Elicits under 2026-07-28: the request travels inside the result, never as a separate request",
    execute: async (_args, ctx) => {
      const answer = await ctx.elicit({
        message: "Anything to add?",
        requestedSchema: { type: "object", properties: { note: { type: "string" } } },
      });
      return `Streaming complete: ${answer.action}`;
    },
  });

  // ---- tasks (io.modelcontextprotocol/tasks, SEP-2663): names the tasks-* scenarios call ----------
  const confirmSchema = {
    type: "object" as const,
    properties: { confirm: { type: "boolean" as const } },
    required: ["confirm"],
  };
  server.tool({
    name: "greet",
    description: "A plain (sync-only) tool",
    parameters: z.object({ name: z.string() }),
    execute: ({ name }) => `Hello, ${name}!`,
  });
  server.tool({
    name: "slow_compute",
    description: "Sleeps `seconds` seconds, then answers; runs as a task for clients that declare tasks",
    parameters: z.object({ seconds: z.number().min(0).max(300), label: z.string().optional() }),
    task: true,
    execute: async ({ seconds, label }, ctx) => {
      await sleepUnless(seconds * 1000, ctx.signal);
      return `Computed ${label ?? "result"} after ${seconds}s`;
    },
  });
  server.tool({
    name: "failing_job",
    description: "Runs only as a task; fails with a tool error after about a second",
    task: "required",
    execute: async (_args, ctx) => {
      await sleepUnless(1000, ctx.signal);
      throw new ToolError("failing_job failed, as it always does");
    },
  });
  server.tool({
    name: "protocol_error_job",
    description: "A task that ends in a protocol-level error",
    task: true,
    execute: () => {
      throw new ProtocolError(ProtocolErrorCode.InternalError, "protocol_error_job: internal failure");
    },
  });
  server.tool({
    name: "confirm_delete",
    description: "Asks the user to confirm, then answers",
    parameters: z.object({ filename: z.string() }),
    task: true,
    execute: async ({ filename }, ctx) => {
      const answer = await ctx.elicit({ message: `Delete ${filename}?`, requestedSchema: confirmSchema });
      const yes = answer.action === "accept" && answer.content?.confirm === true;
      return yes ? `Deleted ${filename}` : `Kept ${filename}`;
    },
  });
  server.tool({
    name: "multi_input",
    description: "Asks two questions at once",
    task: true,
    execute: async (_args, ctx) => {
      // The scenario answers each with { name, confirm }: both are asked for (answers carrying a field
      // the schema did not ask for are refused).
      const ask = (message: string) =>
        ctx.elicit({
          message,
          requestedSchema: {
            type: "object",
            properties: { name: { type: "string" }, confirm: { type: "boolean" } },
            required: ["name"],
          },
        });
      const [first, second] = await Promise.all([ask("First name?"), ask("Second name?")]);
      return `Got ${text(first.content?.name)} and ${text(second.content?.name)}`;
    },
  });

  server.tool({
    name: "test_tool_with_task",
    description: "Asks for a name by input_required rounds, then finishes as a task (MRTR → task)",
    task: "detach",
    execute: async (_args, ctx) => {
      const answer = await askName(ctx, "What is your name?", "user_name");
      await ctx.detach(); // the rest runs as a task for clients that declared the extension
      await sleepUnless(200, ctx.signal);
      return `Hello, ${text(answer.content?.name)}! (finished as a task)`;
    },
  });

  // ---- resources -------------------------------------------------------------------------------
  server.resource({
    uri: "test://static-text",
    name: "static-text",
    title: "Static Text Resource",
    description: "A static text resource for testing",
    mimeType: "text/plain",
    read: () => "This is the content of the static text resource.",
  });
  server.resource({
    uri: "test://static-binary",
    name: "static-binary",
    title: "Static Binary Resource",
    description: "A static binary resource (image) for testing",
    mimeType: "image/png",
    read: () => Uint8Array.from(Buffer.from(PNG_BASE64, "base64")),
  });
  server.resource({
    uri: "test://watched-resource",
    name: "watched-resource",
    title: "Watched Resource",
    description: "A resource clients may subscribe to",
    mimeType: "text/plain",
    read: () => "Watched resource content",
  });
  server.resourceTemplate({
    uriTemplate: "test://template/{id}/data",
    complete: { id: (value) => ["1", "2", "42"].filter((id) => id.startsWith(value)) },
    name: "template",
    title: "Resource Template",
    description: "A resource template with parameter substitution",
    mimeType: "application/json",
    read: ({ id }) => JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }),
  });

  // ---- prompts ---------------------------------------------------------------------------------
  server.prompt({
    name: "test_simple_prompt",
    title: "Simple Test Prompt",
    description: "A simple prompt without arguments",
    render: () => "This is a simple prompt for testing.",
  });
  server.prompt({
    name: "test_prompt_with_arguments",
    title: "Prompt With Arguments",
    description: "A prompt with required arguments",
    parameters: z.object({
      arg1: z.string().describe("First test argument"),
      arg2: z.string().describe("Second test argument"),
    }),
    render: ({ arg1, arg2 }) => `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`,
    complete: {
      arg1: (value) => ["test", "testing", "tested", "other"].filter((option) => option.startsWith(value)),
    },
  });
  server.prompt({
    name: "test_prompt_with_embedded_resource",
    title: "Prompt With Embedded Resource",
    description: "A prompt that includes an embedded resource",
    parameters: z.object({ resourceUri: z.string().describe("URI of the resource to embed") }),
    render: ({ resourceUri }) => [
      {
        role: "user",
        content: {
          type: "resource",
          resource: {
            uri: resourceUri,
            mimeType: "text/plain",
            text: "Embedded resource content for testing.",
          },
        },
      },
      { role: "user", content: { type: "text", text: "Please process the embedded resource above." } },
    ],
  });
  server.prompt({
    name: "test_prompt_with_image",
    title: "Prompt With Image",
    description: "A prompt that includes image content",
    render: () => [
      { role: "user", content: { type: "image", data: PNG_BASE64, mimeType: "image/png" } },
      { role: "user", content: { type: "text", text: "Please analyze the image above." } },
    ],
  });
  server.prompt({
    name: "test_input_required_result_prompt",
    description: "A prompt that asks the user for context first",
    render: async (_args, ctx) => {
      const answer = await ctx.elicit({
        message: "What context should the prompt use?",
        requestedSchema: {
          type: "object",
          properties: { context: { type: "string" } },
          required: ["context"],
        },
      });
      return `Prompt with context: ${text(answer.content?.context)}`;
    },
  });

  return server;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = buildConformanceServer();
  await server.run({
    transport: "http",
    host: "127.0.0.1",
    port: Number(process.env.PORT ?? 0),
    path: "/mcp",
  });
  process.stdout.write(`${server.url}\n`);
  const stop = () => void server.close().finally(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
