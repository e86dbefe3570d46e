// A client for the official conformance suite, built on fastmcp-ts's Client. The suite spawns it
// once per scenario with the server URL as the last argument and the scenario name in
// MCP_CONFORMANCE_SCENARIO; MCP_CONFORMANCE_PROTOCOL_VERSION (when given) picks the protocol era.
//   conformance client --command "node --import tsx examples/conformance-client.ts" --suite core
import { Client, type ClientOptions, type SamplingHandler } from "../src/index.js";

const url = process.argv.at(-1) ?? "";
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? "";
const version = process.env.MCP_CONFORMANCE_PROTOCOL_VERSION;
// 2026-07-28 and later are the stateless era; anything older (or nothing) is a 2025-era session.
const protocol: ClientOptions["protocol"] =
  version !== undefined && version >= "2026-07-28" ? "2026" : "2025";

// No scenario drives a client's sampling handler, but declaring sampling is part of what they check.
const samplingHandler: SamplingHandler = (messages) => `conformance client saw ${messages.length} message(s)`;

function newClient(extra: Pick<ClientOptions, "configureSdk"> = {}): Client {
  return new Client(url, {
    protocol,
    samplingHandler,
    name: "fastmcp-ts-conformance-client",
    timeoutMs: 20_000,
    ...extra,
  });
}

/** Connects, lists tools, calls the first one (the suite's mock serves `add_numbers`), closes. */
async function listAndCall(): Promise<void> {
  const client = await newClient().connect();
  try {
    const [tool] = await client.listTools();
    if (tool !== undefined) await client.callTool(tool.name, { a: 2, b: 3 });
  } finally {
    await client.close();
  }
}

/** Connects and lists tools only (the scenario's mock serves nothing else). */
async function listOnly(): Promise<void> {
  const client = await newClient().connect();
  try {
    await client.listTools();
  } finally {
    await client.close();
  }
}

/**
 * Accepts an elicitation with empty content and lets the SDK fill in the schema's defaults
 * (SEP-1034). The Client wraps the SDK client, and `configureSdk` reaches what it does not cover.
 */
async function elicitationDefaults(): Promise<void> {
  const client = newClient({
    configureSdk: (sdk) => {
      sdk.registerCapabilities({ elicitation: { form: { applyDefaults: true } } });
      sdk.setRequestHandler("elicitation/create", async () => ({ action: "accept", content: {} }));
    },
  });
  await client.connect();
  try {
    await client.callTool("test_client_elicitation_defaults", {});
  } finally {
    await client.close();
  }
}

const scenarios: Record<string, () => Promise<void>> = {
  initialize: listAndCall,
  tools_call: listAndCall,
  "sse-retry": listAndCall,
  "request-metadata": listOnly,
  "json-schema-ref-no-deref": listOnly,
  "elicitation-sep1034-client-defaults": elicitationDefaults,
};

const run = scenarios[scenario] ?? listAndCall;
try {
  await run();
  process.exit(0);
} catch (error) {
  console.error(`conformance client (${scenario}, protocol ${protocol}):`, error);
  process.exit(1);
}
