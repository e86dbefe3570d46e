import { type ParseArgsConfig, parseArgs } from "node:util";
import { usageError } from "./errors.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs with usage errors instead of TypeErrors; `--help` is always accepted. */
export function parseCommand<O extends Options>(command: string, args: string[], options: O) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageError(
      (error as Error).message.replace(/\. To specify a positional argument.*$/s, "."),
      command,
    );
  }
}
