#!/usr/bin/env bash
# Builds the Dockerfile with buildah (no Docker engine needed), storage under .tools/buildah.
# Without a reachable registry the base image is the local stand-in from image-base.sh.
#   usage: scripts/build-image.sh [TAG]   (default localhost/gatehouse:dev)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
store="${BUILDAH_ROOT:-$root/.tools/buildah}"
tag="${1:-localhost/gatehouse:dev}"
"$root/scripts/image-base.sh"
# The CA bundle the host trusts (it may include a TLS-intercepting proxy's) reaches npm in the
# build as a secret, so that the build gets through wherever the host does.
secret=()
for ca in "${NODE_EXTRA_CA_CERTS:-}" /etc/ssl/certs/ca-certificates.crt; do
  if [ -n "$ca" ] && [ -s "$ca" ]; then secret=(--secret "id=build-ca,src=$ca"); break; fi
done
# vfs and chroot isolation work as plain root anywhere (no overlay module, no nested namespaces);
# --pull-never uses the local base instead of asking a registry.
buildah --root "$store/storage" --runroot "$store/run" --storage-driver vfs \
  bud --isolation chroot --pull-never --quiet --layers=false "${secret[@]}" \
  --tag "$tag" --file "$root/Dockerfile" "$root" >/dev/null
echo "build-image: built $tag" >&2
# A rebuild leaves the previous image untagged; vfs stores every layer in full, so drop those.
buildah --root "$store/storage" --runroot "$store/run" --storage-driver vfs rmi --prune >/dev/null 2>&1 || true
