#!/usr/bin/env bash
# The performance table (bench/perf/bench.ts): emcee against each runtime's raw limit and against
# the official SDK over Streamable HTTP, stdio, cold start and memory, on Deno, Bun and Node. It
# prints the table and writes bench/results/latest.md and latest.svg (~8 minutes; QUICK=1: ~2).
# The HTTP load comes from wrk, installed here with apt-get when missing (else fetch loops).
# ALL=1 also runs every other benchmark under bench/ (each bench/*/bench.ts, plus
# bench/server/dispatch.ts), printing each one's tables (several more minutes); bench/redis
# (legacy sessions on Redis, one against two instances) writes bench/results/redis.md.
# Not part of the test suite: slow and noisy; run it on an otherwise idle machine.
# Usage: [QUICK=1] [ALL=1] bash bench/run.sh [runtime...]  (default: all three)
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

if ! command -v wrk >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  echo "wrk not found: installing it (apt-get install -y wrk)"
  apt-get install -y wrk >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null 2>&1; } ||
    echo "could not install wrk: the HTTP load falls back to fetch loops"
fi

failed=0
echo "=== bench/perf/bench.ts on ${runtimes[*]} ==="
start=$SECONDS
"$bin/node" bench/perf/bench.ts "${runtimes[@]}" || { failed=1; echo "FAILED: bench/perf"; }
echo "($((SECONDS - start)) s)"
if [ "${ALL:-0}" != "1" ]; then
  [ "$failed" -eq 0 ] || exit 1
  exit 0
fi

benches=()
for file in bench/*/bench.ts; do
  case "$file" in bench/perf/bench.ts | bench/redis/bench.ts) ;; *) benches+=("$file") ;; esac
done
[ -f bench/server/dispatch.ts ] && benches+=(bench/server/dispatch.ts)
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
# bench/redis spawns its servers on each runtime itself, like bench/perf (~4 min, QUICK=1 ~1.5).
echo
echo "=== bench/redis/bench.ts on ${runtimes[*]} ==="
start=$SECONDS
"$bin/node" bench/redis/bench.ts "${runtimes[@]}" ||
  { failed=$((failed + 1)); echo "FAILED: bench/redis"; }
echo "($((SECONDS - start)) s)"
[ "$failed" -eq 0 ] || { echo "$failed bench run(s) failed"; exit 1; }
