#!/usr/bin/env bash
# The whole test suite: static checks (deno check, lint, fmt, publish dry-run),
# the unit tests on Deno, Bun and Node, and the official conformance suites
# (server and client) on each runtime. Prints one line per step and a final
# "N passed, N failed" line; exits non-zero if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/node_modules/.bin"
export PATH="$bin:$PATH"
export DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
logs=".cache/test-logs"
mkdir -p "$logs"
passed=0
failed=0
failures=()

step() {
  local name="$1"; shift
  local log="$logs/${name//[^A-Za-z0-9_.-]/_}.log"
  local start=$SECONDS
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "ok   $name ($((SECONDS - start))s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "FAIL $name ($((SECONDS - start))s) — log: $log"
    tail -n 40 "$log" | sed 's/^/     /'
  fi
  grep -E '^(conformance|ℹ (pass|fail)|ok \||FAILED \||[0-9]+ pass|[0-9]+ fail)' "$log" 2>/dev/null | sed 's/^/     /' | head -12
}

unit_files() { find tests -name '*.test.ts' | sort; }

step "deno check" deno check mod.ts $(unit_files) examples/ bench/
step "deno lint" deno lint
step "deno fmt --check" deno fmt --check
step "deno publish --dry-run" deno publish --dry-run --allow-dirty

step "unit tests (deno)" deno test -A $(unit_files)
step "unit tests (bun)" bun test --timeout 60000 $(unit_files | sed 's|^|./|')
step "unit tests (node)" node --test --test-timeout=120000 $(unit_files)

for runtime in deno bun node; do
  step "conformance server ($runtime)" bash scripts/conformance-server.sh "$runtime"
  if [ -f scripts/conformance-client.sh ]; then
    step "conformance client ($runtime)" bash scripts/conformance-client.sh "$runtime"
  fi
done

echo
if [ "$failed" -gt 0 ]; then
  echo "failed steps: ${failures[*]}"
fi
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
