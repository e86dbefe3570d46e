/** Exit codes: 0 ok, 1 tool error or runtime failure, 2 usage or configuration error. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** An error the CLI reports as one message and an exit code (no stack trace). */
export class CliError extends Error {
  readonly exitCode: number;
  /** The command whose `--help` the message should point to. */
  readonly command: string | undefined;

  constructor(message: string, exitCode: number, command?: string) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
    this.command = command;
  }
}

/** Wrong arguments: exit 2 with a pointer to `--help`. */
export function usageError(message: string, command?: string): CliError {
  return new CliError(message, EXIT_USAGE, command ?? "");
}

/** A configuration problem (no LLM, bad config file, unknown server name): exit 2. */
export function configError(message: string): CliError {
  return new CliError(message, EXIT_USAGE);
}
