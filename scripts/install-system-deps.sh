#!/usr/bin/env bash
# Installs the Debian packages the local stack and the tests use, skipping what is already there.
set -euo pipefail
need=()
command -v nginx >/dev/null 2>&1 || need+=(nginx)
[ -f /usr/lib/nginx/modules/ngx_http_set_misc_module.so ] || need+=(libnginx-mod-http-set-misc)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v curl >/dev/null 2>&1 || need+=(curl)
# Proxies beyond nginx: Caddy's forward_auth; tinyproxy as a corporate egress proxy.
command -v caddy >/dev/null 2>&1 || need+=(caddy)
command -v tinyproxy >/dev/null 2>&1 || need+=(tinyproxy)
# The ldap source's directory (slapd, configured from scratch by the tests) and its client tools;
# htpasswd (apache2-utils) writes the htpasswd source's test files in every scheme.
command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ] || need+=(slapd)
command -v ldapsearch >/dev/null 2>&1 || need+=(ldap-utils)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
# The chart and image checks: unzip for helm (shipped in an npm package's zip), buildah and
# debootstrap to build the image without a Docker engine or registry, runc to run it.
command -v unzip >/dev/null 2>&1 || need+=(unzip)
command -v buildah >/dev/null 2>&1 || need+=(buildah)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
command -v runc >/dev/null 2>&1 || need+=(runc)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-deps: missing ${need[*]}; run as root or install them first" >&2
  exit 1
fi
echo "install-system-deps: installing ${need[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
