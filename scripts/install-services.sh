#!/usr/bin/env bash
# Installs the Debian packages of the servers that connector tests and `brainhub services` run:
# PostgreSQL with the wal2json logical decoding plugin (log-based reads), MariaDB, Redis
# and RabbitMQ; Node.js with Azurite (Azure Blob Storage's emulator, pinned in tools/azurite);
# and the headless Chromium the monitoring page's browser tests drive (never downloaded by
# Playwright).
# Tests start and stop their own private instances on 127.0.0.1; nothing is left running.
set -euo pipefail
missing_of() {
  local p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done
}
install() {
  [ $# -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-services: need root to install: $* (run: sudo $0)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  [ -n "${updated:-}" ] || { apt-get update -qq; updated=1; }
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  installed=1
}
installed=
# shellcheck disable=SC2046
install $(missing_of postgresql mariadb-server redis-server rabbitmq-server chromium chromium-driver)
# Node.js from Debian unless one is installed already (any source will do)
command -v npm >/dev/null || install nodejs npm
# wal2json is packaged per PostgreSQL major version
pg_major=$(ls /usr/lib/postgresql | sort -n | tail -1)
# shellcheck disable=SC2046
install $(missing_of "postgresql-${pg_major}-wal2json")
# Azurite from the npm registry, exactly as tools/azurite/package-lock.json pins it
azurite="$(dirname "$0")/../tools/azurite"
if [ ! -f "$azurite/node_modules/.installed" ] || [ "$azurite/package-lock.json" -nt "$azurite/node_modules/.installed" ]; then
  npm ci --prefix "$azurite" --omit=dev --no-audit --no-fund --loglevel=error >/dev/null
  touch "$azurite/node_modules/.installed"
fi
[ -n "$installed" ] || exit 0
# Debian starts the packaged servers; tests and `brainhub services` run their own, so stop them.
if command -v pg_ctlcluster >/dev/null; then
  for c in $(pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2}'); do pg_ctlcluster ${c%/*} ${c#*/} stop || true; done
fi
if command -v invoke-rc.d >/dev/null && [ -x /etc/init.d/mariadb ]; then
  invoke-rc.d mariadb stop >/dev/null 2>&1 || true
fi
for service in redis-server rabbitmq-server; do
  if command -v invoke-rc.d >/dev/null && [ -x "/etc/init.d/$service" ]; then
    invoke-rc.d "$service" stop >/dev/null 2>&1 || true
  fi
done
