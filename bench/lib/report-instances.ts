// Section 6 of BENCHMARKS.md: several instances behind nginx and HAProxy (bench/instances.ts).
import type { InstancesResult } from "../instances.js";

export const INSTANCES_HEADING = "## 7. Several instances behind a balancer";

const f = (value: number | undefined, digits = 1) =>
  value === undefined || Number.isNaN(value) ? "–" : value.toFixed(digits);

export function instancesSection(r: InstancesResult | { failed: string } | undefined): string[] {
  const lines = [INSTANCES_HEADING, ""];
  if (r === undefined)
    return [...lines, "Not measured in this run (`npm run bench -- --only=instances`).", ""];
  if ("failed" in r) return [...lines, `Failed: ${r.failed}`, ""];
  if (r.date !== undefined) {
    lines.push(
      `Measured ${r.date.slice(0, 16).replace("T", " ")} UTC by \`npm run bench -- ${r.quick ? "--quick " : ""}--only=instances\`` +
        " (this section alone; a full `npm run bench` measures it with the others).",
    );
    lines.push("");
  }
  lines.push(
    "The cluster suite's server (`test/cluster/server.ts`: one tool that samples once) as 1 or 3 processes, behind " +
      "real nginx (`deploy/nginx.conf`, round robin; 2025 sessions in a real redis-server) or HAProxy " +
      "(`deploy/haproxy.cfg`, sticky on `Mcp-Session-Id`, no Redis), all on loopback. Load: " +
      `${r.rows[0]?.clients ?? "?"} fastmcp-ts Clients × 4 concurrent sampled calls each, measured for ${r.measureMs / 1000} s ` +
      "after a warm-up; every answer is checked against its own call's token. **On this 2-core machine the balancer, " +
      "Redis, the load generator and up to three servers share two cores, so three instances cannot be faster than " +
      "one: the point is that they are correct (0 errors, no crossed answer) and what the extra hops cost, not " +
      "scaling.** " +
      `The machine was shared with other work (1-minute load average ${f(r.load1)} on 2 cores when the section ended), ` +
      "so absolute numbers are noisy and only rough comparisons between rows hold.",
  );
  lines.push("");
  lines.push(
    [
      "| Era | Setup | calls/s | p50 (ms) | p99 (ms) | calls | errors |",
      "|---|---|---|---|---|---|---|",
      ...r.rows.map(
        (x) =>
          `| ${x.era} | ${x.name} | ${f(x.throughput, 0)} | ${f(x.p50Ms)} | ${f(x.p99Ms)} | ${x.calls} | ${x.errors}${x.firstError !== undefined ? ` (${x.firstError.slice(0, 60)})` : ""} |`,
      ),
    ].join("\n"),
  );
  lines.push("");
  lines.push(
    "Rows run one after another for a few seconds each, so other work on the machine weighs on each row " +
      "differently: a row slower than a more complex one says more about that moment than about the setup. What " +
      "holds in every run: 0 errors and no crossed answer in every setup.",
  );
  lines.push("");
  const routing = r.routing;
  if ("failed" in routing) lines.push(`Routing cost: failed (${routing.failed}).`);
  else {
    lines.push(
      `Cost of routing one sampling answer through Redis: two instances in one process sharing Redis, ${routing.calls} ` +
        "sequential 2025 calls whose requests all go to the first, in alternating batches whose sampling answer is " +
        "POSTed to the first (answered in place) or to the second (forwarded to the first over Redis pub/sub: one " +
        "publish, one Redis hop, one delivery to the waiting transport).",
    );
    lines.push("");
    lines.push(
      [
        "| | answered in place | forwarded through Redis | cost of forwarding |",
        "|---|---|---|---|",
        `| CPU of the process per call (µs) | ${f(routing.localCpuUs, 0)} | ${f(routing.routedCpuUs, 0)} | **${routing.cpuCostUs > 0 ? `${f(routing.cpuCostUs, 0)} µs` : `${f(routing.cpuCostUs, 0)} µs: below this run's noise`}** |`,
        `| wall clock, median (ms) | ${f(routing.localMedianUs / 1000, 2)} | ${f(routing.routedMedianUs / 1000, 2)} | ${f(routing.costUs, 0)} µs |`,
        `| wall clock, p10 difference | | | ${f(routing.p10CostUs, 0)} µs |`,
      ].join("\n"),
    );
    lines.push("");
    lines.push(
      "The CPU row is the robust figure on a busy machine (other processes do not inflate it); the wall-clock rows add " +
        "the Redis round trip and the wake-up of the subscriber, and on a shared machine they are dominated by scheduling.",
    );
  }
  lines.push("");
  return lines;
}

/** Replaces (or inserts before the profile section) section 6 in an existing BENCHMARKS.md. */
export function spliceInstances(markdown: string, section: string[]): string {
  const block = `${section.join("\n")}\n`;
  const start = markdown.indexOf(INSTANCES_HEADING);
  if (start >= 0) {
    const next = markdown.indexOf("\n## ", start + INSTANCES_HEADING.length);
    return markdown.slice(0, start) + block + (next >= 0 ? markdown.slice(next + 1) : "");
  }
  const later = /^## ([89]|1\d)\. /m.exec(markdown)?.index;
  const before = later ?? markdown.indexOf("## Where the time goes");
  if (before < 0) return `${markdown.trimEnd()}\n\n${block}`;
  return `${markdown.slice(0, before)}${block}\n${markdown.slice(before)}`;
}
