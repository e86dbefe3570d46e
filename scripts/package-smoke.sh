#!/usr/bin/env bash
# The packed package as a new user gets it: `npm pack`, then a fresh app with only the tarball and
# zod installed. Checks the demo, `run --transport http` on a file that calls server.run() itself,
# `call --llm none` against a server with its own LLM, a clear error for a .ts file without tsx,
# a clean install (no EBADENGINE), and publint / attw on the package.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

[[ -f dist/cli/main.mjs ]] || npm run build

work=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "package smoke: FAILED: $*" >&2
  exit 1
}

echo "package smoke: publint and attw"
npx publint --strict
npx attw --pack . --profile esm-only

tarball=$(npm pack --silent --pack-destination "$work" | tail -1)
mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
echo "package smoke: installing $tarball and zod into a fresh app"
npm install --no-audit --no-fund "$work/$tarball" zod >install.log 2>&1 || { cat install.log; fail "npm install"; }
if grep -q EBADENGINE install.log; then cat install.log; fail "EBADENGINE while installing the package"; fi

# No LLM configured anywhere, no terminal: what CI and a fresh machine look like.
clean_env=(env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u ANTHROPIC_API_KEY -u FASTMCP_TS_LLM OLLAMA_HOST=127.0.0.1:9 NO_COLOR=1)

echo "package smoke: npx fastmcp-ts demo"
"${clean_env[@]}" npx fastmcp-ts demo </dev/null >demo.log 2>&1 || { cat demo.log; fail "demo exited non-zero"; }
grep -q "Done: 4/4 tools succeeded" demo.log || { cat demo.log; fail "demo did not finish its four tools"; }

cat >self-run.mjs <<'JS'
import { FastMCP } from "fastmcp-ts";
const server = new FastMCP({ name: "self-run" });
server.tool({ name: "hi", execute: () => "hello from a file that calls run() itself" });
await server.run();
JS
echo "package smoke: run --transport http on a file that calls server.run() itself"
# The bin itself (not npx), so the signal below reaches the server and not npm.
"${clean_env[@]}" ./node_modules/.bin/fastmcp-ts run self-run.mjs --transport http --port 0 </dev/null >run.log 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 300); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/mcp' run.log | head -1 || true)
  [[ -n "$url" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat run.log; fail "run exited instead of serving HTTP"; }
  sleep 0.1
done
[[ -n "$url" ]] || { cat run.log; fail "run never said where it serves"; }
answer=$("${clean_env[@]}" npx fastmcp-ts call "$url" hi </dev/null)
[[ "$answer" == "hello from a file that calls run() itself" ]] || fail "call over HTTP answered: $answer"
kill -INT "$server_pid"
wait "$server_pid" || fail "run did not stop cleanly on SIGINT"
server_pid=""

cat >own-llm.mjs <<'JS'
import { FastMCP } from "fastmcp-ts";
import { z } from "zod";
const server = new FastMCP({ name: "own-llm", samplingHandler: () => "the server's own answer" });
server.tool({
  name: "ask",
  parameters: z.object({ prompt: z.string() }),
  execute: async ({ prompt }, ctx) => {
    const answer = await ctx.sample(prompt);
    return `${answer.via}|${answer.text}`;
  },
});
export default server;
JS
echo "package smoke: call --llm none against a server with its own handler"
answer=$("${clean_env[@]}" npx fastmcp-ts call own-llm.mjs ask prompt=hi --llm none </dev/null)
[[ "$answer" == "server|the server's own answer" ]] || fail "call --llm none answered: $answer"

echo "package smoke: a .ts server file without tsx says what to install"
cp own-llm.mjs own-llm.ts
set +e
"${clean_env[@]}" npx fastmcp-ts list own-llm.ts </dev/null >tsx.log 2>&1
code=$?
set -e
[[ $code -ne 0 ]] && grep -q "needs tsx" tsx.log || { cat tsx.log; fail "a .ts file without tsx gave no clear error (exit $code)"; }

echo "package smoke: all good ($(du -k "$work/$tarball" | cut -f1) kB tarball)"
