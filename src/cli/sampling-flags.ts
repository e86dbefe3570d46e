import type { ClientOptions } from "../client/client.js";
import { usageError } from "./errors.js";

/**
 * How much a server may make the CLI's LLM do. The CLI spends the user's API key on whatever a
 * server asks, so it caps `maxTokens` too (the library leaves that to the handler).
 */
export const DEFAULT_CLI_MAX_TOKENS = 4_096;

export const SAMPLING_LIMIT_OPTIONS = {
  "max-tokens": { type: "string" },
  "max-concurrent-samples": { type: "string" },
  "max-queued-samples": { type: "string" },
  "max-input-requests": { type: "string" },
  "max-sampling-bytes": { type: "string" },
} as const;

export const SAMPLING_LIMITS_HELP = `  --max-tokens <n>    largest maxTokens granted to a sampling request (default ${DEFAULT_CLI_MAX_TOKENS})
  --max-concurrent-samples <n>   sampling requests answered at once (default 8)
  --max-queued-samples <n>       sampling requests waiting for a slot; more are refused (default 64)
  --max-input-requests <n>       input requests one 2026-07-28 round may carry (default 64)
  --max-sampling-bytes <n>       largest sampling request and answer, in bytes (default 8388608)`;

type Values = Partial<Record<keyof typeof SAMPLING_LIMIT_OPTIONS, string | boolean | undefined>>;

function count(values: Values, name: keyof typeof SAMPLING_LIMIT_OPTIONS, command: string, min = 1) {
  const raw = values[name];
  if (raw === undefined || typeof raw === "boolean") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw usageError(`--${name} must be an integer >= ${min}, got "${raw}".`, command);
  return value;
}

/** The Client options the flags ask for (defaults where a flag is absent). */
export function samplingLimitsFrom(values: Values, command: string): Partial<ClientOptions> {
  const bytes = count(values, "max-sampling-bytes", command);
  const concurrent = count(values, "max-concurrent-samples", command);
  const queued = count(values, "max-queued-samples", command, 0);
  const perRound = count(values, "max-input-requests", command);
  return {
    maxTokensCap: count(values, "max-tokens", command) ?? DEFAULT_CLI_MAX_TOKENS,
    ...(concurrent !== undefined && { maxConcurrentSamples: concurrent }),
    ...(queued !== undefined && { maxQueuedSamples: queued }),
    ...(perRound !== undefined && { maxInputRequestsPerRound: perRound }),
    ...(bytes !== undefined && { maxSamplingRequestBytes: bytes, maxSamplingResultBytes: bytes }),
  };
}
