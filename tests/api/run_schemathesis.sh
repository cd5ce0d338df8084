#!/usr/bin/env bash
# Fuzz the live API with schemathesis: every operation of /api/v1/openapi.json, once with a citizen's token
# and once with a front-desk clerk's, with all checks and the stateful phase. Fails on any server error or any
# response that violates the document.
# Usage: tests/api/run_schemathesis.sh [extra `schemathesis run` options]   (env: MAX_EXAMPLES, SEED)
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
ST=${ST:-.venv/bin/schemathesis}
work=$(mktemp -d)
trap 'kill "${server_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

"$PY" tests/api/fuzz_server.py --port 0 --tokens "$work/seed.json" >"$work/url" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 120); do
  [ -s "$work/url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.5
done
url=$(head -1 "$work/url")
[ -n "$url" ] || { echo "fuzz server did not start"; cat "$work/server.log"; exit 1; }

# path parameters that name real objects (an application, its waiting task, its tracking code)
"$PY" - "$work/seed.json" >"$work/schemathesis.toml" <<'PYEOF'
import json, sys
seed = json.load(open(sys.argv[1]))
print("[parameters]")
for name, value in seed["parameters"].items():
    print(f'"path.{name}" = {json.dumps(value)}')
PYEOF

# every check schemathesis has, and every phase: examples, coverage, fuzzing and the stateful phase (links
# between operations)
common=(--url "$url/api/v1" --checks all
        --phases examples,coverage,fuzzing,stateful
        --max-examples "${MAX_EXAMPLES:-200}" --workers 1 --suppress-health-check all --seed "${SEED:-20261125}")
status=0
for who in citizen clerk; do
  token=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$work/seed.json" "$who")
  echo "== schemathesis as $who: every operation but logging out"
  "$ST" --config-file "$work/schemathesis.toml" run "$url/api/v1/openapi.json" "${common[@]}" \
    -H "Authorization: Bearer $token" --exclude-operation-id revoke_token "$@" || status=1
  echo "== schemathesis as $who: logging out (revokes the token, so it runs last)"
  "$ST" --config-file "$work/schemathesis.toml" run "$url/api/v1/openapi.json" "${common[@]}" \
    -H "Authorization: Bearer $token" --include-operation-id revoke_token "$@" || status=1
done
if grep -q "Traceback" "$work/server.log"; then
  echo "== the server logged errors:"; grep -B2 -A30 "Traceback" "$work/server.log" | head -80; status=1
fi
exit $status
