import { ProtocolError } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createHumanSamplingHandler } from "../../src/human/human-handler.js";
import { Client, FastMCP, ToolError } from "../../src/index.js";
import { context, params, person } from "../helpers/person.js";

const REJECTED = { code: -1, message: "User rejected sampling request" };

describe("createHumanSamplingHandler", () => {
  it("shows the whole request and answers with what the person types", async () => {
    const you = person();
    const handler = createHumanSamplingHandler({ input: you.input, output: you.output });
    const answer = handler(
      [
        { role: "user", content: { type: "text", text: "Describe this picture." } },
        { role: "user", content: { type: "image", data: "aGVsbG8=", mimeType: "image/png" } },
        { role: "assistant", content: { type: "text", text: "It shows a cat.\nA grey one." } },
        { role: "user", content: [{ type: "audio", data: "A".repeat(4000), mimeType: "audio/wav" }] },
      ],
      params({
        systemPrompt: "You describe media.",
        temperature: 0.3,
        stopSequences: ["END"],
        maxTokens: 256,
        modelPreferences: {
          hints: [{ name: "claude" }, { name: "gpt" }],
          intelligencePriority: 0.8,
          speedPriority: 0.2,
        },
        tools: [
          {
            name: "get_forecast",
            description: "Forecast for a city",
            inputSchema: {
              type: "object",
              properties: { city: { type: "string" }, days: { type: "integer" } },
              required: ["city"],
            },
          },
        ],
        toolChoice: { mode: "auto" },
      }),
      context(),
    );
    await you.waitFor("\n> ");
    expect(you.shown).toContain("── Sampling request from weather-server ──");
    expect(you.shown).toContain("System prompt:\n  You describe media.");
    expect(you.shown).toContain("  [user] Describe this picture.\n  [user] [image: image/png, 5 B]\n");
    expect(you.shown).toContain("  [assistant] It shows a cat.\n              A grey one.\n");
    expect(you.shown).toContain("  [user] [audio: audio/wav, 2.9 KB]\n");
    expect(you.shown).toContain('Settings: max tokens 256 · temperature 0.3 · stop sequences ["END"]');
    expect(you.shown).toContain("Model preferences: hints claude, gpt · intelligence 0.8 · speed 0.2");
    expect(you.shown).toContain(
      "Tools offered (choice: auto):\n  - get_forecast(city: string, days?: integer) — Forecast for a city",
    );
    expect(you.shown).not.toContain("\u001b["); // not a terminal: no colour
    you.type("A cat, drawn by hand.");
    await expect(answer).resolves.toEqual({
      role: "assistant",
      content: { type: "text", text: "A cat, drawn by hand." },
      model: "human",
      stopReason: "endTurn",
    });
  });

  it.each([
    ["an empty reply", ""],
    ['"reject"', "Reject"],
  ])("%s rejects with JSON-RPC error -1", async (_name, reply) => {
    const you = person();
    const handler = createHumanSamplingHandler({ input: you.input, output: you.output });
    const answer = handler(params().messages, params(), context());
    await you.waitFor("\n> ");
    you.type(reply);
    const error = await answer.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject(REJECTED);
    expect(you.shown).toContain("Rejected.");
  });

  it("rejects when the input ends before a reply", async () => {
    const you = person();
    const handler = createHumanSamplingHandler({ input: you.input, output: you.output });
    const answer = handler(params().messages, params(), context());
    await you.waitFor("\n> ");
    you.input.end();
    await expect(answer).rejects.toMatchObject(REJECTED);
  });

  it("answers with a tool call via /tool, re-asking after a wrong name or bad JSON", async () => {
    const you = person();
    const handler = createHumanSamplingHandler({ input: you.input, output: you.output, model: "me" });
    const tools = [{ name: "get_forecast", inputSchema: { type: "object" as const } }];
    const answer = handler(params().messages, params({ tools }), context());
    await you.waitFor("\n> ");
    expect(you.shown).toContain('"/tool <name> <json>" calls a tool');
    you.type("/tool get_weather {}");
    await you.waitFor("\n> ", 2);
    expect(you.shown).toContain('Unknown tool "get_weather"; offered: get_forecast');
    you.type("/tool get_forecast {city:");
    await you.waitFor("\n> ", 3);
    expect(you.shown).toContain("The arguments are not JSON");
    you.type('/tool get_forecast {"city":"Oslo"}');
    const result = await answer;
    expect(result).toMatchObject({
      role: "assistant",
      model: "me",
      stopReason: "toolUse",
      content: [{ type: "tool_use", name: "get_forecast", input: { city: "Oslo" } }],
    });
    expect((result as { content: Array<{ id: string }> }).content[0]!.id).toMatch(/^call_/);
  });

  it('insists on a tool call when toolChoice is "required"', async () => {
    const you = person();
    const handler = createHumanSamplingHandler({ input: you.input, output: you.output });
    const tools = [{ name: "lookup", inputSchema: { type: "object" as const } }];
    const answer = handler(params().messages, params({ tools, toolChoice: { mode: "required" } }), context());
    await you.waitFor("\n> ");
    you.type("just text");
    await you.waitFor("\n> ", 2);
    expect(you.shown).toContain("This request requires a tool call");
    you.type("/tool lookup");
    await expect(answer).resolves.toMatchObject({
      content: [{ type: "tool_use", name: "lookup", input: {} }],
    });
  });

  it("sends a plain reply as the typed result when final_response is offered", async () => {
    const you = person();
    const handler = createHumanSamplingHandler({ input: you.input, output: you.output });
    const wrapped = {
      name: "final_response",
      inputSchema: {
        type: "object" as const,
        properties: { value: { type: "string", enum: ["yes", "no"] } },
        required: ["value"],
      },
    };
    const object = {
      name: "final_response",
      inputSchema: { type: "object" as const, properties: { city: { type: "string" } } },
    };
    const first = handler(
      params().messages,
      params({ tools: [wrapped], toolChoice: { mode: "required" } }),
      context(),
    );
    await you.waitFor("\n> ");
    expect(you.shown).toContain("A typed result is wanted");
    you.type("yes");
    await expect(first).resolves.toMatchObject({
      content: [{ name: "final_response", input: { value: "yes" } }],
    });

    const second = handler(params().messages, params({ tools: [object] }), context());
    await you.waitFor("\n> ", 2);
    you.type('{"city":"Oslo"}');
    await expect(second).resolves.toMatchObject({
      content: [{ name: "final_response", input: { city: "Oslo" } }],
    });

    // Not JSON for an object schema: it goes as text (the tool loop then asks again).
    const third = handler(params().messages, params({ tools: [object] }), context());
    await you.waitFor("\n> ", 3);
    you.type("Oslo");
    await expect(third).resolves.toMatchObject({ content: { type: "text", text: "Oslo" } });
  });

  it("words the typed-result hint as what it accepts, and repeats it when a reply does not fit", async () => {
    const you = person();
    const handler = createHumanSamplingHandler({ input: you.input, output: you.output });
    const object = {
      name: "final_response",
      inputSchema: { type: "object" as const, properties: { city: { type: "string" } } },
    };
    const answer = handler(
      params().messages,
      params({ tools: [object], toolChoice: { mode: "required" } }),
      context(),
    );
    await you.waitFor("\n> ");
    expect(you.shown).toContain(
      "A typed result is wanted: type it as one JSON object ({ … }); it is sent as final_response.",
    );
    you.type("Oslo");
    await you.waitFor("\n> ", 2);
    // The refusal names the typed form the hint promised, not only "/tool".
    expect(you.shown).toContain(
      'This request requires a tool call: A typed result is wanted: type it as one JSON object ({ … }), or call a tool with "/tool <name> <json>".',
    );
    you.type('{"city":"Oslo"}');
    await expect(answer).resolves.toMatchObject({
      content: [{ name: "final_response", input: { city: "Oslo" } }],
    });
  });

  it("reads a reply over several lines when a line ends with a backslash", async () => {
    const you = person();
    const handler = createHumanSamplingHandler({ input: you.input, output: you.output });
    const answer = handler(params().messages, params(), context());
    await you.waitFor("\n> ");
    you.type("line one\\");
    await you.waitFor("… ");
    you.type("line two");
    await expect(answer).resolves.toMatchObject({ content: { type: "text", text: "line one\nline two" } });
  });

  it("answers consecutive requests from lines typed ahead in one chunk, in order", async () => {
    const you = person();
    const handler = createHumanSamplingHandler({ input: you.input, output: you.output });
    you.input.write("first\nsecond\n");
    const one = await handler(params().messages, params(), context());
    const two = await handler(params().messages, params(), context());
    expect([one, two]).toMatchObject([{ content: { text: "first" } }, { content: { text: "second" } }]);
  });

  it("stops waiting and closes the prompt when context.signal aborts; the next request still works", async () => {
    const you = person();
    const handler = createHumanSamplingHandler({ input: you.input, output: you.output });
    const controller = new AbortController();
    const answer = handler(params().messages, params(), context(controller.signal));
    await you.waitFor("\n> ");
    const reason = new Error("cancelled by the server");
    controller.abort(reason);
    await expect(answer).rejects.toBe(reason);
    expect(you.shown).toContain("(request cancelled)");
    expect(you.input.listenerCount("data")).toBe(0);

    const next = handler(params().messages, params(), context());
    await you.waitFor("\n> ", 2);
    you.type("still here");
    await expect(next).resolves.toMatchObject({ content: { text: "still here" } });
  });

  it("colours the request when asked", async () => {
    const you = person();
    const handler = createHumanSamplingHandler({ input: you.input, output: you.output, color: true });
    const answer = handler(params().messages, params(), context());
    await you.waitFor("\u001b[36m> ");
    expect(you.shown).toContain(
      "\u001b[1m── Sampling request from \u001b[36mweather-server\u001b[39m ──\u001b[22m",
    );
    you.type("ok");
    await answer;
  });
});

describe("a person answering a real server's ctx.sample (in memory)", () => {
  function server() {
    return new FastMCP({ name: "asker" }).tool({
      name: "ask",
      parameters: z.object({ question: z.string() }),
      execute: async ({ question }, ctx) => {
        try {
          return `answer: ${(await ctx.sample(question)).text}`;
        } catch (error) {
          const cause = (error as { cause?: { code?: number } }).cause;
          throw new ToolError(`sampling failed with code ${cause?.code}: ${(error as Error).message}`);
        }
      },
    });
  }

  it("sends the typed reply back as the tool's sampling result", async () => {
    const you = person();
    await using client = await new Client(server(), {
      samplingHandler: createHumanSamplingHandler({ input: you.input, output: you.output }),
    }).connect();
    const call = client.callTool("ask", { question: "Capital of Norway?" });
    await you.waitFor("\n> ");
    expect(you.shown).toContain("── Sampling request from asker ──");
    expect(you.shown).toContain("[user] Capital of Norway?");
    you.type("Oslo");
    await expect(call).resolves.toMatchObject({ text: "answer: Oslo" });
  });

  it("a rejection reaches the server as JSON-RPC error -1", async () => {
    const you = person();
    await using client = await new Client(server(), {
      samplingHandler: createHumanSamplingHandler({ input: you.input, output: you.output }),
    }).connect();
    const call = client.callTool("ask", { question: "Your password?" });
    await you.waitFor("\n> ");
    you.type("reject");
    const error = await call.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(ToolError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^sampling failed with code -1: .*User rejected sampling request/,
    );
  });
});
