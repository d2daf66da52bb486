#!/usr/bin/env bash
# Runs both MCP conformance client suites (0.1.16 "current" and 0.2.0-alpha "next") against
# examples/conformance/client.ts on one runtime. Usage: scripts/conformance-client.sh <deno|bun|node>
#
# Every scenario of `client --suite all`, auth/* included, is listed from the harness itself
# (`list --client`) and run one by one with --scenario (at most $JOBS at a time), which keeps each
# check and each exit code exactly as the harness reports it.
#
# A scenario that exits 0 with zero checks did not pass: every scenario (the skills extension's
# sep-2640-* included) must run at least one check and pass, and an empty scenario list fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=node_modules/.bin
runtime="${1:-}"
case "$runtime" in
  deno) cmd="$BIN/deno run -A examples/conformance/client.ts" ;;
  bun) cmd="$BIN/bun run examples/conformance/client.ts" ;;
  node) cmd="$BIN/node examples/conformance/client.ts" ;;
  *) echo "usage: $0 <deno|bun|node>" >&2; exit 2 ;;
esac

JOBS=${CONFORMANCE_JOBS:-8}
status=0
for suite in current next; do
  harness="node_modules/conformance-$suite/dist/index.js"
  mapfile -t scenarios < <("$BIN/node" "$harness" list --client | sed -n 's/^  - \([^ ]*\).*/\1/p')
  if [ ${#scenarios[@]} -eq 0 ]; then
    echo "conformance-$suite ($runtime): the harness listed no client scenario"
    status=1
    continue
  fi
  logdir=$(mktemp -d)
  pids=()
  for scenario in "${scenarios[@]}"; do
    # Bounded: each scenario is a harness plus a client process; all at once starves a 2-core machine.
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    "$BIN/node" "$harness" client --command "$cmd" --scenario "$scenario" \
      >"$logdir/${scenario//\//_}.log" 2>&1 &
    pids+=($!)
  done
  passed=0
  failed=()
  checks_passed=0
  checks_total=0
  for i in "${!scenarios[@]}"; do
    ok=0
    wait "${pids[$i]}" && ok=1
    counts=$(sed -n 's/^Passed: \([0-9]*\)\/\([0-9]*\),.*/\1 \2/p' "$logdir/${scenarios[$i]//\//_}.log" | tail -n 1)
    total_here=0
    if [ -n "$counts" ]; then
      checks_passed=$((checks_passed + ${counts% *}))
      checks_total=$((checks_total + ${counts#* }))
      total_here=${counts#* }
    fi
    if [ "$ok" -eq 1 ] && [ "$total_here" -gt 0 ]; then
      passed=$((passed + 1))
    else
      failed+=("${scenarios[$i]}")
    fi
  done
  total=${#scenarios[@]}
  echo "conformance-$suite ($runtime): $passed/$total scenarios passed, checks $checks_passed/$checks_total${failed:+; failed: ${failed[*]}}"
  for scenario in "${failed[@]}"; do
    echo "---- $scenario ----"
    tail -n 40 "$logdir/${scenario//\//_}.log"
  done
  [ ${#failed[@]} -eq 0 ] || status=1
  rm -rf "$logdir"
done
exit $status
