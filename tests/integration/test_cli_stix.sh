#!/usr/bin/env bash
# Drive `accord stix validate` and `accord stix id` as a user would: exit
# codes, the FILE:POINTER: severity: message lines, --strict, --json, stdin.
set -u
ACCORD=${ACCORD:-build/dev/accord}
DATA=${ACCORD_TEST_DATA:-tests/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

check() { # name expected-exit actual-exit
	if [ "$2" = "$3" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $1: exit $3, want $2"; fi
}
expect_grep() { # name pattern file
	if grep -qE -- "$2" "$3"; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $1: no line matching /$2/ in:"; cat "$3"; fi
}

"$ACCORD" --help >"$tmp/out" 2>&1; check "--help" 0 $?
expect_grep "--help lists stix validate" "stix validate" "$tmp/out"
"$ACCORD" --version >"$tmp/out" 2>&1; check "--version" 0 $?
expect_grep "--version" "^accord [0-9]+\.[0-9]+\.[0-9]+" "$tmp/out"
"$ACCORD" help stix validate >"$tmp/out" 2>&1; check "help stix validate" 0 $?
expect_grep "help text" "--strict" "$tmp/out"
"$ACCORD" frobnicate >"$tmp/out" 2>&1; check "unknown command" 2 $?
expect_grep "unknown command message" "no such command: frobnicate" "$tmp/out"
"$ACCORD" stix validate >"$tmp/out" 2>&1; check "no files" 2 $?
"$ACCORD" stix validate --bogus x >"$tmp/out" 2>&1; check "unknown option" 2 $?
"$ACCORD" stix validate "$tmp/does-not-exist.json" >"$tmp/out" 2>&1; check "missing file" 2 $?
expect_grep "missing file named" "does-not-exist.json: cannot open" "$tmp/out"

# A valid bundle: exit 0, nothing printed.
"$ACCORD" stix validate "$DATA/stix/examples/indicator-for-c2-ip-address.json" >"$tmp/out" 2>&1
check "valid example" 0 $?
[ ! -s "$tmp/out" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: valid example printed:"; cat "$tmp/out"; }

# An invalid indicator inside a bundle: the pointer names the member and property.
cat >"$tmp/bad.json" <<'JSON'
{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
 {"type": "identity", "spec_version": "2.1", "id": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
  "created": "2015-12-21T19:59:11.000Z", "modified": "2015-12-21T19:59:11.000Z", "name": "ACME",
  "identity_class": "organization"},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
  "pattern": "[ipv4-addr:value = '198.51.100.1']", "pattern_type": "stix"}
]}
JSON
"$ACCORD" stix validate "$tmp/bad.json" >"$tmp/out" 2>&1; check "invalid bundle" 1 $?
expect_grep "pointer to missing valid_from" "bad.json:/objects/1/valid_from: error: required property missing for indicator" "$tmp/out"

# The same from standard input.
"$ACCORD" stix validate - <"$tmp/bad.json" >"$tmp/out" 2>&1; check "stdin" 1 $?
expect_grep "stdin name" "^<stdin>:/objects/1/valid_from: error:" "$tmp/out"

# Warnings only: valid, but not with --strict.
cat >"$tmp/warn.json" <<'JSON'
{"type": "identity", "spec_version": "2.1", "id": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
 "created": "2015-12-21T19:59:11.000Z", "modified": "2015-12-21T19:59:11.000Z", "name": "ACME",
 "identity_class": "organization", "x_acme_rating": 5}
JSON
"$ACCORD" stix validate "$tmp/warn.json" >"$tmp/out" 2>&1; check "warnings only" 0 $?
expect_grep "warning line" "warn.json:/x_acme_rating: warning: " "$tmp/out"
"$ACCORD" stix validate --strict "$tmp/warn.json" >"$tmp/out" 2>&1; check "--strict" 1 $?

# --json is one machine-readable report.
"$ACCORD" stix validate --json "$tmp/bad.json" "$tmp/warn.json" >"$tmp/out.json" 2>"$tmp/err"
check "--json exit" 1 $?
if jq -e '.valid == false and .errors >= 1 and (.files | length) == 2 and
          (.files[0].problems[] | select(.pointer == "/objects/1/valid_from") | .severity) == "error"' \
   "$tmp/out.json" >/dev/null; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: --json report"; cat "$tmp/out.json"; fi

# JSON Lines: problems carry the line number.
{ tr -d '\n' <"$tmp/warn.json"; echo; echo '{"type": "indicator", "spec_version": "2.1"}'; } >"$tmp/lines.jsonl"
"$ACCORD" stix validate "$tmp/lines.jsonl" >"$tmp/out" 2>&1; check "jsonl" 1 $?
expect_grep "jsonl line 2" "lines.jsonl:2:/id: error:" "$tmp/out"

# Malformed JSON: an error with line and column, exit 1.
printf '{"type": "indicator",\n "id": }\n' >"$tmp/broken.json"
"$ACCORD" stix validate "$tmp/broken.json" >"$tmp/out" 2>&1; check "malformed" 1 $?
expect_grep "malformed position" "broken.json: error: malformed JSON at line 2, column" "$tmp/out"

# stix id: the deterministic id of an SCO.
echo '{"type": "email-addr", "spec_version": "2.1", "value": "john@example.com"}' >"$tmp/sco.json"
"$ACCORD" stix id "$tmp/sco.json" >"$tmp/out" 2>&1; check "stix id" 0 $?
expect_grep "email-addr id" "^email-addr--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$" "$tmp/out"
echo '{"type": "process", "spec_version": "2.1", "pid": 4}' >"$tmp/proc.json"
"$ACCORD" stix id "$tmp/proc.json" >"$tmp/out" 2>&1; check "stix id without contributing properties" 1 $?

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
