#!/usr/bin/env bash
# Drive `accord pattern validate` and `accord pattern match` as a user would:
# exit codes, LINE:COLUMN: message lines, one JSON line per match, validity
# windows, revoked indicators, plain pattern lines, standard input.
set -u
ACCORD=${ACCORD:-build/dev/accord}
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
expect_lines() { # name count file
	local n
	n=$(grep -c . "$3")
	if [ "$n" = "$2" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $1: $n lines, want $2:"; cat "$3"; fi
}

# ---- validate ------------------------------------------------------------------
"$ACCORD" help pattern validate >"$tmp/out" 2>&1; check "help validate" 0 $?
expect_grep "help validate" "LINE:COLUMN: message" "$tmp/out"
"$ACCORD" pattern validate "[file:name = 'a.exe']" "[ipv4-addr:value ISSUBSET '10.0.0.0/8']" \
	>"$tmp/out" 2>&1
check "valid arguments" 0 $?
[ ! -s "$tmp/out" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: valid printed:"; cat "$tmp/out"; }

"$ACCORD" pattern validate "[file:name = 'a.exe']" "[file:name = a.exe]" "[file:size > 10" \
	>"$tmp/out" 2>&1
check "invalid arguments" 1 $?
expect_lines "one line per invalid pattern" 2 "$tmp/out"
expect_grep "argument 2, column 14" "^2:14: expected a constant" "$tmp/out"
expect_grep "argument 3" "^3:16: " "$tmp/out"

# semantic rules: WITHIN 0, duplicate qualifiers in 2.1 but not 2.0
"$ACCORD" pattern validate "[file:size > 10] WITHIN 0 SECONDS" >"$tmp/out" 2>&1
check "WITHIN 0" 1 $?
expect_grep "WITHIN message" "^1:[0-9]+: WITHIN needs a positive" "$tmp/out"
q="[file:size > 10] WITHIN 5 SECONDS WITHIN 6 SECONDS"
"$ACCORD" pattern validate "$q" >"$tmp/out" 2>&1; check "duplicate qualifier 2.1" 1 $?
"$ACCORD" pattern validate --stix-version 2.0 "$q" >"$tmp/out" 2>&1
check "duplicate qualifier 2.0" 0 $?
"$ACCORD" pattern validate --stix-version=2.1 "[x:EXISTS = 1]" >"$tmp/out" 2>&1
check "EXISTS is a keyword in 2.1" 1 $?
"$ACCORD" pattern validate --stix-version 2.0 "[file:EXISTS = 1]" >"$tmp/out" 2>&1
check "EXISTS is a name in 2.0" 0 $?

# -f FILE: LINE is the file's line; blank and '#' lines skipped
printf "# indicators\n[file:name = 'a']\n\n[file:name = ]\n[file:hashes.MD5 = 'abc']\n" \
	>"$tmp/pats.txt"
"$ACCORD" pattern validate -f "$tmp/pats.txt" >"$tmp/out" 2>&1; check "-f FILE" 1 $?
expect_lines "-f two invalid" 2 "$tmp/out"
expect_grep "-f line 4" "^4:14: " "$tmp/out"
expect_grep "-f line 5 (hash form)" "^5:[0-9]+: 'abc' is not a valid MD5 hash" "$tmp/out"
printf "[file:name = 'a']\r\n" | "$ACCORD" pattern validate -f - >"$tmp/out" 2>&1
check "-f - with CRLF" 0 $?

# usage errors
"$ACCORD" pattern validate >"$tmp/out" 2>&1; check "no patterns" 2 $?
"$ACCORD" pattern validate -f "$tmp/pats.txt" "[a:b = 1]" >"$tmp/out" 2>&1
check "both -f and patterns" 2 $?
"$ACCORD" pattern validate --stix-version 3.0 "[a:b = 1]" >"$tmp/out" 2>&1
check "bad version" 2 $?
"$ACCORD" pattern validate --bogus >"$tmp/out" 2>&1; check "unknown option" 2 $?
"$ACCORD" pattern validate -f "$tmp/missing.txt" >"$tmp/out" 2>&1; check "missing file" 2 $?

# ---- match -----------------------------------------------------------------------
cat >"$tmp/obs.json" <<'JSON'
{"type": "bundle", "id": "bundle--6d2a7c3e-0000-4000-8000-000000000001", "objects": [
 {"type": "observed-data", "spec_version": "2.1", "id": "observed-data--00000000-0000-4000-8000-00000000000a",
  "first_observed": "2024-03-01T10:00:00Z", "last_observed": "2024-03-01T10:00:05Z", "number_observed": 1,
  "object_refs": ["ipv4-addr--00000000-0000-4000-8000-000000000001", "domain-name--00000000-0000-4000-8000-000000000002"]},
 {"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--00000000-0000-4000-8000-000000000001", "value": "198.51.100.7"},
 {"type": "domain-name", "spec_version": "2.1", "id": "domain-name--00000000-0000-4000-8000-000000000002",
  "value": "evil.example.com", "resolves_to_refs": ["ipv4-addr--00000000-0000-4000-8000-000000000001"]},
 {"type": "observed-data", "spec_version": "2.1", "id": "observed-data--00000000-0000-4000-8000-00000000000b",
  "first_observed": "2024-03-01T10:01:00Z", "last_observed": "2024-03-01T10:01:00Z", "number_observed": 2,
  "object_refs": ["file--00000000-0000-4000-8000-000000000003"]},
 {"type": "file", "spec_version": "2.1", "id": "file--00000000-0000-4000-8000-000000000003", "name": "dropper.exe"}
]}
JSON
# observed data of STIX 2.0 (embedded objects) as JSON Lines
cat >"$tmp/obs20.jsonl" <<'JSON'
{"type": "observed-data", "id": "observed-data--00000000-0000-4000-8000-00000000000c", "first_observed": "2024-03-02T00:00:00Z", "last_observed": "2024-03-02T00:00:00Z", "number_observed": 1, "objects": {"0": {"type": "url", "value": "http://evil.example.com/x"}}}
JSON
ind() { # id pattern [extra json]
	printf '{"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-0000000000%s", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "pattern": "%s", "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z"%s}\n' "$1" "$2" "${3:-}"
}
{
	ind 01 "[ipv4-addr:value ISSUBSET '198.51.100.0/24']"
	ind 02 "[domain-name:resolves_to_refs[*].value = '198.51.100.7'] FOLLOWEDBY [file:name LIKE '%.exe']"
	ind 03 "[file:name = 'dropper.exe']" ', "revoked": true'
	ind 04 "[file:name = 'dropper.exe']" ', "valid_until": "2024-03-01T10:00:30Z"'
	ind 05 "[file:name = 'dropper.exe'] REPEATS 2 TIMES"
	ind 06 "[file:name = 'dropper.exe'] REPEATS 3 TIMES"
	ind 07 "[url:value = 'http://evil.example.com/x']"
	printf '{"type": "indicator", "id": "indicator--00000000-0000-4000-8000-000000000008", "pattern": "rule x { condition: true }", "pattern_type": "yara", "valid_from": "2024-01-01T00:00:00Z"}\n'
} >"$tmp/ind.jsonl"

"$ACCORD" pattern match --indicators "$tmp/ind.jsonl" --observed "$tmp/obs.json" "$tmp/obs20.jsonl" \
	>"$tmp/out" 2>"$tmp/err"
check "match" 0 $?
expect_lines "four indicators match" 4 "$tmp/out"
expect_grep "CIDR" '^\{"indicator":"indicator--00000000-0000-4000-8000-000000000001","observed_data":\["observed-data--00000000-0000-4000-8000-00000000000a"\]\}$' "$tmp/out"
expect_grep "FOLLOWEDBY across observed-data" '"indicator--00000000-0000-4000-8000-000000000002","observed_data":\["observed-data--00000000-0000-4000-8000-00000000000a","observed-data--00000000-0000-4000-8000-00000000000b"\]' "$tmp/out"
expect_grep "REPEATS counts number_observed" '"indicator--00000000-0000-4000-8000-000000000005"' "$tmp/out"
expect_grep "2.0 observed data" '"indicator--00000000-0000-4000-8000-000000000007"' "$tmp/out"
if grep -qE 'indicator--[0-9a-f-]+0(3|4|6|8)"' "$tmp/out"; then
	fail=$((fail + 1)); echo "FAIL: revoked, expired, REPEATS 3 or yara matched:"; cat "$tmp/out"
else pass=$((pass + 1)); fi
[ ! -s "$tmp/err" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: match wrote to stderr:"; cat "$tmp/err"; }
# every output line is JSON with exactly the two members
if command -v jq >/dev/null; then
	jq -e -s 'all(.[]; (keys == ["indicator", "observed_data"]) and (.observed_data | type == "array"))' \
		"$tmp/out" >/dev/null
	check "output is JSON lines" 0 $?
fi

# plain pattern lines (from standard input), and a bundle of indicators
printf "[file:name LIKE 'drop%%']\n[file:name = 'nothing']\n" |
	"$ACCORD" pattern match --indicators - --observed "$tmp/obs.json" >"$tmp/out" 2>&1
check "pattern lines" 0 $?
expect_grep "the pattern is the label" "^\{\"indicator\":\"\[file:name LIKE 'drop%'\]\",\"observed_data\":\[\"observed-data--" "$tmp/out"
expect_lines "one line" 1 "$tmp/out"
printf "[file:name = 'nothing']\n" >"$tmp/none.txt"
"$ACCORD" pattern match --indicators "$tmp/none.txt" --observed "$tmp/obs.json" >"$tmp/out" 2>&1
check "no match" 1 $?
[ ! -s "$tmp/out" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: no-match printed:"; cat "$tmp/out"; }

# errors: an indicator that cannot be evaluated, bad observed data, usage
printf "[file:name = 'dropper.exe']\n[file:name MATCHES '(']\n" >"$tmp/badre.txt"
"$ACCORD" pattern match --indicators "$tmp/badre.txt" --observed "$tmp/obs.json" >"$tmp/out" 2>"$tmp/err"
check "bad regex" 2 $?
expect_lines "the good one still matches" 1 "$tmp/out"
expect_grep "bad regex named" "badre.txt:2: .*MATCHES needs a PCRE2 regular expression" "$tmp/err"
printf '{"type": "observed-data", "first_observed": "2024-01-01T00:00:00Z", "number_observed": 1}\n' >"$tmp/badobs.json"
"$ACCORD" pattern match --indicators "$tmp/none.txt" --observed "$tmp/badobs.json" >"$tmp/out" 2>&1
check "bad observed data" 2 $?
expect_grep "last_observed named" "last_observed is missing" "$tmp/out"
printf '{"type": "observed-data",\n' >"$tmp/trunc.json"
"$ACCORD" pattern match --indicators "$tmp/none.txt" --observed "$tmp/trunc.json" >"$tmp/out" 2>&1
check "malformed observed data" 2 $?
"$ACCORD" pattern match --indicators "$tmp/none.txt" >"$tmp/out" 2>&1; check "no --observed" 2 $?
"$ACCORD" pattern match --observed "$tmp/obs.json" >"$tmp/out" 2>&1; check "no --indicators" 2 $?
"$ACCORD" pattern match "$tmp/none.txt" >"$tmp/out" 2>&1; check "stray file" 2 $?
"$ACCORD" pattern match --indicators "$tmp/missing" --observed "$tmp/obs.json" >"$tmp/out" 2>&1
check "missing indicators file" 2 $?

echo "test_cli_pattern: $pass passed, $fail failed"
[ "$fail" = 0 ]
