import type {
  ClientCapabilities,
  LoggingLevel,
  Client as SdkClient,
  ServerCapabilities,
} from "@modelcontextprotocol/client";
import {
  CLIENT_CAPABILITIES_META_KEY,
  LOG_LEVEL_META_KEY,
  mergeCapabilities,
} from "@modelcontextprotocol/server";
import { TASKS_EXTENSION } from "../tasks/types.js";

/**
 * The client capabilities a 2026-07-28 request should declare to this server, when they differ from
 * the client's own: the tasks extension is declared only to a server that offers it. Each request
 * carries its capabilities, and the server's SDK checks every key of them against its schema;
 * declaring an extension the server has no use for cost it ~3-5 µs per request (two per sampled
 * call), the largest difference between our and the SDK's in-memory call. Undefined: declare all.
 */
export function capabilitiesFor(
  own: ClientCapabilities,
  server: ServerCapabilities | undefined,
): ClientCapabilities | undefined {
  const extensions = own.extensions as Record<string, unknown> | undefined;
  if (extensions?.[TASKS_EXTENSION] === undefined) return undefined;
  const offered = (server?.extensions as Record<string, unknown> | undefined)?.[TASKS_EXTENSION];
  if (offered !== undefined) return undefined;
  const { [TASKS_EXTENSION]: _tasks, ...otherExtensions } = extensions;
  const { extensions: _all, ...rest } = own;
  return Object.keys(otherExtensions).length > 0
    ? ({ ...rest, extensions: otherExtensions } as ClientCapabilities)
    : rest;
}

/**
 * Runs `configure` (the configureSdk option) on the SDK client before it connects, and returns the
 * client's capabilities with what it registered: a request that declares its own capabilities must
 * declare those too, and the SDK has no public getter for them.
 */
export function configureAndCollect(
  client: SdkClient,
  own: ClientCapabilities,
  configure: ((sdk: SdkClient) => void) | undefined,
): ClientCapabilities {
  if (configure === undefined) return own;
  let capabilities = own;
  const register = client.registerCapabilities;
  const ownProperty = Object.hasOwn(client, "registerCapabilities");
  client.registerCapabilities = (added: ClientCapabilities) => {
    register.call(client, added);
    capabilities = mergeCapabilities(capabilities, added);
  };
  try {
    configure(client);
  } finally {
    // Back to the SDK's own method (the prototype's, unless the instance had one of its own).
    if (ownProperty) client.registerCapabilities = register;
    else delete (client as { registerCapabilities?: unknown }).registerCapabilities;
  }
  return capabilities;
}

export type RequestMeta = { _meta?: Record<string, unknown> };

/**
 * The `_meta` a 2026-07-28 request adds to the SDK's envelope (its keys win over the envelope's): the
 * log level asked for (2026-07-28 has no logging/setLevel) and the capabilities for this server.
 * `NONE` and the capabilities-only meta are shared objects: no allocation per call.
 */
export class RequestMetaFor {
  private readonly capabilitiesOnly: RequestMeta;

  constructor(private readonly capabilities: ClientCapabilities | undefined) {
    this.capabilitiesOnly =
      capabilities === undefined ? NONE : { _meta: { [CLIENT_CAPABILITIES_META_KEY]: capabilities } };
  }

  meta(level: LoggingLevel | undefined): RequestMeta {
    if (level === undefined) return this.capabilitiesOnly;
    return {
      _meta: {
        [LOG_LEVEL_META_KEY]: level,
        ...(this.capabilities !== undefined && { [CLIENT_CAPABILITIES_META_KEY]: this.capabilities }),
      },
    };
  }
}

const NONE: RequestMeta = {};
