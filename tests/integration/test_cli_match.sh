#!/usr/bin/env bash
# `accord pattern match` with the compiled matcher prints exactly what the
# per-indicator loop over the reference evaluator printed: the same match
# lines, the same error lines in the same order, the same exit status
# (golden files in tests/data/patterns/cli_match/, see its README).
set -u
cd "$(dirname "$0")/../.." || exit 2
ACCORD=${ACCORD:-build/dev/accord}
d=tests/data/patterns/cli_match
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

run() { # name indicators observed
	"$ACCORD" pattern match --indicators "$d/$2" --observed "$d/$3" >"$tmp/$1.out" 2>"$tmp/$1.err"
	echo $? >"$tmp/$1.rc"
	for k in out err rc; do
		if ! cmp -s "$d/expected_$1.$k" "$tmp/$1.$k"; then
			echo "FAIL: $1: standard ${k/rc/exit status} differs:"
			diff "$d/expected_$1.$k" "$tmp/$1.$k" | head -20
			fail=1
		fi
	done
}

run indicators indicators.jsonl observed.json
run patterns patterns.txt observed_many.json
[ "$fail" = 0 ] && echo "test_cli_match: identical output for both golden runs"
exit "$fail"
