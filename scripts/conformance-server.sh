#!/usr/bin/env bash
# Runs the official MCP conformance suites against examples/conformance/server.ts
# on one runtime: 0.1.16 `server --suite all`, and 0.2.0-alpha.12 `server` for the
# 2025-11-25 and 2026-07-28 requirement sets. Exits non-zero on any failure.
# Usage: scripts/conformance-server.sh deno|bun|node
set -uo pipefail
cd "$(dirname "$0")/.."
runtime="${1:?usage: $0 deno|bun|node}"
bin="$PWD/node_modules/.bin"
node="$bin/node"
logs="${CONFORMANCE_LOGS:-.cache/conformance}"
mkdir -p "$logs"

port=$("$node" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
case "$runtime" in
  deno) cmd=("$bin/deno" run -A examples/conformance/server.ts) ;;
  bun) cmd=("$bin/bun" run examples/conformance/server.ts) ;;
  node) cmd=("$node" examples/conformance/server.ts) ;;
  *) echo "unknown runtime: $runtime" >&2; exit 2 ;;
esac
PORT="$port" "${cmd[@]}" >"$logs/server-$runtime.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null' EXIT

url="http://127.0.0.1:$port/mcp"
for _ in $(seq 1 100); do
  if "$node" -e "fetch('$url',{method:'POST',headers:{'content-type':'application/json'},body:'{}'}).then(()=>process.exit(0),()=>process.exit(1))"; then
    break
  fi
  sleep 0.2
done

status=0
run() {
  local name="$1"; shift
  local log="$logs/$runtime-$name.log"
  timeout 600 "$node" "$@" --url "$url" >"$log" 2>&1
  local code=$?
  local total
  total=$(grep -E '^(Total|Passed):' "$log" | tail -1)
  if [ "$code" -ne 0 ]; then
    status=1
    echo "conformance server $runtime $name: FAILED (exit $code) $total — see $log"
    grep -E '^✗|FAILURE' "$log" | head -20
  else
    echo "conformance server $runtime $name: ok $total"
  fi
}
run "0.1.16-all" node_modules/conformance-current/dist/index.js server --suite all
run "0.2.0-alpha.12-2025-11-25" node_modules/conformance-next/dist/index.js server --requirements 2025-11-25
run "0.2.0-alpha.12-2026-07-28" node_modules/conformance-next/dist/index.js server --requirements 2026-07-28
# The skills extension (SEP-2640) is in no requirement set, so its scenarios run by name. The
# fixture declares everything they exercise: a skipped sep-2640 check is a failure here.
for scenario in sep-2640-skills-enumeration sep-2640-skills-manifest sep-2640-skills-directory; do
  run "0.2.0-alpha.12-$scenario" node_modules/conformance-next/dist/index.js server --scenario "$scenario"
  checks=$(grep -E '\[sep-2640-[^]]*\]' "$logs/$runtime-0.2.0-alpha.12-$scenario.log")
  skipped=$(grep -c SKIPPED <<<"$checks")
  if [ -z "$checks" ] || [ "$skipped" -ne 0 ]; then
    status=1
    echo "conformance server $runtime $scenario: $skipped sep-2640 check(s) SKIPPED of $(grep -c . <<<"$checks")"
  fi
done
exit $status
