import { ProtocolError } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { withApproval } from "../../src/human/with-approval.js";
import type { RequestContext, SamplingMessage, SamplingParams } from "../../src/index.js";
import { context, params, person } from "../helpers/person.js";

const MENU = "Send to the LLM? [Y]es / [e]dit last user message / [s]ystem prompt / [n]o (deny): ";
const SEND_BACK = "Send this answer back? [Y]es / [n]o: ";

/** A handler that records what it was given and answers from a fixed script. */
function recorder(
  answer: unknown = {
    role: "assistant",
    content: { type: "text", text: "It is sunny." },
    model: "fake-llm",
    stopReason: "endTurn",
  },
) {
  const calls: Array<{ messages: SamplingMessage[]; params: SamplingParams; context: RequestContext }> = [];
  return {
    calls,
    handler: async (messages: SamplingMessage[], p: SamplingParams, c: RequestContext) => {
      calls.push({ messages, params: p, context: c });
      return answer as string;
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

describe("withApproval", () => {
  it("shows the request, runs the handler on approval, shows the answer, and sends it on approval", async () => {
    const you = person();
    const llm = recorder();
    const ctx = context();
    const p = params({ systemPrompt: "Be brief." });
    const answer = withApproval(llm.handler, { input: you.input, output: you.output })(p.messages, p, ctx);
    await you.waitFor(MENU);
    expect(you.shown).toContain("── Sampling request from weather-server ──");
    expect(you.shown).toContain("[user] What's the weather?");
    expect(llm.calls).toHaveLength(0); // nothing runs before approval
    you.type(""); // Enter = yes
    await you.waitFor(SEND_BACK);
    expect(you.shown).toContain("Answer (model fake-llm · stop endTurn):\n  It is sunny.\n");
    expect(llm.calls).toEqual([{ messages: p.messages, params: p, context: ctx }]);
    you.type("y");
    await expect(answer).resolves.toEqual({
      role: "assistant",
      content: { type: "text", text: "It is sunny." },
      model: "fake-llm",
      stopReason: "endTurn",
    });
  });

  it("edits the last user message's text (other blocks and earlier messages stay) and the system prompt", async () => {
    const you = person();
    const llm = recorder("Edited answer");
    const messages: SamplingMessage[] = [
      { role: "user", content: { type: "text", text: "first question" } },
      { role: "assistant", content: { type: "text", text: "first answer" } },
      {
        role: "user",
        content: [
          { type: "text", text: "old question" },
          { type: "image", data: "aGVsbG8=", mimeType: "image/png" },
        ],
      },
    ];
    const p = params({ messages, systemPrompt: "Old system prompt." });
    const answer = withApproval(llm.handler, { input: you.input, output: you.output })(
      messages,
      p,
      context(),
    );
    await you.waitFor(MENU);
    you.type("e");
    await you.waitFor("New text for the last user message: ");
    expect(you.shown).toContain("Current: old question");
    you.type("new question");
    await you.waitFor(MENU, 2);
    you.type("s");
    await you.waitFor("New system prompt: ");
    you.type("New system prompt.");
    await you.waitFor(MENU, 3);
    you.type("yes");
    await you.waitFor(SEND_BACK);
    expect(you.shown).toContain("Answer:\n  Edited answer\n");
    you.type("");
    await expect(answer).resolves.toBe("Edited answer");

    const [call] = llm.calls;
    const expected: SamplingMessage[] = [
      messages[0]!,
      messages[1]!,
      {
        role: "user",
        content: [
          { type: "text", text: "new question" },
          { type: "image", data: "aGVsbG8=", mimeType: "image/png" },
        ],
      },
    ];
    expect(call!.messages).toEqual(expected);
    expect(call!.params.messages).toEqual(expected);
    expect(call!.params.systemPrompt).toBe("New system prompt.");
    expect(p.systemPrompt).toBe("Old system prompt."); // the caller's params are not mutated
    expect((messages[2]!.content as Array<{ text?: string }>)[0]!.text).toBe("old question");
  });

  it("an empty edit keeps the text", async () => {
    const you = person();
    const llm = recorder("ok");
    const p = params();
    const answer = withApproval(llm.handler, { input: you.input, output: you.output, reviewAnswer: false })(
      p.messages,
      p,
      context(),
    );
    await you.waitFor(MENU);
    you.type("e");
    await you.waitFor("New text for the last user message: ");
    you.type("");
    await you.waitFor(MENU, 2);
    you.type("y");
    await expect(answer).resolves.toBe("ok");
    expect(llm.calls[0]!.messages).toBe(p.messages);
  });

  it("denying the request is JSON-RPC error -1 and the handler never runs", async () => {
    const you = person();
    const llm = recorder();
    const answer = withApproval(llm.handler, { input: you.input, output: you.output })(
      params().messages,
      params(),
      context(),
    );
    await you.waitFor(MENU);
    you.type("maybe");
    await you.waitFor("Answer y, e, s or n.");
    you.type("n");
    const error = await rejection(answer);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: -1, message: "User rejected sampling request" });
    expect(llm.calls).toHaveLength(0);
    expect(you.shown).toContain("Denied.");
  });

  it("denying the answer withholds it (JSON-RPC error -1)", async () => {
    const you = person();
    const llm = recorder();
    const answer = withApproval(llm.handler, { input: you.input, output: you.output })(
      params().messages,
      params(),
      context(),
    );
    await you.waitFor(MENU);
    you.type("y");
    await you.waitFor(SEND_BACK);
    you.type("n");
    await expect(answer).rejects.toMatchObject({ code: -1, message: "User rejected the sampling response" });
    expect(llm.calls).toHaveLength(1);
  });

  it("reviewRequest: false runs at once and still asks about the answer; object handlers work too", async () => {
    const you = person();
    const llm = recorder();
    const object = { createMessage: llm.handler };
    const answer = withApproval(object, { input: you.input, output: you.output, reviewRequest: false })(
      params().messages,
      params(),
      context(),
    );
    await you.waitFor(SEND_BACK);
    expect(you.shown).toContain("Sampling request from weather-server…");
    expect(you.shown).not.toContain(MENU);
    you.type("y");
    await expect(answer).resolves.toMatchObject({ model: "fake-llm" });
  });

  it("context.signal aborting while the person decides closes the prompt; the handler never runs", async () => {
    const you = person();
    const llm = recorder();
    const controller = new AbortController();
    const answer = withApproval(llm.handler, { input: you.input, output: you.output })(
      params().messages,
      params(),
      context(controller.signal),
    );
    await you.waitFor(MENU);
    const reason = new Error("call cancelled");
    controller.abort(reason);
    await expect(answer).rejects.toBe(reason);
    expect(llm.calls).toHaveLength(0);
    expect(you.input.listenerCount("data")).toBe(0);
    expect(you.shown).toContain("(request cancelled)");
  });

  it("the wrapped handler gets the same context (and signal); aborting while it runs rejects", async () => {
    const you = person();
    const controller = new AbortController();
    let seen: RequestContext | undefined;
    const slow = (_messages: SamplingMessage[], _params: SamplingParams, c: RequestContext) => {
      seen = c;
      return new Promise<string>((_resolve, reject) =>
        c.signal.addEventListener("abort", () => reject(c.signal.reason)),
      );
    };
    const ctx = context(controller.signal);
    const answer = withApproval(slow, { input: you.input, output: you.output, reviewRequest: false })(
      params().messages,
      params(),
      ctx,
    );
    await you.waitFor("Sampling request");
    expect(seen).toBe(ctx);
    controller.abort(new Error("gone"));
    await expect(answer).rejects.toThrow("gone");
  });

  it("stops waiting on a wrapped handler that ignores the signal", async () => {
    const you = person();
    const controller = new AbortController();
    const deaf = () => new Promise<string>(() => undefined);
    const answer = withApproval(deaf, { input: you.input, output: you.output, reviewRequest: false })(
      params().messages,
      params(),
      context(controller.signal),
    );
    await you.waitFor("Sampling request");
    controller.abort(new Error("no longer needed"));
    await expect(answer).rejects.toThrow("no longer needed");
    expect(you.shown).not.toContain(SEND_BACK);
  });
});
