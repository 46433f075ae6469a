#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: Node dependencies (and, as Vigil grows, the services its
# demo and tests need). Safe to run again; does only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }

ensure_node_modules() {
  local stamp=node_modules/.package-lock.json
  if [ ! -d node_modules ] || [ package-lock.json -nt "$stamp" ]; then
    log "installing Node dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

ensure_build() {
  log "building (npm run build: tsc, then the incident templates beside the compiled code)"
  npm run build --silent
}

# Debian packages for the services the demo and the integration tests start themselves
# (they never rely on a system-wide running instance). VIGIL_SKIP_APT=1 skips this step.
ensure_apt_packages() {
  [ "${VIGIL_SKIP_APT:-0}" = 1 ] && return 0
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
  # The Alertmanager end-to-end test (test/integration/alertmanager-end-to-end.test.ts).
  [ -x /usr/bin/prometheus-alertmanager ] || missing+=(prometheus-alertmanager)
  # Journeys (probes/) drive Debian's Chromium through Playwright; Playwright cannot download its own.
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  log "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The packages start system services; Vigil starts its own instances on free ports.
  for service in redis-server prometheus prometheus-node-exporter prometheus-alertmanager; do
    $sudo systemctl disable --now "$service" >/dev/null 2>&1 || $sudo service "$service" stop >/dev/null 2>&1 || true
  done
}

ensure_apt_packages
ensure_node_modules
ensure_build
