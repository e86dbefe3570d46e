import { EXIT_OK, usageError } from "../errors.js";
import { forgetAll, forgetServer, oauthCacheDir } from "../oauth-cache.js";
import { parseCommand } from "../parse-command.js";
import { type CliIO, targetOptions } from "../session.js";
import { resolveTarget } from "../targets.js";

export const LOGOUT_HELP = `Usage: fastmcp-ts logout <target> | --all [--config <file>]

Forgets the OAuth login (tokens and client registration) the CLI cached for an HTTP server, so the
next call or list logs in again. <target> is the server's URL or its name in an mcpServers config.
Logins are cached under $XDG_CONFIG_HOME/fastmcp-ts/oauth (default ~/.config/fastmcp-ts/oauth).

Options:
  --all               forget every cached login
  --config <file>     mcpServers config to look <target> up in
  --trust-project     use ./mcp.json or ./.mcp.json from the current directory (else asked)
  -h, --help          show this help
`;

export async function runLogout(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand("logout", args, {
    all: { type: "boolean" },
    config: { type: "string" },
    "trust-project": { type: "boolean" },
  });
  if (values.help === true) {
    io.stdout.write(LOGOUT_HELP);
    return EXIT_OK;
  }
  const [target, ...extra] = positionals;
  if (extra.length > 0) throw usageError(`Unexpected argument "${extra[0]}".`, "logout");
  if (values.all === true) {
    if (target !== undefined) throw usageError("Give a <target> or --all, not both.", "logout");
    const urls = forgetAll(io.env);
    io.stdout.write(
      urls.length === 0
        ? `No cached logins in ${oauthCacheDir(io.env)}.\n`
        : `Logged out of ${urls.join(", ")}.\n`,
    );
    return EXIT_OK;
  }
  if (target === undefined)
    throw usageError("logout needs a <target> (a URL or configured name), or --all.", "logout");
  const resolved = await resolveTarget(
    target,
    targetOptions(values.config, values["trust-project"] === true, io),
  );
  if (typeof resolved.target !== "string" || !/^https?:\/\//i.test(resolved.target))
    throw usageError(`${target} is not an HTTP server; only those have logins.`, "logout");
  const forgot = forgetServer(io.env, resolved.target);
  io.stdout.write(
    forgot ? `Logged out of ${resolved.target}.\n` : `No cached login for ${resolved.target}.\n`,
  );
  return EXIT_OK;
}
