// Real infrastructure for the cluster suite: redis-server, nginx and haproxy from Debian, each on a
// free loopback port with its own temporary directory, and fastmcp-ts instances as child processes.
// Everything is stopped by the PID we started (scripts/cluster-deps.sh installs the packages).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../helpers/sdk-peers.js";

export { freePort };

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX = import.meta.resolve("tsx");

export function binary(name: string): string {
  for (const dir of ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"]) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`${name} is not installed: run bash scripts/cluster-deps.sh`);
}

async function waitForPort(
  port: number,
  child: ChildProcess,
  what: string,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}): ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port}: ${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A started process and how to stop it, by its own PID. */
export interface Running {
  readonly pid: number;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function track(child: ChildProcess): Running {
  return {
    pid: child.pid!,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(child.pid!, signal);
      await exited;
    },
  };
}

function spawnLogged(command: string, args: string[], env?: Record<string, string>) {
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "pipe"],
    ...(env !== undefined && { env: { ...process.env, ...env } }),
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + String(chunk)).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { child, log: () => output };
}

export interface RedisServer extends Running {
  url: string;
  port: number;
  /** Stops redis-server (SIGKILL by default) and starts it again on the same port and data. */
  restart(signal?: NodeJS.Signals, downMs?: number): Promise<void>;
  /** Kills redis-server (SIGKILL by default) and leaves it down; `up` starts it again on the same data. */
  down(signal?: NodeJS.Signals): Promise<void>;
  up(): Promise<void>;
}

/** redis-server on a free port; append-only file on, so a restart keeps the sessions. */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "fastmcp-redis-"));
  const port = await freePort();
  const conf = join(dir, "redis.conf");
  writeFileSync(
    conf,
    [
      `port ${port}`,
      "bind 127.0.0.1",
      `dir ${dir}`,
      "appendonly yes",
      "appendfsync always",
      'save ""',
      "daemonize no",
      "protected-mode yes",
    ].join("\n"),
  );
  let current: Running;
  const launch = async () => {
    const { child, log } = spawnLogged(binary("redis-server"), [conf]);
    await waitForPort(port, child, "redis-server", log);
    current = track(child);
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return current.pid;
    },
    async restart(signal = "SIGKILL", downMs = 500) {
      await current.stop(signal);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await launch();
    },
    down: (signal = "SIGKILL") => current.stop(signal),
    up: launch,
    async stop() {
      await current.stop("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function render(template: string, values: Record<string, string>): string {
  let text = readFileSync(join(ROOT, template), "utf8");
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`{{${name}}}`, value);
  return text;
}

export interface Balancer extends Running {
  url: string;
  /** nginx only: one line per request, "<upstream> <status> "<session>" <body>". */
  accessLog(): string[];
}

/** nginx rendering deploy/nginx.conf: round robin over `ports`. */
export async function startNginx(ports: number[]): Promise<Balancer> {
  const prefix = mkdtempSync(join(tmpdir(), "fastmcp-nginx-"));
  for (const sub of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(prefix, sub));
  const port = await freePort();
  const conf = join(prefix, "nginx.conf");
  writeFileSync(
    conf,
    render("deploy/nginx.conf", {
      USER: process.getuid?.() === 0 ? "user root;" : "",
      PREFIX: prefix,
      PORT: String(port),
      UPSTREAMS: ports.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`).join("\n"),
    }),
  );
  execFileSync(binary("nginx"), ["-t", "-q", "-p", prefix, "-c", conf], { stdio: "pipe" });
  const { child, log } = spawnLogged(binary("nginx"), ["-p", prefix, "-c", conf]);
  await waitForPort(port, child, "nginx", log);
  const running = track(child);
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    pid: running.pid,
    accessLog: () => {
      const file = join(prefix, "access.log");
      return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
    },
    async stop() {
      await running.stop("SIGQUIT");
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/** haproxy rendering deploy/haproxy.cfg: sticky on the Mcp-Session-Id response header. */
export async function startHaproxy(ports: number[]): Promise<Balancer> {
  const dir = mkdtempSync(join(tmpdir(), "fastmcp-haproxy-"));
  const port = await freePort();
  const cfg = join(dir, "haproxy.cfg");
  writeFileSync(
    cfg,
    render("deploy/haproxy.cfg", {
      PORT: String(port),
      SERVERS: ports.map((p, i) => `  server i${i} 127.0.0.1:${p}`).join("\n"),
    }),
  );
  execFileSync(binary("haproxy"), ["-c", "-q", "-f", cfg], { stdio: "pipe" });
  const { child, log } = spawnLogged(binary("haproxy"), ["-db", "-f", cfg]);
  await waitForPort(port, child, "haproxy", log);
  const running = track(child);
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    pid: running.pid,
    accessLog: () => [],
    async stop() {
      await running.stop("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Instance extends Running {
  name: string;
  port: number;
  url: string;
}

/** One fastmcp-ts instance (test/cluster/server.ts) as a child process. */
export async function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const { child, log } = spawnLogged(
    process.execPath,
    ["--import", TSX, join(ROOT, "test/cluster/server.ts")],
    { ...env, INSTANCE: name, PORT: String(port) },
  );
  await waitForPort(port, child, `instance ${name}`, log);
  const running = track(child);
  return { name, port, url: `http://127.0.0.1:${port}/mcp`, pid: running.pid, stop: running.stop };
}
