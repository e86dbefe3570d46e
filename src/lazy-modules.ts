/**
 * Every module this library loads on first use, in one small file of its own (a separate chunk in
 * the build). Lazy because a process that only serves never needs the SDK's client half (~36 ms of
 * startup: it builds its own copy of the protocol schemas) nor the HTTP server; in one small file
 * because `tsx` rewrites each file holding a dynamic `import()` and attaches a source map to it,
 * which for the main bundle cost ~40 ms of a `tsx server.ts` start. So every lazy import of the
 * library's start-up chunks lives here, optional peers included (OpenTelemetry, jose, tsx).
 */
import type * as OtelApi from "@opentelemetry/api";

export type ClientSdk = typeof import("@modelcontextprotocol/client");
export type ClientStdioSdk = typeof import("@modelcontextprotocol/client/stdio");
export type HttpServerModule = typeof import("./server/http-server.js");

let clientSdk: Promise<ClientSdk> | undefined;
let stdioSdk: Promise<ClientStdioSdk> | undefined;

export function loadClientSdk(): Promise<ClientSdk> {
  clientSdk ??= import("@modelcontextprotocol/client");
  return clientSdk;
}

export function loadClientStdioSdk(): Promise<ClientStdioSdk> {
  stdioSdk ??= import("@modelcontextprotocol/client/stdio");
  return stdioSdk;
}

export function loadHttpServer(): Promise<HttpServerModule> {
  return import("./server/http-server.js");
}

export function loadOtelApi(): Promise<typeof OtelApi> {
  // A CommonJS package: the namespace also has `default`, which the type import leaves out.
  return import("@opentelemetry/api") as Promise<unknown> as Promise<typeof OtelApi>;
}

export function loadJose(): Promise<typeof import("jose")> {
  return import("jose");
}

export function loadTsxApi(): Promise<{ register: () => unknown }> {
  return import("tsx/esm/api");
}
