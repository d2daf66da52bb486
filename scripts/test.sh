#!/usr/bin/env bash
# The whole test suite: static checks (deno check, lint, fmt, publish dry-run,
# doc lint of every entry point, type-checked doc examples), the unit tests on Deno, Bun and Node, and the official conformance suites
# (server, client and authorization) on each runtime. Prints one line per step and a final
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

# Read from deno.json, so a new entry point or published folder is covered
# without editing this script. Each prints one path a line, or fails.
entry_points() {
  deno eval 'const { exports } = JSON.parse(Deno.readTextFileSync("deno.json"));
    const paths = typeof exports === "string" ? [exports] : Object.values(exports ?? {});
    if (paths.length === 0) throw new Error("deno.json has no exports");
    for (const path of paths) console.log(path.replace(/^\.\//, ""));'
}
# The .ts files under "publish.include", minus "publish.exclude" and the top-level "exclude".
published_ts_files() {
  deno eval 'const config = JSON.parse(Deno.readTextFileSync("deno.json"));
    const clean = (path) => path.replace(/^\.\//, "").replace(/\/$/, "");
    const excluded = [...(config.publish?.exclude ?? []), ...(config.exclude ?? [])].map(clean);
    const isExcluded = (path) => excluded.some((ex) => path === ex || path.startsWith(ex + "/"));
    const found = [];
    const visit = (path) => {
      if (isExcluded(path)) return;
      if (Deno.statSync(path).isDirectory) {
        for (const entry of Deno.readDirSync(path)) visit(`${path}/${entry.name}`);
      } else if (path.endsWith(".ts")) found.push(path);
    };
    for (const entry of config.publish?.include ?? []) {
      if (/[*?[\]{}!]/.test(entry)) throw new Error(`glob in publish.include not handled: ${entry}`);
      visit(clean(entry));
    }
    if (found.length === 0) throw new Error("publish.include names no .ts file");
    console.log(found.sort().join("\n"));'
}

# Every entry point on its own, so a type is public where it is referenced.
# --quiet hides the resolver warnings about @types/node (compilerOptions.types),
# which are not documentation problems; doc lint errors still print.
doc_lint_entry_points() {
  local entries entry failing=()
  entries=$(entry_points) || return 1
  for entry in $entries; do
    echo "deno doc --lint $entry"
    deno doc --quiet --lint "$entry" || failing+=("$entry")
  done
  [ "${#failing[@]}" -eq 0 ] && return 0
  echo "doc lint problems in: ${failing[*]}"
  return 1
}

check_doc_examples() {
  local files
  files=$(published_ts_files) || return 1
  # shellcheck disable=SC2086 # one path a line, none with spaces
  deno check --doc $files
}

step "deno check" deno check mod.ts $(unit_files) examples/ bench/
step "deno lint" deno lint
step "deno fmt --check" deno fmt --check
step "deno publish --dry-run" deno publish --dry-run --allow-dirty
step "deno doc --lint" doc_lint_entry_points
step "deno check --doc" check_doc_examples
step "README snippets" deno run -A scripts/readme_snippets.ts --check

step "unit tests (deno)" deno test -A --v8-flags=--expose-gc $(unit_files)
step "unit tests (bun)" bun test --timeout 60000 $(unit_files | sed 's|^|./|')
step "unit tests (node)" node --expose-gc --test --test-timeout=120000 $(unit_files)

for runtime in deno bun node; do
  step "conformance server ($runtime)" bash scripts/conformance-server.sh "$runtime"
  if [ -f scripts/conformance-client.sh ]; then
    step "conformance client ($runtime)" bash scripts/conformance-client.sh "$runtime"
  fi
  step "conformance authorization ($runtime)" bash scripts/conformance-authorization.sh "$runtime"
done
step "conformance multi-instance (redis)" bash scripts/conformance-multi.sh

echo
if [ "$failed" -gt 0 ]; then
  echo "failed steps: ${failures[*]}"
fi
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
