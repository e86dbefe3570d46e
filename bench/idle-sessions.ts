// Section 5: memory per idle 2025-era HTTP session — open N sessions (initialize + initialized, no
// GET stream, nothing else), full GC in the server, and divide the RSS and heap growth by N.

import { legacyInitialize } from "../test/helpers/raw-http.js";
import { type ChildServer, startChildServer } from "./lib/child-server.js";
import { QUICK, section } from "./lib/section.js";
import { round } from "./lib/stats.js";

const HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

async function openSession(url: string, i: number): Promise<string> {
  const response = await fetch(url, {
    method: "POST",
    headers: HEADERS,
    body: JSON.stringify(legacyInitialize({ sampling: {} }, `idle-${i}`)),
  });
  await response.text();
  const session = response.headers.get("mcp-session-id");
  if (!response.ok || session === null) throw new Error(`initialize failed: HTTP ${response.status}`);
  const initialized = await fetch(url, {
    method: "POST",
    headers: { ...HEADERS, "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" },
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  await initialized.text();
  return session;
}

export interface IdleRow {
  server: string;
  sessions: number;
  rssBytesPerSession: number;
  heapBytesPerSession: number;
  baselineRssMb: number;
}

async function measure(name: string, file: string, sessions: number): Promise<IdleRow> {
  const server: ChildServer = await startChildServer(file);
  try {
    for (let i = 0; i < 20; i++) await openSession(server.url, i); // warm the code paths, then measure from here
    const before = await server.gcStats();
    for (let i = 0; i < sessions; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, sessions - i) }, (_, j) => openSession(server.url, i + j)),
      );
    }
    const after = await server.gcStats();
    return {
      server: name,
      sessions,
      rssBytesPerSession: round((after.rss - before.rss) / sessions, 0),
      heapBytesPerSession: round((after.heapUsed - before.heapUsed) / sessions, 0),
      baselineRssMb: round(before.rss / 2 ** 20),
    };
  } finally {
    await server.stop();
  }
}

await section(import.meta.url, async () => {
  const sessions = QUICK ? 100 : 1000;
  const rows = [
    await measure("fastmcp-ts", "ours.ts", sessions),
    await measure("SDK v2 (raw)", "sdk-v2-http.ts", sessions),
  ];
  return { sessions, rows };
});
