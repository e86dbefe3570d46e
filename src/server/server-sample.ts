import { raceAbort } from "../abort.js";
import { type AnyCreateMessageResult, runSamplingHandler } from "../sampling/handler.js";
import type { ReplayRun } from "../sampling/replay.js";
import type { RequestContext, SamplingParams } from "../sampling/types.js";
import { usageFromMeta } from "../sampling/usage.js";
import type { ServerRuntime } from "./context.js";
import { principalOf } from "./principal.js";

export interface ServerSampleInput {
  runtime: ServerRuntime;
  params: SamplingParams;
  context: RequestContext;
  signal: AbortSignal;
  /** The 2026-07-28 replay run, when the call has one: it keeps the answer across rounds. */
  replay: Partial<Pick<ReplayRun, "serverAnswer">> | undefined;
  auth: import("@modelcontextprotocol/server").AuthInfo | undefined;
  call: string | undefined;
}

/**
 * One sample answered by the server's own handler — the server's owner pays for it. The caller's
 * budget is asked first (`samplingBudget`), and under 2026-07-28 the answer is kept in the request
 * state so no later round of the call runs it again. `fresh` is false for an answer kept from an
 * earlier round (already counted there).
 */
export async function answerOnServer(
  input: ServerSampleInput,
): Promise<{ response: AnyCreateMessageResult; fresh: boolean }> {
  const { runtime, params, context, signal } = input;
  const budget = runtime.samplingBudget;
  const run = async () => {
    const request = {
      principal: principalOf(input.auth, runtime.principal),
      auth: input.auth,
      call: input.call,
      params,
    };
    if (budget !== undefined) await budget.admit(request);
    const response = await raceAbort(runSamplingHandler(runtime.samplingHandler!, params, context), signal);
    budget?.record?.(request, usageFromMeta(response._meta));
    return response;
  };
  if (input.replay?.serverAnswer !== undefined) {
    const { value, fresh } = await input.replay.serverAnswer(params, run);
    return { response: value, fresh };
  }
  return { response: await run(), fresh: true };
}
