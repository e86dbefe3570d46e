// Setup file of the `unit` project (vitest.config.ts): a unit test spawns no process and opens no
// socket. Each attempt is refused and recorded, and the test that made it fails even if its code
// caught the refusal — so a file that needs a process or a port cannot sit in `unit` by mistake.
// Such a file belongs in `e2e`: remove it from UNIT_TESTS in vitest.config.ts.
import childProcess from "node:child_process";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";
import { afterEach } from "vitest";

const attempts: string[] = [];

function refuse(what: string): never {
  attempts.push(what);
  throw new Error(`A unit test may not ${what}: move this file to the e2e project (vitest.config.ts).`);
}

const processStarters = [
  "spawn",
  "spawnSync",
  "exec",
  "execSync",
  "execFile",
  "execFileSync",
  "fork",
] as const;
const writable = childProcess as unknown as Record<string, unknown>;
for (const name of processStarters) {
  writable[name] = (command: unknown) => refuse(`start a process (${name} ${String(command)})`);
}
// `import { spawn } from "node:child_process"` reads the live builtin exports only after this sync.
syncBuiltinESMExports();

net.Server.prototype.listen = function listen(): never {
  return refuse("listen on a port");
};
net.Socket.prototype.connect = function connect(): never {
  return refuse("open a network connection");
};

afterEach(() => {
  if (attempts.length === 0) return;
  const seen = attempts.splice(0);
  throw new Error(`This unit test tried to ${seen.join("; ")}. Move its file to the e2e project.`);
});
