// Reads a V8 .cpuprofile and splits self time by where the code lives (ours, SDK, zod, Node, GC).
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** fastmcp-ts's own code: its build (what the benchmark measures) or src/ (a section run alone). */
export function isOurs(url: string): boolean {
  return url.includes("/fastmcp-ts-bench/pkg/") || url.includes("/src/");
}

function shortUrl(url: string): string {
  return url
    .replace(/^.*\/fastmcp-ts-bench\/pkg\//, "dist/")
    .replace(/^.*node_modules\//, "")
    .replace(/^file:\/\/.*\/(src|bench)\//, "$1/");
}

export function bucketOf(url: string, fn: string): string {
  if (url === "")
    return fn === "(garbage collector)"
      ? "GC"
      : fn === "(idle)"
        ? "idle"
        : fn === "(program)"
          ? "V8/native"
          : "V8/native";
  if (isOurs(url)) return "fastmcp-ts";
  if (url.includes("/bench/")) return "bench harness";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) {
    const name = pkg[1]!;
    if (name === "@modelcontextprotocol/core") return "SDK core (protocol, schemas)";
    if (name.startsWith("@modelcontextprotocol/"))
      return `SDK ${name.slice("@modelcontextprotocol/".length)}`;
    if (name === "zod") return "zod (validation)";
    return name;
  }
  if (url.startsWith("node:")) return "Node internals";
  return "other";
}

/** Self time (ms) per bucket and per function, from the profile's samples. */
export function summariseProfile(path: string, top = 25) {
  const profile = JSON.parse(readFileSync(path, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const dt = deltas[i + 1] ?? 0;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + dt);
  }
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { url, functionName, lineNumber } = node.callFrame;
    const bucket = bucketOf(url, functionName);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + us);
    const short = shortUrl(url);
    const key = `${functionName || "(anonymous)"} ${short}:${lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const total = [...buckets].filter(([b]) => b !== "idle").reduce((sum, [, us]) => sum + us, 0);
  const sortDesc = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    busyMs: total / 1000,
    buckets: sortDesc(buckets).map(([name, us]) => ({ name, ms: us / 1000, share: us / total })),
    functions: sortDesc(functions)
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / total })),
  };
}

/** Inclusive time (ms) of every function whose code matches `filter`, summed over all its stack frames. */
export function inclusiveTimes(path: string, filter: (url: string) => boolean) {
  const profile = JSON.parse(readFileSync(path, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++)
    self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + (deltas[i + 1] ?? 0));
  const totals = new Map<string, number>();
  const walk = (id: number, active: Set<string>): number => {
    const node = byId.get(id)!;
    const { url, functionName, lineNumber } = node.callFrame;
    const key = filter(url)
      ? `${functionName || "(anonymous)"} ${shortUrl(url)}:${lineNumber + 1}`
      : undefined;
    const fresh = key !== undefined && !active.has(key);
    if (fresh) active.add(key!);
    let total = self.get(id) ?? 0;
    for (const child of node.children ?? []) total += walk(child, active);
    if (fresh) {
      active.delete(key!);
      totals.set(key!, (totals.get(key!) ?? 0) + total);
    }
    return total;
  };
  walk(profile.nodes[0]!.id, new Set());
  return [...totals].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: us / 1000 }));
}
