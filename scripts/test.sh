#!/usr/bin/env bash
# The whole test suite, from a fresh clone: set-up, type check, lint, then every test.
# Ends with a plain "Tests: N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
echo "[test] type check" >&2
npx tsc -p tsconfig.json --noEmit
echo "[test] lint" >&2
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }

mkdir -p test-output
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-output/vitest.json "$@" || status=$?
node -e '
  const r = require("./test-output/vitest.json");
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true
exit "$status"
