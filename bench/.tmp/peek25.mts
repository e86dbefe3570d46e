import { StreamableHTTPClientTransport, Client as V2Client } from "@modelcontextprotocol/client";
import { ARGS, lastText, samplingAnswer, TOOL } from "../servers/common.ts";
const url = process.argv[2]!;
const log: string[] = [];
const f = async (input: string | URL | Request, init?: RequestInit) => {
  const r = await fetch(input, init);
  const h = [...r.headers].filter(([k]) => !["date"].includes(k)).map(([k, v]) => `${k}=${v}`).join(" ");
  log.push(`${init?.method} ${String(init?.body ?? "").slice(0, 60)} -> ${r.status} ${h}`);
  return r;
};
const c = new V2Client({ name: "b", version: "1" }, { capabilities: { sampling: {} } });
c.setRequestHandler("sampling/createMessage", (r) => samplingAnswer(lastText(r.params)));
await c.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: f }));
log.push("--- call");
await c.callTool({ name: TOOL, arguments: ARGS });
await c.callTool({ name: TOOL, arguments: ARGS });
console.log(log.join("\n"));
process.exit(0);
