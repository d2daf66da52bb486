#!/usr/bin/env bash
# Runs the official MCP conformance suites against three instances of the conformance fixture
# server (on deno, bun and node) sharing one redis-server, behind a round-robin proxy that sends
# each request to the next instance: 0.1.16 `server --suite all`, and 0.2.0-alpha.12 `server`
# for the 2025-11-25 and 2026-07-28 requirement sets. Exits non-zero on any failure.
# examples/conformance/server.ts shares sessions, events, tasks and MRTR keys on REDIS_URL; the
# proxy is tests/store/fixtures/round_robin.ts. Usage: scripts/conformance-multi.sh [runtime…]
set -uo pipefail
cd "$(dirname "$0")/.."
runtimes=("$@")
[ ${#runtimes[@]} -eq 0 ] && runtimes=(deno bun node)
bin="$PWD/node_modules/.bin"
node="$bin/node"
logs="${CONFORMANCE_LOGS:-.cache/conformance}/multi"
mkdir -p "$logs"
free_port() {
  "$node" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
entry=examples/conformance/server.ts

pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null' EXIT
redis_server=$(command -v redis-server || echo /usr/bin/redis-server)
redis_port=$(free_port)
"$redis_server" --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$logs/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  grep -q "Ready to accept connections" "$logs/redis.log" && break
  sleep 0.1
done
export REDIS_URL="redis://127.0.0.1:$redis_port"

upstreams=()
for runtime in "${runtimes[@]}"; do
  port=$(free_port)
  case "$runtime" in
    deno) cmd=("$bin/deno" run -A "$entry") ;;
    bun) cmd=("$bin/bun" run "$entry") ;;
    node) cmd=("$node" "$entry") ;;
    *) echo "unknown runtime: $runtime" >&2; exit 2 ;;
  esac
  PORT="$port" "${cmd[@]}" >"$logs/server-$runtime.log" 2>&1 &
  pids+=($!)
  upstreams+=("http://127.0.0.1:$port")
done
proxy_port=$(free_port)
UPSTREAMS=$(IFS=,; echo "${upstreams[*]}") PORT="$proxy_port" \
  "$node" tests/store/fixtures/round_robin.ts >"$logs/proxy.log" 2>&1 &
pids+=($!)

ready() {
  "$node" -e "fetch('$1/mcp',{method:'POST',headers:{'content-type':'application/json'},body:'{}'}).then(()=>process.exit(0),()=>process.exit(1))"
}
for target in "${upstreams[@]}" "http://127.0.0.1:$proxy_port"; do
  for _ in $(seq 1 150); do ready "$target" && break; sleep 0.2; done
done
url="http://127.0.0.1:$proxy_port/mcp"
echo "conformance multi: ${runtimes[*]} ($entry) behind $url, redis on $redis_port"

status=0
run() {
  local name="$1"; shift
  local log="$logs/$name.log"
  rm -rf "$logs/$name-results"
  timeout 900 "$node" "$@" --url "$url" -o "$logs/$name-results" >"$log" 2>&1
  local code=$?
  local total
  total=$(grep -E '^(Total|Passed):' "$log" | tail -1)
  if [ "$code" -ne 0 ]; then
    status=1
    echo "conformance multi $name: FAILED (exit $code) $total — see $log"
  else
    echo "conformance multi $name: ok $total"
  fi
  # A failed scenario of a set that does not require it leaves the exit code 0: report it too.
  if grep -qE '^✗' "$log"; then
    status=1
    grep -E '^✗' "$log" | head -30
  fi
  # A scenario that ran no check proves nothing; the suite's own placeholder (every check
  # SKIPPED upstream, e.g. tasks-status-notifications awaiting its harness rewrite) excepted.
  local scenario
  for scenario in $(grep -E '^(✓|✗) [^:]+: 0 passed, 0 failed' "$log" | sed -E 's/^[^ ]+ ([^:]+):.*/\1/'); do
    if ! grep -q '"status": "SKIPPED"' "$logs/$name-results"/server-"$scenario"-*/checks.json 2>/dev/null ||
      grep -q '"status": "\(SUCCESS\|FAILURE\|WARNING\)"' "$logs/$name-results"/server-"$scenario"-*/checks.json; then
      status=1
      echo "conformance multi $name: scenario $scenario ran no check"
    fi
  done
}
run "0.1.16-all" node_modules/conformance-current/dist/index.js server --suite all
run "0.2.0-alpha.12-2025-11-25" node_modules/conformance-next/dist/index.js server --requirements 2025-11-25
run "0.2.0-alpha.12-2026-07-28" node_modules/conformance-next/dist/index.js server --requirements 2026-07-28
exit $status
