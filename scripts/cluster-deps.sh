#!/usr/bin/env bash
# The cluster suite runs real redis-server, nginx and haproxy (Debian packages): install whichever
# is missing. Nothing is started here; the tests start each on a loopback port and stop it by PID.
set -euo pipefail
missing=()
for pair in redis-server:redis-server nginx:nginx haproxy:haproxy; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${pair%%:*}" ] || missing+=("${pair##*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Debian's packages start their services on install where an init system runs; the suite never
  # uses those (default ports), it starts its own.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
