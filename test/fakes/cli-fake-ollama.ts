/**
 * A fake Ollama for the CLI's `--llm auto`/`ollama` tests: GET /api/tags lists models, and the
 * OpenAI-compatible POST /v1/chat/completions answers `ollama says: <last user text>`.
 */
import { type FakeHttpServer, startFakeHttp } from "./http-fake.js";
import { lastUserText, toChunks } from "./openai-server.js";

export function startFakeOllama(models: string[]): Promise<FakeHttpServer> {
  return startFakeHttp((call) => {
    if (call.method === "GET" && call.path === "/api/tags") {
      return { body: { models: models.map((name) => ({ name, model: name, size: 1 })) } };
    }
    if (call.method === "POST" && call.path === "/v1/chat/completions") {
      const completion = {
        id: "chatcmpl-ollama",
        object: "chat.completion",
        created: 1_700_000_000,
        model: call.body.model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: `ollama says: ${lastUserText(call.body)}` },
            finish_reason: "stop",
          },
        ],
      };
      // Ollama streams (stream: true) in the Chat Completions chunk format, like OpenAI.
      return call.body.stream === true ? { sse: toChunks(completion, false) } : { body: completion };
    }
    return { status: 404, body: { error: `no route ${call.method} ${call.path}` } };
  });
}
