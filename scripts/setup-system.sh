#!/usr/bin/env bash
# Installs the real servers the rehearsal and its tests run: nginx and php-fpm from Debian's packages.
# As root it installs what is missing; otherwise it says exactly what to install and stops.
set -euo pipefail
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
ls /usr/sbin/php-fpm* >/dev/null 2>&1 || missing+=(php-fpm)
command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "fpm-graceful: the rehearsal needs real servers that are not installed: ${missing[*]}." >&2
  echo "Install them as root, then run this again:" >&2
  echo "  apt-get update && apt-get install -y nginx php-fpm util-linux" >&2
  exit 2
fi
echo "fpm-graceful: installing ${missing[*]} from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# policy-rc.d keeps the packages' own services from starting: the rehearsal starts its own processes.
[ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d; }
apt-get install -y -q --no-install-recommends nginx php-fpm util-linux >/dev/null
