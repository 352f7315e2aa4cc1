#!/usr/bin/env bash
# Installs the Debian packages of the servers that connector tests talk to.
# Tests start and stop their own private instances on 127.0.0.1; nothing is left running.
set -euo pipefail
packages=(postgresql mariadb-server)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "install-services: need root to install: ${missing[*]} (run: sudo $0)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts the packaged servers; tests and `brainhub services` run their own, so stop them.
if command -v pg_ctlcluster >/dev/null; then
  for c in $(pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2}'); do pg_ctlcluster ${c%/*} ${c#*/} stop || true; done
fi
if command -v invoke-rc.d >/dev/null && [ -x /etc/init.d/mariadb ]; then
  invoke-rc.d mariadb stop >/dev/null 2>&1 || true
fi
