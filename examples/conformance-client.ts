// A client for the official conformance suite, built on fastmcp-ts's Client. The suite spawns it
// once per scenario with the server URL as the last argument and the scenario name in
// MCP_CONFORMANCE_SCENARIO; MCP_CONFORMANCE_PROTOCOL_VERSION (when given) picks the protocol era.
//   conformance client --command "node --import tsx examples/conformance-client.ts" --suite core
import { Client, type ClientOAuthOptions, type ClientOptions, type SamplingHandler } from "../src/index.js";

const url = process.argv.at(-1) ?? "";
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? "";
const version = process.env.MCP_CONFORMANCE_PROTOCOL_VERSION;
// 2026-07-28 and later are the stateless era; anything older (or nothing) is a 2025-era session.
const protocol: ClientOptions["protocol"] =
  version !== undefined && version >= "2026-07-28" ? "2026" : "2025";

// No scenario drives a client's sampling handler, but declaring sampling is part of what they check.
const samplingHandler: SamplingHandler = (messages) => `conformance client saw ${messages.length} message(s)`;

/**
 * OAuth for the auth/* scenarios. The suite's authorization server approves at once, so the
 * "browser" only follows the authorization URL and hands back where it redirects. The client ID
 * metadata URL is the one the suite expects (auth/basic-cimd); pre-registered credentials arrive in
 * MCP_CONFORMANCE_CONTEXT (auth/pre-registration).
 */
function oauth(): ClientOAuthOptions | undefined {
  if (!scenario.startsWith("auth/")) return undefined;
  const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? "{}") as {
    client_id?: string;
    client_secret?: string;
  };
  return {
    redirectUrl: "http://localhost:3000/callback",
    clientMetadataUrl: "https://conformance-test.local/client-metadata.json",
    authorize: async (authorizationUrl) => {
      const response = await fetch(authorizationUrl, { redirect: "manual" });
      const location = response.headers.get("location");
      if (location === null)
        throw new Error(`The authorization endpoint answered ${response.status}, no redirect`);
      return location;
    },
    ...(context.client_id !== undefined && { clientId: context.client_id }),
    ...(context.client_secret !== undefined && { clientSecret: context.client_secret }),
  };
}

const auth = oauth();

function newClient(extra: Pick<ClientOptions, "configureSdk"> = {}): Client {
  return new Client(url, {
    protocol,
    samplingHandler,
    name: "fastmcp-ts-conformance-client",
    timeoutMs: 20_000,
    ...(auth !== undefined && { auth }),
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
