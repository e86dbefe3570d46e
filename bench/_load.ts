// ad-hoc: drive URL with SDK v2 clients for N seconds
import { StreamableHTTPClientTransport, Client as V2Client } from "@modelcontextprotocol/client";
import { ARGS, lastText, samplingAnswer, TOOL } from "./servers/common.js";
const [url, era, secs] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4] ?? 5)];
const clients = [];
for (let i = 0; i < 10; i++) {
  const c = new V2Client({ name: "b", version: "1" }, { capabilities: { sampling: {} }, ...(era === "2026" && { versionNegotiation: { mode: { pin: "2026-07-28" } } }) });
  c.setRequestHandler("sampling/createMessage", (r) => samplingAnswer(lastText(r.params)));
  await c.connect(new StreamableHTTPClientTransport(new URL(url)));
  clients.push(c);
}
let n = 0; const end = Date.now() + secs * 1000;
await Promise.all(clients.flatMap((c) => Array.from({ length: 5 }, async () => { while (Date.now() < end) { await c.callTool({ name: TOOL, arguments: ARGS }); n++; } })));
console.log("calls", n, n / secs);
process.exit(0);
