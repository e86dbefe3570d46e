import { fileURLToPath } from "node:url";
import { Client, type ClientOptions, type FastMCP } from "../../src/index.js";

export type TransportName = "memory" | "stdio" | "http";
export type EraName = "2025" | "2026";
export interface Cell {
  transport: TransportName;
  era: EraName;
}

export const TRANSPORTS: TransportName[] = ["memory", "stdio", "http"];
export const ERAS: EraName[] = ["2025", "2026"];

/** Every transport × era; narrow with the filters. */
export function cells(filter: { transports?: TransportName[]; eras?: EraName[] } = {}): Cell[] {
  const out: Cell[] = [];
  for (const transport of filter.transports ?? TRANSPORTS) {
    for (const era of filter.eras ?? ERAS) out.push({ transport, era });
  }
  return out;
}

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));

export interface Connected {
  client: Client;
  /** The in-process server (memory and http cells); undefined for stdio. */
  server: FastMCP | undefined;
  close(): Promise<void>;
}

/**
 * Starts fixture `name` (test/fixtures/<name>.ts, default export `(options) => FastMCP`) on the
 * cell's transport and connects a Client pinned to the cell's era.
 */
export async function connect(
  cell: Cell,
  name: string,
  serverOptions: Record<string, unknown> = {},
  clientOptions: ClientOptions = {},
): Promise<Connected> {
  const options: ClientOptions = { timeoutMs: 20_000, stderr: "pipe", ...clientOptions, protocol: cell.era };
  let server: FastMCP | undefined;
  let client: Client;
  if (cell.transport === "stdio") {
    client = new Client(
      {
        command: process.execPath,
        args: [
          "--import",
          import.meta.resolve("tsx"),
          `${FIXTURES}run-fixture.ts`,
          name,
          JSON.stringify(serverOptions),
        ],
      },
      options,
    );
  } else {
    const mod = (await import(`${FIXTURES}${name}.ts`)) as { default: (o: unknown) => FastMCP };
    server = mod.default(serverOptions);
    if (cell.transport === "http") {
      await server.run({ transport: "http", port: 0 });
      client = new Client(server.url!, options);
    } else {
      client = new Client(server, options);
    }
  }
  await client.connect();
  return {
    client,
    server,
    async close() {
      await client.close().catch(() => undefined);
      await server?.close();
    },
  };
}
