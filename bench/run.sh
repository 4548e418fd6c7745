#!/bin/sh
# bench/run.sh - Accord's benchmarks, each against a baseline measured in the
# same run, printed as a table with the ratio. `make bench` runs it from the
# repository root after `make build` (release binaries in build/release/bench).
#
#   sh bench/run.sh [SECTION...]        sections: stix (default: all)
#
# Environment:
#   BENCH_BIN        directory of the bench_* binaries   (build/release/bench)
#   BENCH_STIX_FILE  bundle to validate; generated there when missing and then
#                    kept (default: generated in a temporary directory that is
#                    removed at exit)
#   BENCH_STIX_MB    size of the generated bundle, MB of 10^6 bytes   (100)
#   BENCH_SEED       generator seed                                   (1)
#   BENCH_MATCH_INDICATORS, BENCH_MATCH_OBSERVATIONS  sizes of the match
#                    section                                  (10^6, 10^6)
#   BENCH_STRICT     1: exit 1 when a benchmark misses its goal       (0)
#
# Adding a benchmark: write a bench_<name>() function like bench_stix below
# (generate input, time the baseline and ours with time_best, print with
# row/ratio_row), add <name> to SECTIONS and a case to run_section. Helpers
# keep their variables prefixed with _ because POSIX sh has no locals.
#
# POSIX sh only; timing uses `date +%s.%N` (whole seconds where %N is
# unsupported, which the header reports).
set -eu

BENCH_BIN=${BENCH_BIN:-build/release/bench}
BENCH_SEED=${BENCH_SEED:-1}
BENCH_STRICT=${BENCH_STRICT:-0}
SECTIONS="stix tlog match"
MISSED=0
WORK=""

cleanup() {
	if [ -n "$WORK" ]; then
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
	echo "bench: $*" >&2
	exit 1
}

# The scratch directory, created on first use and removed at exit.
workdir() {
	if [ -z "$WORK" ]; then
		WORK=$(mktemp -d "${TMPDIR:-/tmp}/accord-bench.XXXXXX") || die "mktemp failed"
	fi
}

# ---- timing and arithmetic ----------------------------------------------------

case $(date +%N 2>/dev/null) in
'' | *N*) HIRES=0 ;;
*) HIRES=1 ;;
esac

now() {
	if [ "$HIRES" = 1 ]; then
		date +%s.%N
	else
		date +%s
	fi
}

# calc EXPR [name=value...]: evaluate an awk expression.
calc() {
	_expr=$1
	shift
	awk "$@" "BEGIN { print ($_expr) }"
}

# time_best RUNS COMMAND...: run COMMAND (stdout to /dev/null) RUNS times and
# print the best wall-clock seconds. Fails if the command fails.
time_best() {
	_runs=$1
	shift
	_best=""
	_i=0
	while [ "$_i" -lt "$_runs" ]; do
		_t0=$(now)
		if ! "$@" >/dev/null; then
			echo "bench: command failed: $*" >&2
			return 1
		fi
		_t1=$(now)
		_t=$(calc 'sprintf("%.3f", b - a)' -v a="$_t0" -v b="$_t1")
		if [ -z "$_best" ] || [ "$(calc 't < b' -v t="$_t" -v b="$_best")" = 1 ]; then
			_best=$_t
		fi
		_i=$((_i + 1))
	done
	echo "$_best"
}

# mbps BYTES SECONDS: MB (10^6 bytes) per second, two decimals.
mbps() {
	calc 's > 0 ? sprintf("%.2f", n / 1e6 / s) : "inf"' -v n="$1" -v s="$2"
}

# ---- table ----------------------------------------------------------------------

header() {
	printf '\n== %s ==\n' "$1"
	shift
	for _line in "$@"; do
		printf '%s\n' "$_line"
	done
	printf '%-44s %10s %10s\n' "tool" "seconds" "MB/s"
}

row() {
	printf '%-44s %10s %10s\n' "$1" "$2" "$3"
}

# ratio_row OURS_MBPS BASE_MBPS GOAL: print the ratio and whether it meets GOAL.
ratio_row() {
	_ratio=$(calc 'b > 0 ? sprintf("%.2f", o / b) : "n/a"' -v o="$1" -v b="$2")
	if [ "$(calc 'r >= g' -v r="$_ratio" -v g="$3")" = 1 ]; then
		_verdict="goal >= $3: met"
	else
		_verdict="goal >= $3: MISSED"
		MISSED=1
	fi
	printf '%-44s %10s %10s   %s\n' "ratio, all cores (accord / jq)" "" "$_ratio" "$_verdict"
}

# ---- STIX validation ---------------------------------------------------------------
# Issue: validate a generated ~100 MB bundle of mixed objects at least twice as
# fast as `jq -c . FILE >/dev/null` merely parses (and prints) it.

bench_stix() {
	_gen=$BENCH_BIN/bench_gen_stix
	_val=$BENCH_BIN/bench_stix_validate
	if [ ! -x "$_gen" ] || [ ! -x "$_val" ]; then
		die "missing $_gen or $_val (run make build)"
	fi
	_mb=${BENCH_STIX_MB:-100}
	workdir
	_file=${BENCH_STIX_FILE:-$WORK/stix-bundle-${_mb}MB-seed$BENCH_SEED.json}
	if [ -s "$_file" ]; then
		echo "bench: stix: using existing $_file"
	else
		echo "bench: stix: generating a $_mb MB bundle (seed $BENCH_SEED) in $_file"
		if ! "$_gen" --size "$_mb" --seed "$BENCH_SEED" --out "$_file" 2>"$WORK/gen.log"; then
			cat "$WORK/gen.log" >&2
			die "stix: bundle generation failed"
		fi
		sed -n '1p' "$WORK/gen.log"
	fi

	# Ours first (it reads the file into memory before timing), then jq:
	# one validation thread, then one per core (as `accord stix validate`).
	_cores=$(nproc 2>/dev/null || echo 1)
	for _t in 1 "$_cores"; do
		if ! "$_val" --runs 3 --threads "$_t" "$_file" >"$WORK/stix-$_t.out"; then
			cat "$WORK/stix-$_t.out"
			die "stix: validation of the generated bundle failed or found errors"
		fi
	done
	_bytes=$(awk '$1 == "bytes" { print $2 }' "$WORK/stix-1.out")
	_objects=$(awk '$1 == "objects" { print $2 }' "$WORK/stix-1.out")
	_errors=$(awk '$1 == "errors" { print $2 }' "$WORK/stix-1.out")
	_warnings=$(awk '$1 == "warnings" { print $2 }' "$WORK/stix-1.out")
	_acc1_s=$(awk '$1 == "seconds" { print $2 }' "$WORK/stix-1.out")
	_acc1_mbps=$(mbps "$_bytes" "$_acc1_s")
	_acc_s=$(awk '$1 == "seconds" { print $2 }' "$WORK/stix-$_cores.out")
	_acc_mbps=$(mbps "$_bytes" "$_acc_s")

	header "STIX validation" \
		"input: $_bytes bytes ($(calc 'sprintf("%.1f", n / 1e6)' -v n="$_bytes") MB), $_objects objects, $_errors errors, $_warnings warnings"

	if command -v jq >/dev/null 2>&1; then
		_jq_s=$(time_best 2 jq -c . "$_file") || die "stix: jq failed on $_file"
		_jq_mbps=$(mbps "$_bytes" "$_jq_s")
		row "jq -c . FILE >/dev/null (best of 2)" "$_jq_s" "$_jq_mbps"
		row "accord validate, 1 thread (best of 3)" \
			"$(calc 'sprintf("%.3f", s)' -v s="$_acc1_s")" "$_acc1_mbps"
		row "accord validate, $_cores threads (best of 3)" \
			"$(calc 'sprintf("%.3f", s)' -v s="$_acc_s")" "$_acc_mbps"
		printf '%-44s %10s %10s\n' "ratio, 1 thread (accord / jq)" "" \
			"$(calc 'b > 0 ? sprintf("%.2f", o / b) : "n/a"' -v o="$_acc1_mbps" -v b="$_jq_mbps")"
		ratio_row "$_acc_mbps" "$_jq_mbps" 2
	else
		row "accord validate, $_cores threads (best of 3)" \
			"$(calc 'sprintf("%.3f", s)' -v s="$_acc_s")" "$_acc_mbps"
		echo "jq not found: no baseline, no ratio"
		MISSED=1
	fi
}

# ---- transparency log: proofs at 10^7 leaves (bench/tlog.c) ------------------------

bench_tlog() {
	_bin=$BENCH_BIN/bench_tlog
	[ -x "$_bin" ] || die "missing $_bin (run make build)"
	printf '\n== transparency log (RFC 9162 Merkle tree, 10^7 leaves) ==\n'
	"$_bin" || die "tlog: bench_tlog failed"
}

# ---- compiled indicator matcher (bench/match.c) ------------------------------------
# Issue 3: 10^6 indicators against 10^6 observed-data; >= 10^6 observations/s
# per core, compile <= 10 s, peak memory <= 1 GiB; the reference evaluator
# looping over all indicators is measured on a sample in the same run.

# goal_row NAME VALUE OP GOAL UNIT: print a figure against its goal.
goal_row() {
	if [ "$(calc "v $3 g" -v v="$2" -v g="$4")" = 1 ]; then
		_verdict="goal $3 $4 $5: met"
	else
		_verdict="goal $3 $4 $5: MISSED"
		MISSED=1
	fi
	printf '%-44s %14s   %s\n' "$1" "$2" "$_verdict"
}

bench_match() {
	_bin=$BENCH_BIN/bench_match
	[ -x "$_bin" ] || die "missing $_bin (run make build)"
	_ni=${BENCH_MATCH_INDICATORS:-1000000}
	_no=${BENCH_MATCH_OBSERVATIONS:-1000000}
	workdir
	if ! "$_bin" --indicators "$_ni" --observations "$_no" --seed "$BENCH_SEED" \
		>"$WORK/match.out" 2>"$WORK/match.log"; then
		cat "$WORK/match.log" >&2
		die "match: bench_match failed"
	fi
	_get() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/match.out"; }
	printf '\n== compiled indicator matcher (%s indicators, %s observed-data) ==\n' "$_ni" "$_no"
	echo "indicators: $(_get mix_ipv4) IPv4 addresses and CIDRs, $(_get mix_domain) domains," \
		"$(_get mix_url) URLs, $(_get mix_hash) file hashes, $(_get mix_complex) AND/OR/LIKE/MATCHES/qualifiers"
	echo "anchors: $(_get eq_keys) equality keys, $(_get cidrs) CIDRs," \
		"$(_get rx_hs) expressions (Vectorscan), $(_get rx_pcre) (PCRE2); $(_get by_type) by type only"
	goal_row "compile seconds" "$(_get compile_seconds)" "<=" 10 s
	goal_row "peak memory (ru_maxrss), MiB" "$(_get peak_rss_mib)" "<=" 1024 MiB
	goal_row "observations/s per core (1 thread, CPU time)" "$(_get obs_per_sec_per_core)" ">=" 1000000 obs/s
	printf '%-44s %14s\n' "observations/s, wall clock (best of $(_get runs))" "$(_get obs_per_sec_wall_all_threads)"
	printf '%-44s %14s\n' "candidates evaluated per observation" "$(_get candidates_per_obs)"
	printf '%-44s %14s\n' "matches" "$(_get matches)"
	printf '%-44s %14s\n' "reference: pairs/s (sampled $(_get ref_pairs) pairs)" "$(_get ref_pairs_per_sec)"
	printf '%-44s %14s\n' "reference over all indicators: observations/s" "$(_get ref_obs_per_sec_all_indicators)"
	printf '%-44s %14s\n' "ratio (matcher / reference loop)" "$(_get ratio)"
}

# ---- main ---------------------------------------------------------------------------

run_section() {
	case $1 in
	stix) bench_stix ;;
	tlog) bench_tlog ;;
	match) bench_match ;;
	*) die "unknown section '$1' (have: $SECTIONS)" ;;
	esac
}

_cpus=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
_jqv=$(jq --version 2>/dev/null || echo 'jq missing')
echo "bench: $_cpus CPUs, ${_model:-unknown CPU}, $_jqv"
if [ "$HIRES" = 0 ]; then
	echo "bench: this date(1) has no %N: baseline times are whole seconds"
fi
if [ $# -eq 0 ]; then
	# shellcheck disable=SC2086 # SECTIONS is a word list
	set -- $SECTIONS
fi
for _section in "$@"; do
	run_section "$_section"
done
if [ "$MISSED" = 1 ] && [ "$BENCH_STRICT" = 1 ]; then
	die "a goal was missed (BENCH_STRICT=1)"
fi
