#!/usr/bin/env bash
# Runs the conformance suite's authorization-server scenarios (0.2.0-alpha `authorization`)
# against examples/auth/server.ts on one runtime, for a public client and for a confidential one.
# Usage: scripts/conformance-authorization.sh <deno|bun|node>
#
# Each run gets its own server instance (the confidential one with PUBLIC_CLIENTS=0: the harness
# chooses `none` whenever the metadata offers it, even when given a secret) and its own callback
# port, registered up front through CLIENTS_JSON. Consent is automatic (AUTO_APPROVE=1), so the
# authorization URL the harness prints is driven by one plain HTTP GET that follows the redirect
# to the harness's callback. A run passes when the harness exits 0 and reports at least one check.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=node_modules/.bin
runtime="${1:-}"
case "$runtime" in
  deno) server=("$BIN/deno" run -A examples/auth/server.ts) ;;
  bun) server=("$BIN/bun" run examples/auth/server.ts) ;;
  node) server=("$BIN/node" examples/auth/server.ts) ;;
  *) echo "usage: $0 <deno|bun|node>" >&2; exit 2 ;;
esac
harness="node_modules/conformance-next/dist/index.js"
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() {
  "$BIN/node" -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => {
    console.log(s.address().port); s.close(); });'
}

# wait_for <file> <pattern> <tenths of a second>: the first matching line, or failure.
wait_for() {
  local i
  for ((i = 0; i < $3; i++)); do
    grep -m1 -E "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# run_client <label> <client_id> <secret or empty> <PUBLIC_CLIENTS>
run_client() {
  local label="$1" id="$2" secret="$3" public="$4"
  local callback out="$work/$label.server" log="$work/$label.harness"
  callback=$(free_port)
  local clients="[{\"client_id\":\"$id\",\"redirect_uris\":[\"http://127.0.0.1:$callback/callback\"]"
  [ -n "$secret" ] && clients+=",\"client_secret\":\"$secret\""
  clients+="}]"
  PORT=0 AUTO_APPROVE=1 PUBLIC_CLIENTS="$public" CLIENTS_JSON="$clients" "${server[@]}" >"$out" 2>&1 &
  pids+=($!)
  local issuer
  issuer=$(wait_for "$out" '^issuer ' 300 | sed 's/^issuer //') || {
    echo "conformance authorization $runtime $label: the server printed no issuer"; cat "$out"
    return 1
  }
  local args=(authorization --url "$issuer" --client-id "$id" --resource "$issuer/mcp" -p "$callback")
  [ -n "$secret" ] && args+=(--client-secret "$secret")
  "$BIN/node" "$harness" "${args[@]}" >"$log" 2>&1 &
  local harness_pid=$!
  pids+=("$harness_pid")
  local url
  url=$(wait_for "$log" '^https?://.*/authorize\?' 600) || {
    echo "conformance authorization $runtime $label: no authorization URL"; cat "$log"
    return 1
  }
  # The harness's callback server starts right after it prints the URL: retry briefly.
  "$BIN/node" -e 'const url = process.argv[1];
    const tryOnce = (n) => fetch(url).then((r) => r.text().then(() => console.log("redirect followed:", r.status)),
      (e) => n > 0 ? new Promise((ok) => setTimeout(ok, 200)).then(() => tryOnce(n - 1)) : Promise.reject(e));
    tryOnce(25).catch((e) => { console.error(e); process.exit(1); });' "$url" >>"$work/$label.drive" 2>&1
  local ok=0
  wait "$harness_pid" && ok=1
  local total passed
  total=$(sed -n 's/^Total: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$log" | tail -n1)
  passed=${total% *}
  if [ "$ok" -eq 1 ] && [ -n "$total" ] && [ "${total#* }" = 0 ] && [ "${passed:-0}" -gt 0 ]; then
    echo "conformance authorization $runtime $label: ok Total: $passed passed, 0 failed"
    grep -E '^[✓✗] ' "$log" | sed 's/^/  /'
    return 0
  fi
  echo "conformance authorization $runtime $label: FAILED"
  cat "$log" "$work/$label.drive"
  return 1
}

status=0
run_client public emcee-public "" 1 || status=1
run_client confidential emcee-confidential "s3cret-$RANDOM$RANDOM" 0 || status=1
exit $status
