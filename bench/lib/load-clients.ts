// What a load-generating process runs: one client of a given kind, and the loop that keeps it busy.
import { StreamableHTTPClientTransport, Client as V2Client } from "@modelcontextprotocol/client";
import { Client } from "../../src/index.js";
import { ARGS, lastText, PLAIN_TOOL, plainText, samplingAnswer, TOOL } from "../servers/common.js";

export type Era = "2025" | "2026";
type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
export type ServerName = "fastmcp-ts" | "SDK v2 (raw)" | "tmcp" | "mcp-use" | "fastmcp (punkpeye)";
export interface Config {
  server: ServerName;
  client: "SDK v2 client" | "fastmcp-ts Client";
  era: Era;
  /**
   * "sampled" (section 3, the default): `summarize`, one sampling round trip. "plain" (section 3b):
   * `echo`, no sampling, and every tenth operation a `tools/list` instead (mcp-use's benchmark mix).
   */
  call?: "sampled" | "plain";
}

const EXPECTED = samplingAnswer(ARGS.text).content.text;
const EXPECTED_PLAIN = plainText(ARGS.text);
/** One operation in this many is a `tools/list` in the plain mix (1 list per 9 calls). */
const LIST_EVERY = 10;

export async function connectClient(
  config: Config,
  url: string,
  through: FetchLike = fetch,
): Promise<{ call: () => Promise<void>; close: () => Promise<void> }> {
  const plain = config.call === "plain";
  let operations = 0;
  if (config.client === "fastmcp-ts Client") {
    const client = new Client(url, {
      protocol: config.era,
      fetch: cutLongPosts(through),
      samplingHandler: (_messages, params) => samplingAnswer(lastText(params)),
    });
    // Section 3b compares servers, so it drives them all with the one client (see http-plain.ts).
    if (plain) throw new Error("the plain mix runs with the SDK v2 client only");
    await client.connect();
    return {
      call: async () => {
        if ((await client.callTool(TOOL, ARGS, { timeoutMs: CALL_TIMEOUT_MS })).text !== EXPECTED) {
          throw new Error("wrong answer");
        }
      },
      close: () => client.close(),
    };
  }
  const client = new V2Client(
    { name: "bench", version: "1.0.0" },
    {
      capabilities: { sampling: {} },
      ...(config.era === "2026" && { versionNegotiation: { mode: { pin: "2026-07-28" } } }),
    },
  );
  client.setRequestHandler("sampling/createMessage", (request) => samplingAnswer(lastText(request.params)));
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: cutLongPosts(through) }));
  return {
    call: async () => {
      const bounded = { timeout: CALL_TIMEOUT_MS, maxTotalTimeout: CALL_TIMEOUT_MS };
      if (plain && ++operations % LIST_EVERY === 0) {
        // Past the client's response cache: every list reaches the server.
        const listed = await client.listTools(undefined, { ...bounded, cacheMode: "bypass" });
        if (!listed.tools.some((tool) => tool.name === PLAIN_TOOL)) throw new Error("no echo tool listed");
        return;
      }
      const result = (await client.callTool(
        { name: plain ? PLAIN_TOOL : TOOL, arguments: ARGS },
        bounded,
      )) as {
        content: Array<{ text?: string }>;
      };
      if (result.content[0]?.text !== (plain ? EXPECTED_PLAIN : EXPECTED))
        throw new Error(`wrong answer ${JSON.stringify(result)}`);
    },
    close: () => client.close(),
  };
}

/** Every call is bounded, so a lost call costs at most this, not the SDK's 60 s default. */
const CALL_TIMEOUT_MS = 20_000;

/**
 * A POST's response is cut once it outlives any call: a call that timed out is cancelled, a cancelled
 * request gets no response, the SDK v2 and tmcp servers then leave its POST stream open, and neither
 * client aborts it, so without this it would hold one of the pool's connections for good. Other
 * requests (the long-lived GET streams) are left alone.
 */
function cutLongPosts(through: FetchLike): FetchLike {
  return (input, init) => {
    if (init?.method !== "POST") return through(input, init);
    const limit = AbortSignal.timeout(CALL_TIMEOUT_MS + 2_000);
    return through(input, { ...init, signal: init.signal ? AbortSignal.any([init.signal, limit]) : limit });
  };
}

export interface Sample {
  end: number;
  ms: number;
}

/** Runs `workers` loops per client until `stop()`; records each completed call's end time and latency. */
export function drive(clients: Array<{ call: () => Promise<void> }>, workers: number) {
  const samples: Sample[] = [];
  let errors = 0;
  let running = true;
  let firstError: string | undefined;
  const loops = clients.flatMap((client) =>
    Array.from({ length: workers }, async () => {
      while (running) {
        const start = performance.now();
        try {
          await client.call();
          const end = performance.now();
          samples.push({ end, ms: end - start });
        } catch (error) {
          errors++;
          const cause = (error as { cause?: { code?: string; message?: string } }).cause;
          firstError ??= `${(error as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ""}`;
        }
      }
    }),
  );
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return { samples, errors, firstError };
    },
  };
}
