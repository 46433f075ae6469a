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
  log "building (tsc)"
  npx tsc -p tsconfig.build.json
}

ensure_node_modules
ensure_build
