#!/usr/bin/env bash
# The main job: judge the shipped example releases (a good one, a bad one and three harder cases)
# offline with `vigil judge`, exactly as the daemon judges live data, and print each verdict.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export FORCE_COLOR="${FORCE_COLOR:-}"
for scenario in good-release bad-release zero-baseline-errors slow-release thin-traffic; do
  echo
  set +e
  node bin/vigil.js judge "examples/scenarios/${scenario}.json" --format text
  code=$?
  set -e
  echo "  (exit code ${code}: 0 promote, 3 rollback, 4 inconclusive)"
done
