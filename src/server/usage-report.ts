import type { AuthInfo, RequestId } from "@modelcontextprotocol/server";
import type {
  AnyCreateMessageResult,
  ProtocolEra,
  SamplingAnswerer,
  UsageEvent,
  UsageHook,
} from "../sampling/types.js";
import { splitCall, usageFromMeta } from "../sampling/usage.js";
import { type PrincipalOf, principalOf } from "./principal.js";

/** What the hook needs to know about the request that sampled. */
export interface UsageSource {
  call: string | undefined;
  requestId: RequestId;
  sessionId: string | undefined;
  auth: AuthInfo | undefined;
  era: ProtocolEra;
}

/** Calls the server's `onUsage` for one answer; returns its promise only when it made one. */
export function reportUsage(
  hook: UsageHook,
  source: UsageSource,
  response: AnyCreateMessageResult,
  via: SamplingAnswerer,
  principal: PrincipalOf | undefined,
): Promise<void> | undefined {
  const { method, target } = splitCall(source.call ?? "");
  const event: UsageEvent = {
    usage: usageFromMeta(response._meta),
    model: response.model,
    via,
    method,
    target,
    requestId: source.requestId,
    era: source.era,
  };
  if (method === "tools/call") event.tool = target;
  if (source.sessionId !== undefined) event.sessionId = source.sessionId;
  if (source.auth !== undefined) {
    event.auth = source.auth;
    // The same name sessions and request state are bound to, so budgets follow the real caller.
    event.principal = principalOf(source.auth, principal);
  }
  const outcome = hook(event);
  return outcome instanceof Promise ? outcome : undefined;
}
