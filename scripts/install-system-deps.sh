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
# make bench's peer: Apache httpd with mod_auth_openidc, started by the bench on its own port and config.
command -v apache2 >/dev/null 2>&1 || [ -x /usr/sbin/apache2 ] || need+=(apache2)
[ -f /usr/lib/apache2/modules/mod_auth_openidc.so ] || need+=(libapache2-mod-auth-openidc)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-deps: missing ${need[*]}; run as root or install them first" >&2
  exit 1
fi
echo "install-system-deps: installing ${need[*]}" >&2
apt-get update -qq
# The system's Apache must not start and listen on port 80: while installing, a policy-rc.d that
# refuses its services (invoke-rc.d and deb-systemd-invoke ask it), unless one is already there.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\ncase "$1" in apache2|apache-htcacheclean) exit 101 ;; esac\nexit 0\n' >"$policy"
  chmod 755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Nor at boot; and stopped, should a policy already there have let it start (only an Apache this run installed).
if [[ " ${need[*]} " == *" apache2 "* ]]; then
  systemctl disable --now apache2.service apache-htcacheclean.service >/dev/null 2>&1 || true
  [ -d /run/systemd/system ] || apache2ctl stop >/dev/null 2>&1 || true
fi
