#!/usr/bin/env bash
# Runs every benchmark under bench/ (each bench/*/bench.ts, plus bench/server/dispatch.ts) on
# Deno, Bun and Node, printing each one's tables. Not part of the test suite: slow and noisy.
# Run it on an otherwise idle machine. Usage: bash bench/run.sh [runtime...]  (default: all three)
set -uo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/node_modules/.bin"
export DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
runtimes=("$@")
[ ${#runtimes[@]} -eq 0 ] && runtimes=(node deno bun)

run_on() {
  case "$1" in
    node) "$bin/node" "$2" ;;
    deno) "$bin/deno" run -A "$2" ;;
    bun) "$bin/bun" run "$2" ;;
    *) echo "unknown runtime: $1" >&2; return 2 ;;
  esac
}

benches=(bench/*/bench.ts)
[ -f bench/server/dispatch.ts ] && benches+=(bench/server/dispatch.ts)
failed=0
for file in "${benches[@]}"; do
  [ -f "$file" ] || continue
  for runtime in "${runtimes[@]}"; do
    echo
    echo "=== $file on $runtime ==="
    start=$SECONDS
    if ! run_on "$runtime" "$file"; then
      failed=$((failed + 1))
      echo "FAILED: $file on $runtime"
    fi
    echo "($((SECONDS - start)) s)"
  done
done
[ "$failed" -eq 0 ] || { echo "$failed bench run(s) failed"; exit 1; }
