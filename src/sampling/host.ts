import type { AnyCreateMessageResult } from "./handler.js";
import type { SamplingParams } from "./types.js";

export interface CreateMessageOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Forward the answer's text deltas as progress when the server's own handler answers (and streams). */
  streamProgress?: boolean;
}

/** One sampling round trip, answered by whoever dispatch picks; what the tool loop builds on. */
export interface SamplingHost {
  createMessage(
    params: SamplingParams,
    options?: CreateMessageOptions,
  ): Promise<{ response: AnyCreateMessageResult; via: "client" | "server" }>;
}
