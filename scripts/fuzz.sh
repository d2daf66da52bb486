#!/usr/bin/env bash
# The longer, randomised fuzz run (not part of scripts/test.sh, which runs tests/fuzz with their
# fixed seeds). Each property runs FUZZ_RUNS times (default 20000) from FUZZ_SEED (default: a
# fresh random seed, printed so a failure can be replayed) on each runtime in FUZZ_RUNTIMES
# (default "deno bun node"). A failure names the seed, the run and the input.
#
#   bash scripts/fuzz.sh                      # random seed, 20000 runs a property, 3 runtimes
#   FUZZ_SEED=1234 FUZZ_RUNS=100000 bash scripts/fuzz.sh
#   FUZZ_RUNTIMES=node bash scripts/fuzz.sh tests/fuzz/sse.test.ts
#   FUZZ_RUNS=5000 bash scripts/fuzz.sh tests/fuzz/resp.test.ts   # the Redis reply parser
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH" DENO_NO_UPDATE_CHECK=1 NO_COLOR=1
export FUZZ_SEED="${FUZZ_SEED:-$(( (RANDOM << 15 | RANDOM) ))}"
export FUZZ_RUNS="${FUZZ_RUNS:-20000}"
runtimes="${FUZZ_RUNTIMES:-deno bun node}"
if [ "$#" -gt 0 ]; then files=("$@"); else mapfile -t files < <(find tests/fuzz -name '*.test.ts' | sort); fi
echo "FUZZ_SEED=$FUZZ_SEED FUZZ_RUNS=$FUZZ_RUNS runtimes: $runtimes"
failed=()
for runtime in $runtimes; do
  start=$SECONDS
  case "$runtime" in
    deno) deno test -A "${files[@]}" ;;
    bun) bun test --timeout 0 "${files[@]/#/./}" ;;
    node) node --test --test-timeout=0 "${files[@]}" ;;
    *) echo "unknown runtime $runtime"; false ;;
  esac
  status=$?
  echo "== $runtime: $([ "$status" -eq 0 ] && echo ok || echo FAILED) ($((SECONDS - start))s)"
  [ "$status" -eq 0 ] || failed+=("$runtime")
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzzing failed on: ${failed[*]} (replay with FUZZ_SEED=$FUZZ_SEED)"
  exit 1
fi
echo "fuzzing passed (FUZZ_SEED=$FUZZ_SEED FUZZ_RUNS=$FUZZ_RUNS)"
