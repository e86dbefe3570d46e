import { EXIT_OK, usageError } from "../errors.js";
import { formatListing, type Listing } from "../format.js";
import { parseCommand } from "../parse-command.js";
import { terminal } from "../progress.js";
import { type CliIO, connectTarget, parseProtocol, parseSeconds } from "../session.js";

export const LIST_HELP = `Usage: fastmcp-ts list <target> [options]

Lists a server's tools (with their argument schemas), resources, resource templates and prompts.

  <target>   a server script (.ts/.js/.py), an http(s):// URL, or a server name from the mcpServers config

Options:
  --json              print everything as JSON (full schemas)
  --config <file>     mcpServers config (default: ~/.config/fastmcp-ts/mcp.json, or ./mcp.json /
                      ./.mcp.json once trusted)
  --trust-project     use ./mcp.json or ./.mcp.json from the current directory; without it you are
                      asked on a terminal, and the answer is kept for that file's exact content
  --protocol <p>      auto, 2025 or 2026 (default: auto for URLs, 2025 otherwise)
  --timeout <s>       give up after this many seconds (default 60)
  -h, --help          show this help

Exit codes: 0 ok, 1 the server failed, 2 usage or configuration error.
`;

export async function runList(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand("list", args, {
    json: { type: "boolean" },
    config: { type: "string" },
    "trust-project": { type: "boolean" },
    protocol: { type: "string" },
    timeout: { type: "string" },
  });
  if (values.help === true) {
    io.stdout.write(LIST_HELP);
    return EXIT_OK;
  }
  const [target, ...extra] = positionals;
  if (target === undefined) throw usageError("list needs a <target>.", "list");
  if (extra.length > 0) throw usageError(`Unexpected argument "${extra[0]}".`, "list");
  const protocol = parseProtocol(values.protocol, "list");
  const timeoutMs = parseSeconds(values.timeout, "--timeout", "list");
  const { client } = await connectTarget(
    target,
    values.config,
    {
      ...(protocol !== undefined && { protocol }),
      ...(timeoutMs !== undefined && { timeoutMs }),
    },
    io,
    values["trust-project"] === true,
  );
  try {
    // Ask only for what the server declared, so servers without resources or prompts list cleanly.
    const capabilities = client.sdk.getServerCapabilities() ?? {};
    const listing: Listing = {
      tools: capabilities.tools !== undefined ? await client.listTools() : [],
      resources: capabilities.resources !== undefined ? await client.listResources() : [],
      resourceTemplates: capabilities.resources !== undefined ? await client.listResourceTemplates() : [],
      prompts: capabilities.prompts !== undefined ? await client.listPrompts() : [],
    };
    io.stdout.write(
      values.json === true
        ? `${JSON.stringify(listing, null, 2)}\n`
        : formatListing(listing, terminal(io.stdout).style),
    );
    return EXIT_OK;
  } finally {
    await client.close().catch(() => undefined);
  }
}
