// The clients of the cluster suite: the official SDK v1 and v2 clients and our Client, in both
// eras, each answering a sampling request with `answer:<its prompt>` (so a crossed answer shows).
import { Client as V2Client, StreamableHTTPClientTransport as V2Http } from "@modelcontextprotocol/client";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as V1Http } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { Client, type SamplingMessage } from "../../src/index.js";

export type PeerKind = "sdk-v1" | "sdk-v2-2025" | "sdk-v2-2026" | "ours-2025" | "ours-2026";
export const PEER_KINDS: PeerKind[] = ["sdk-v1", "sdk-v2-2025", "sdk-v2-2026", "ours-2025", "ours-2026"];

export interface Peer {
  kind: PeerKind;
  era: "2025" | "2026";
  /** The tool's text; throws on a tool error or a failed request. */
  call(tool: string, args: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export interface PeerOptions {
  /** Bound on each call. */
  timeoutMs: number;
  /** Delay before each sampling answer (keeps calls in flight). */
  answerDelayMs?: () => number;
}

function promptText(messages: Array<{ content: unknown }>): string {
  const content = messages.at(-1)?.content as { type?: string; text?: string } | undefined;
  return content?.text ?? "<no text>";
}

function joinTexts(content: unknown): string {
  return ((content ?? []) as Array<{ type: string; text?: string }>)
    .filter((block) => block.type === "text")
    .map((block) => block.text)
    .join("\n");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function openPeer(kind: PeerKind, url: string, options: PeerOptions): Promise<Peer> {
  const delay = async () => {
    const ms = options.answerDelayMs?.() ?? 0;
    if (ms > 0) await sleep(ms);
  };
  const answer = async (messages: Array<{ content: unknown }>) => {
    await delay();
    return `answer:${promptText(messages)}`;
  };
  const checked = (result: { content?: unknown; isError?: boolean }) => {
    if (result.isError === true) throw new Error(`tool error: ${joinTexts(result.content)}`);
    return joinTexts(result.content);
  };

  if (kind === "sdk-v1") {
    const client = new V1Client({ name: "cluster-v1", version: "1" }, { capabilities: { sampling: {} } });
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => ({
      role: "assistant",
      content: { type: "text", text: await answer(request.params.messages) },
      model: "v1",
    }));
    await client.connect(new V1Http(new URL(url)));
    return {
      kind,
      era: "2025",
      call: async (name, args) =>
        checked(
          (await client.callTool({ name, arguments: args }, undefined, { timeout: options.timeoutMs })) as {
            content?: unknown;
            isError?: boolean;
          },
        ),
      close: () => client.close(),
    };
  }
  if (kind === "sdk-v2-2025" || kind === "sdk-v2-2026") {
    const client = new V2Client(
      { name: "cluster-v2", version: "1" },
      {
        capabilities: { sampling: {} },
        versionNegotiation: { mode: kind === "sdk-v2-2025" ? "legacy" : { pin: "2026-07-28" } },
      },
    );
    client.setRequestHandler("sampling/createMessage", async (request) => ({
      role: "assistant",
      content: { type: "text", text: await answer(request.params.messages) },
      model: "v2",
    }));
    await client.connect(new V2Http(new URL(url)));
    return {
      kind,
      era: kind === "sdk-v2-2025" ? "2025" : "2026",
      call: async (name, args) =>
        checked(
          (await client.callTool({ name, arguments: args }, { timeout: options.timeoutMs })) as {
            content?: unknown;
            isError?: boolean;
          },
        ),
      close: () => client.close(),
    };
  }
  const client = new Client(url, {
    protocol: kind === "ours-2025" ? "2025" : "2026",
    timeoutMs: options.timeoutMs,
    samplingHandler: (messages: SamplingMessage[]) => answer(messages),
  });
  await client.connect();
  return {
    kind,
    era: kind === "ours-2025" ? "2025" : "2026",
    async call(name, args) {
      const result = await client.callTool(name, args);
      if (result.isError) throw new Error(`tool error: ${result.text}`);
      return result.text;
    },
    close: () => client.close(),
  };
}

/** `count` peers, the kinds in turn. */
export async function openPeers(count: number, url: string, options: PeerOptions): Promise<Peer[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => openPeer(PEER_KINDS[i % PEER_KINDS.length]!, url, options)),
  );
}
