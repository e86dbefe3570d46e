/**
 * `fastmcp-ts/google`: a sampling handler on the Gemini API through `@google/genai` (an optional
 * peer dependency, imported only when no client is passed).
 */
import type { GoogleGenAI } from "@google/genai";
import { FastMCPError } from "../errors.js";
import { selectModel } from "../sampling/model-selection.js";
import type {
  CreateMessageResultWithTools,
  RequestContext,
  SamplingHandlerObject,
  SamplingMessage,
  SamplingParams,
} from "../sampling/types.js";
import { traceGenAI } from "../telemetry/genai.js";
import { collectGoogleStream, fromGoogleResponse, toGoogleRequest } from "./google-mapping.js";
import {
  environmentSecrets,
  lazyClient,
  loadPeer,
  type ModelChoiceOptions,
  ProviderError,
  requireDefaultModel,
  type TokenCallback,
  tokenSink,
  toProviderError,
} from "./shared.js";

export type { ModelScores } from "../sampling/model-selection.js";
export { selectModel } from "../sampling/model-selection.js";
export {
  collectGoogleStream,
  fromGoogleResponse,
  type GoogleRequest,
  toGoogleContent,
  toGoogleRequest,
} from "./google-mapping.js";
export { type ModelChoiceOptions, ProviderError, type TokenCallback, type UsageMeta } from "./shared.js";

export interface GoogleSamplingHandlerOptions extends ModelChoiceOptions {
  /**
   * Your client (its key, base URL and HTTP options are used as you set them). Without one, a
   * client is made on first use from `GEMINI_API_KEY` (or `GOOGLE_API_KEY`).
   */
  client?: GoogleGenAI;
  /**
   * Stream the answer (`generateContentStream`) and call this with each text delta; the handler
   * still returns the whole result.
   */
  onToken?: TokenCallback;
}

export class GoogleSamplingHandler implements SamplingHandlerObject {
  readonly options: Readonly<GoogleSamplingHandlerOptions>;
  readonly #getClient: () => Promise<GoogleGenAI>;

  constructor(options: GoogleSamplingHandlerOptions) {
    requireDefaultModel("GoogleSamplingHandler", options, "gemini-2.5-flash");
    this.options = { ...options };
    this.#getClient = lazyClient(options.client, createDefaultClient);
  }

  async createMessage(
    messages: SamplingMessage[],
    params: SamplingParams,
    context: RequestContext,
  ): Promise<CreateMessageResultWithTools> {
    const model = selectModel(params.modelPreferences, this.options);
    return traceGenAI({ provider: "gcp.gemini", model, params }, () =>
      this.#generate(messages, params, context, model),
    );
  }

  async #generate(
    messages: SamplingMessage[],
    params: SamplingParams,
    context: RequestContext,
    model: string,
  ): Promise<CreateMessageResultWithTools> {
    const { contents, config } = toGoogleRequest(messages, params);
    const client = await this.#getClient();
    const request = { model, contents, config: { ...config, abortSignal: context.signal } };
    const onToken = tokenSink(this.options.onToken, context);
    try {
      const response =
        onToken === undefined
          ? await client.models.generateContent(request)
          : await collectGoogleStream(await client.models.generateContentStream(request), onToken);
      return fromGoogleResponse(response, model);
    } catch (error) {
      throw googleError(error, context.signal);
    }
  }
}

/**
 * `@google/genai` puts the whole error body in the message (`got status: 400 Bad Request. {"error":…}`);
 * the ProviderError names the status, Google's status code (`INVALID_ARGUMENT`) and its own message.
 */
function googleError(error: unknown, signal: AbortSignal): Error {
  const status = (error as { status?: unknown } | null)?.status;
  const message = error instanceof Error ? error.message : "";
  const json = message.indexOf("{");
  if (!signal.aborted && typeof status === "number" && json >= 0) {
    try {
      const body = JSON.parse(message.slice(json)) as { error?: { message?: unknown; status?: unknown } };
      const detail = typeof body.error?.message === "string" ? body.error.message : undefined;
      const type = typeof body.error?.status === "string" ? body.error.status : undefined;
      if (detail !== undefined) {
        return new ProviderError(
          "Google",
          `Google API error ${status}${type !== undefined ? ` (${type})` : ""}: ${detail}`,
          { status, ...(type !== undefined && { errorType: type }), cause: error },
        );
      }
    } catch {
      // Not JSON after all: the generic mapping below words it.
    }
  }
  return toProviderError("Google", error, signal, environmentSecrets());
}

async function createDefaultClient(): Promise<GoogleGenAI> {
  const { GoogleGenAI: Client } = await loadPeer(
    () => import("@google/genai"),
    "@google/genai",
    "fastmcp-ts/google",
  );
  const env = typeof process === "undefined" ? {} : process.env;
  const apiKey = env.GEMINI_API_KEY ?? env.GOOGLE_API_KEY;
  if (apiKey === undefined || apiKey === "") {
    throw new FastMCPError(
      "CONFIG",
      "GoogleSamplingHandler needs GEMINI_API_KEY (or GOOGLE_API_KEY), or pass { client }.",
    );
  }
  return new Client({ apiKey });
}
