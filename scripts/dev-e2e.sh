#!/usr/bin/env bash
# `fastmcp-ts dev` end to end: dev serves examples/http/dev-server.ts and starts the MCP Inspector
# itself (Node 22 from .tools/node22 via FASTMCP_INSPECTOR_NODE); headless Chromium then drives one
# sampled call per era, answered by hand in the Inspector's Sampling panel. Same installs as
# scripts/inspector-e2e.sh (Node 22, the Inspector, Debian's chromium); not part of `npm test`.
set -euo pipefail
exec bash "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/inspector-e2e.sh" --dev "$@"
