#!/bin/sh
# Fuzz every libFuzzer target built by the fuzz preset for a short while
# (FUZZ_SECONDS, default 60 each), starting from the committed corpus.
# New interesting inputs go to build/fuzz-corpus/<name>/, not the repo.
set -eu
dir=${1:-build/fuzz}
secs=${FUZZ_SECONDS:-60}
found=0
for bin in "$dir"/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	found=1
	name=$(basename "$bin" | sed 's/^fuzz_//')
	work="build/fuzz-corpus/$name"
	mkdir -p "$work"
	dict=""
	[ -f "fuzz/dict/$name.dict" ] && dict="-dict=fuzz/dict/$name.dict"
	echo "== fuzzing $name for ${secs}s"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -max_len=65536 $dict "$work" "fuzz/corpus/$name"
done
[ "$found" = 1 ] || { echo "fuzz/run.sh: no fuzz targets in $dir/fuzz" >&2; exit 2; }
