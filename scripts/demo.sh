#!/usr/bin/env bash
# The main job: start Redis, Prometheus, the demo shop (baseline, a healthy and a faulty canary)
# and Vigil on free loopback ports, verify both releases live, print the verdicts, stop it all.
# `--offline` instead judges the shipped example scenarios with `vigil judge` (no services).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
if [ "${1:-}" = "--offline" ]; then
  # The offline judge on the shipped example scenarios (no services needed).
  for scenario in good-release bad-release zero-baseline-errors slow-release thin-traffic; do
    echo
    set +e
    node bin/vigil.js judge "examples/scenarios/${scenario}.json" --format text
    code=$?
    set -e
    echo "  (exit code ${code}: 0 promote, 3 rollback, 4 inconclusive)"
  done
  exit 0
fi
exec node dist/scripts/demo.js
