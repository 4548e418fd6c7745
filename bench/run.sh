#!/bin/sh
# bench/run.sh - Accord's benchmarks, each against a baseline measured in the
# same run, printed as a table with the ratio. `make bench` runs it from the
# repository root after `make build` (release binaries in build/release/bench).
#
#   sh bench/run.sh [SECTION...]   sections: stix tlog match taxii json (default: all)
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
#   BENCH_TAXII_CLIENTS, BENCH_TAXII_ENVELOPES  taxii ingest: client threads
#                    and envelopes of 1,000 indicators               (4, 100)
#   BENCH_TAXII_THREADS  accord serve --threads in the taxii section  (4)
#   BENCH_TAXII_WRK  wrk options of one taxii read run    (-t2 -c32 -d5s)
#   BENCH_TAXII_ROUNDS  alternating nginx/accord wrk rounds           (3)
#   BENCH_ACCORD     the accord binary           ($BENCH_BIN/../accord)
#   BENCH_JSON_MB    size of the json section's bundle, MB (BENCH_STIX_MB)
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
SECTIONS="stix tlog match taxii json"
MISSED=0
WORK=""
SERVER_PIDS=""

cleanup() {
	stop_servers
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

	# Issue 5: appends/s through the node's ingest path (acc_store_object_put
	# + leaf append + signed checkpoint per commit) with the log on versus
	# off; goal: the log costs under 10% of ingest throughput (ratio >= 0.90).
	# BENCH_TLOG_OBJECTS: objects per run (default 100000).
	_ing=$BENCH_BIN/bench_tlog_ingest
	[ -x "$_ing" ] || die "missing $_ing (run make build)"
	_n=${BENCH_TLOG_OBJECTS:-100000}
	workdir
	if ! "$_ing" --objects "$_n" --rounds 3 >"$WORK/tlog_ingest.out" 2>"$WORK/tlog_ingest.log"; then
		cat "$WORK/tlog_ingest.log" >&2
		die "tlog: bench_tlog_ingest failed"
	fi
	_get() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/tlog_ingest.out"; }
	printf '\n== transparency log on the ingest path (%s objects of %s bytes, %s per commit, best of 3) ==\n' \
		"$_n" "$(_get json_bytes_avg)" "$(_get batch)"
	printf '%-44s %14s %14s\n' "" "log off" "log on"
	printf '%-44s %14s %14s\n' "objects/s (wall clock)" "$(_get off_objects_per_sec)" "$(_get on_objects_per_sec)"
	printf '%-44s %14s %14s\n' "objects per CPU second (this thread)" \
		"$(_get off_objects_per_cpu_sec)" "$(_get on_objects_per_cpu_sec)"
	printf '%-44s %14s %14s\n' "database bytes per object" \
		"$(_get off_db_bytes_per_object)" "$(_get on_db_bytes_per_object)"
	printf '%-44s %14s\n' "log CPU per object, microseconds" "$(_get log_us_per_object_cpu)"
	printf '%-44s %14s\n' "inclusion proof from the store, microseconds" "$(_get proof_generate_us)"
	printf '%-44s %14s\n' "leaf by leaf hash / by object hash, us" \
		"$(_get find_by_leaf_hash_us) / $(_get find_by_object_hash_us)"
	printf '%-44s %14s\n' "ratio, CPU time (on / off)" "$(_get ratio_cpu)"
	printf '%-44s %14s\n' "ratio, objects/s (on / off), store only" "$(_get ratio_wall)"

	# The node's ingest path itself: bench_taxii_ingest (4 clients, 100
	# envelopes of 1,000 indicators over HTTP) against `accord serve` (log
	# on) and bench_node_nolog (the same server, its store handles with the
	# log off), each on a fresh node, alternating. Single runs on a shared
	# 2-vCPU machine scatter by 10-20%, and one fast outlier decides a
	# best-of ratio, so the goal row takes the medians of the rounds.
	_nolog=$BENCH_BIN/bench_node_nolog
	_accord=${BENCH_ACCORD:-$(dirname "$BENCH_BIN")/accord}
	[ -x "$_nolog" ] || die "missing $_nolog (run make build)"
	_rounds=${BENCH_TLOG_NODE_ROUNDS:-5}
	_on_all=""
	_off_all=""
	_r=1
	while [ "$_r" -le "$_rounds" ]; do
		for _mode in off on; do
			if [ "$_mode" = on ]; then _srv=$_accord; else _srv=$_nolog; fi
			node_ingest "$_srv" "tlog-$_mode-$_r"
			if [ "$_mode" = on ]; then
				_on_all="${_on_all:+$_on_all }$_ops"
			else
				_off_all="${_off_all:+$_off_all }$_ops"
			fi
		done
		_r=$((_r + 1))
	done
	# shellcheck disable=SC2086 # the lists are words
	_on_med=$(median $_on_all)
	# shellcheck disable=SC2086
	_off_med=$(median $_off_all)
	printf '\n== transparency log on the node'"'"'s ingest path (bench_taxii_ingest: 4 clients, 100 envelopes of 1000 indicators, HTTP, %s alternating rounds) ==\n' "$_rounds"
	printf '%-44s %14s %14s\n' "" "log off" "log on"
	printf '%-44s %14s %14s\n' "objects/s, median" "$_off_med" "$_on_med"
	# shellcheck disable=SC2086
	printf '%-44s %14s %14s\n' "objects/s, best" "$(maxof $_off_all)" "$(maxof $_on_all)"
	printf '%-44s   %s\n' "objects/s, every round, log off" "$(echo "$_off_all" | tr ' ' /)"
	printf '%-44s   %s\n' "objects/s, every round, log on" "$(echo "$_on_all" | tr ' ' /)"
	_ratio=$(calc 'f > 0 ? sprintf("%.3f", n / f) : 0' -v n="$_on_med" -v f="$_off_med")
	goal_row "ratio of the medians (on / off), node" "$_ratio" ">=" 0.90 ""
}

# median N...: the middle value (the mean of the two middle ones for an
# even count); maxof N...: the largest.
median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
maxof() { printf '%s\n' "$@" | sort -n | tail -1; }

# node_ingest SERVER NAME: a fresh node in $WORK/NAME served by SERVER
# (accord or bench_node_nolog, same options), bench_taxii_ingest against it;
# sets _ops (objects/s). Everything stored is checked by the client.
node_ingest() {
	_d=$WORK/$2
	node_up "$1" "$_d" "$2" 4
	if ! ACCORD_USER=bench ACCORD_SECRET=$_secret "$BENCH_BIN/bench_taxii_ingest" \
		--url "http://127.0.0.1:$_port/default/" --collection "$_coll" --identity "$_ident" \
		--clients 4 --envelopes 100 --seed "$BENCH_SEED" --server-pid "$_spid" \
		>"$_d/ingest.out" 2>"$_d/ingest.log"; then
		cat "$_d/ingest.out" "$_d/ingest.log" >&2
		die "$2: bench_taxii_ingest failed"
	fi
	_ops=$(awk '$1 == "objects_per_sec" { print $2 }' "$_d/ingest.out")
	stop_servers
	rm -rf "$_d"
}

# node_up SERVER DIR NAME THREADS: a new node in DIR/node (accord init), a
# member "bench" with read and write on its collection, served by SERVER
# (`accord`, run as `accord serve`, or bench_node_nolog, the same options)
# on 127.0.0.1 with THREADS threads. Sets _coll, _ident, _secret (never on a
# command line), _spid (also in SERVER_PIDS) and _port; dies naming NAME.
node_up() {
	_acc=${BENCH_ACCORD:-$(dirname "$BENCH_BIN")/accord}
	_ident=identity--5b0e4c1d-2f3a-4b6c-8d7e-9f0a1b2c3d4e
	mkdir -p "$2"
	if ! "$_acc" init --dir "$2/node" --name bench >"$2/init.out" 2>&1; then
		cat "$2/init.out" >&2
		die "$3: accord init failed"
	fi
	_coll=$(sed -n 's/.*(collection \([0-9a-f-]*\), alias.*/\1/p' "$2/init.out")
	[ -n "$_coll" ] || die "$3: no collection id in accord init's output"
	_secret=$("$_acc" member add bench --identity "$_ident" --dir "$2/node" 2>>"$2/init.out") ||
		die "$3: accord member add failed"
	"$_acc" grant bench "$_coll" --read --write --dir "$2/node" >>"$2/init.out" 2>&1 ||
		die "$3: accord grant failed"
	if [ "$1" = "$_acc" ]; then
		"$1" serve --dir "$2/node" --listen 127.0.0.1:0 --threads "$4" >"$2/serve.out" 2>"$2/serve.log" &
	else
		"$1" --dir "$2/node" --listen 127.0.0.1:0 --threads "$4" >"$2/serve.out" 2>"$2/serve.log" &
	fi
	_spid=$!
	SERVER_PIDS="$SERVER_PIDS $_spid"
	_port=""
	_n=0
	while [ -z "$_port" ] && [ "$_n" -lt 100 ] && alive "$_spid"; do
		sleep 0.1
		_port=$(sed -n 's|^accord: serving http://127\.0\.0\.1:\([0-9]*\)/taxii2/$|\1|p' "$2/serve.out")
		_n=$((_n + 1))
	done
	if [ -z "$_port" ]; then
		cat "$2/serve.log" >&2
		die "$3: the server did not start"
	fi
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

# ---- TAXII node (bench/taxii_ingest.c, accord serve, wrk, nginx) -------------------
# Issue 4: (a) ingest: 4 concurrent clients POSTing envelopes of 1,000
# indicators -> objects/s (goal >= 50,000); (b) read: wrk against GET
# objects?limit=100 -> requests/s and p99, with the ratio to nginx serving the
# same response body as a static file in the same run (goal >= 0.25).
# A new node in the scratch directory; accord serve and nginx listen on
# 127.0.0.1 only and are stopped (by their PIDs) at exit; nginx runs as the
# current user with its own configuration (-p DIR -c FILE), never /etc/nginx.

# alive PID: the process exists and is not a zombie.
alive() {
	_st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $_st in
	Z*) return 1 ;;
	esac
	return 0
}

# stop_server PID: SIGTERM, SIGKILL after 30 s, then reap it.
stop_server() {
	kill -TERM "$1" 2>/dev/null || return 0
	_n=0
	while alive "$1" && [ "$_n" -lt 300 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	if alive "$1"; then
		kill -KILL "$1" 2>/dev/null || true
	fi
	wait "$1" 2>/dev/null || true
}

# stop_servers: every server this script started and has not stopped yet.
stop_servers() {
	for _pid in $SERVER_PIDS; do
		stop_server "$_pid"
	done
	SERVER_PIDS=""
}

# wrk_run NAME URL [SCRIPT]: one wrk run into $WORK/taxii/wrk-NAME-ROUND.out;
# sets _rps (requests/s), _p99 (ms) and _bad (non-2xx answers + socket errors).
wrk_run() {
	_out=$WORK/taxii/wrk-$1-$_round.out
	# shellcheck disable=SC2086 # BENCH_TAXII_WRK is a word list
	if [ -n "${3:-}" ]; then
		wrk $_wrkopts --latency -s "$3" "$2" >"$_out" 2>&1 || die "taxii: wrk failed on $2 (see $_out)"
	else
		wrk $_wrkopts --latency "$2" >"$_out" 2>&1 || die "taxii: wrk failed on $2 (see $_out)"
	fi
	_rps=$(awk '$1 == "Requests/sec:" { print $2 }' "$_out")
	_p99=$(awk '$1 == "99%" {
		v = $2 + 0
		if ($2 ~ /us$/) v /= 1000; else if ($2 ~ /ms$/) v = v; else if ($2 ~ /s$/) v *= 1000
		printf "%.2f\n", v }' "$_out")
	_bad=$(awk '/Non-2xx or 3xx responses:/ { n += $NF }
		/Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
		END { print n + 0 }' "$_out")
	if [ -z "$_rps" ] || [ -z "$_p99" ]; then
		die "taxii: cannot read wrk's output ($_out)"
	fi
}

# start_nginx DIR: serve DIR/www on a free loopback port (tries up to 5
# random ports); sets _npid and _nport.
start_nginx() {
	_nport=""
	_nuser=""
	if [ "$(id -u)" = 0 ]; then
		# As root the workers would switch to nobody, who cannot enter the
		# scratch directory (mode 0700): keep them as the current user.
		_nuser="user $(id -un) $(id -gn);"
	fi
	_try=0
	while [ -z "$_nport" ] && [ "$_try" -lt 5 ]; do
		_try=$((_try + 1))
		_p=$(awk -v s="$$" -v t="$_try" \
			'BEGIN { srand(); srand(srand() + s * 7 + t); print 20000 + int(rand() * 40000) }')
		cat >"$1/nginx/nginx.conf" <<EOF
# nginx for bench/run.sh taxii: one static file on loopback.
$_nuser
daemon off;
worker_processes auto;
pid $1/nginx/nginx.pid;
error_log $1/nginx/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $1/nginx/tmp/body;
	proxy_temp_path $1/nginx/tmp/proxy;
	fastcgi_temp_path $1/nginx/tmp/fastcgi;
	uwsgi_temp_path $1/nginx/tmp/uwsgi;
	scgi_temp_path $1/nginx/tmp/scgi;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	types { }
	default_type "application/taxii+json;version=2.1";
	server {
		listen 127.0.0.1:$_p;
		root $1/www;
	}
}
EOF
		"$_nginx" -p "$1/nginx/" -c "$1/nginx/nginx.conf" -e "$1/nginx/error.log" \
			>>"$1/nginx/stderr.log" 2>&1 &
		_npid=$!
		SERVER_PIDS="$SERVER_PIDS $_npid"
		_n=0
		while [ "$_n" -lt 50 ] && alive "$_npid"; do
			if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$_p/objects.json")" = 200 ]; then
				_nport=$_p
				break
			fi
			sleep 0.1
			_n=$((_n + 1))
		done
		if [ -z "$_nport" ]; then
			stop_server "$_npid"
		fi
	done
	if [ -z "$_nport" ]; then
		cat "$1/nginx/error.log" "$1/nginx/stderr.log" >&2 2>/dev/null || true
		die "taxii: nginx did not start"
	fi
}

bench_taxii() {
	_ing=$BENCH_BIN/bench_taxii_ingest
	_accord=${BENCH_ACCORD:-$(dirname "$BENCH_BIN")/accord}
	[ -x "$_ing" ] || die "missing $_ing (run make build)"
	[ -x "$_accord" ] || die "missing $_accord (run make build)"
	command -v wrk >/dev/null 2>&1 || die "taxii: wrk not found (sh scripts/install-deps.sh)"
	command -v curl >/dev/null 2>&1 || die "taxii: curl not found"
	_nginx=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
	[ -x "$_nginx" ] || die "taxii: nginx not found (sh scripts/install-deps.sh)"
	_clients=${BENCH_TAXII_CLIENTS:-4}
	_envelopes=${BENCH_TAXII_ENVELOPES:-100}
	_threads=${BENCH_TAXII_THREADS:-4}
	_rounds=${BENCH_TAXII_ROUNDS:-3}
	_wrkopts=${BENCH_TAXII_WRK:--t2 -c32 -d5s}
	workdir
	_t=$WORK/taxii
	mkdir -p "$_t/www" "$_t/nginx/tmp"

	# The node: a member with read and write on the collection, and its identity.
	node_up "$_accord" "$_t" taxii "$_threads"
	# The secret stays out of command lines: curl and wrk read it from files.
	printf 'Authorization: Bearer %s\nAccept: application/taxii+json;version=2.1\n' \
		"$_secret" >"$_t/headers"
	printf 'wrk.headers["Authorization"] = "Bearer %s"\nwrk.headers["Accept"] = "application/taxii+json;version=2.1"\n' \
		"$_secret" >"$_t/auth.lua"
	_root=http://127.0.0.1:$_port/default/
	_load=$(awk '{ print $1 }' /proc/loadavg 2>/dev/null || echo '?')

	# (a) ingest, timed by bench_taxii_ingest, which also reads the server's
	# CPU time over the timed part.
	if ! ACCORD_USER=bench ACCORD_SECRET=$_secret "$_ing" --url "$_root" --collection "$_coll" \
		--identity "$_ident" --clients "$_clients" --envelopes "$_envelopes" \
		--seed "$BENCH_SEED" --server-pid "$_spid" >"$_t/ingest.out" 2>"$_t/ingest.log"; then
		cat "$_t/ingest.out" "$_t/ingest.log" >&2
		die "taxii: bench_taxii_ingest failed (refused, lost or missing objects)"
	fi
	_get() { awk -v k="$1" '$1 == k { print $2 }' "$_t/ingest.out"; }

	printf '\n== TAXII node (accord serve --threads %s, HTTP on 127.0.0.1) ==\n' "$_threads"
	echo "load average (1 min) at the start: $_load"
	echo "(a) ingest: $_clients clients, $(_get envelopes) envelopes of $(_get objects_per_envelope)" \
		"indicators ($(calc 'sprintf("%.0f", b / 1000)' -v b="$(_get envelope_bytes_avg)") kB each)," \
		"keep-alive, each 202 after the durable commit"
	echo "stored $(_get status_success) of $(_get objects_posted) ($(_get status_failure) refused," \
		"$(_get http_errors) HTTP errors), all $(_get verify_stored) found in the manifest afterwards"
	goal_row "objects/s ($(_get seconds) s, wall clock)" "$(_get objects_per_sec)" ">=" 50000 objects/s
	printf '%-44s %14s\n' "POST latency ms, p50 / p99 / max" \
		"$(_get post_ms_p50) / $(_get post_ms_p99) / $(_get post_ms_max)"
	printf '%-44s %14s\n' "server CPU seconds (user + system)" "$(_get server_cpu_seconds)"
	printf '%-44s %14s\n' "objects per server CPU second" "$(_get objects_per_server_cpu_sec)"

	# (b) read: the first page of 100 objects, from accord and as a static
	# file from nginx. Rounds alternate nginx and accord, so both see the
	# same machine; the best requests/s of each (with that run's p99) counts.
	_path="collections/$_coll/objects/?limit=100"
	_code=$(curl -sS -o "$_t/www/objects.json" -w '%{http_code}' -H "@$_t/headers" "$_root$_path") ||
		die "taxii: GET $_path failed"
	[ "$_code" = 200 ] || die "taxii: GET $_path answered $_code"
	_bytes=$(wc -c <"$_t/www/objects.json" | tr -d ' ')
	start_nginx "$_t"
	_nver=$("$_nginx" -v 2>&1 | sed 's|^nginx version: nginx/||')
	_nbest=0
	_abest=0
	_nall=""
	_aall=""
	_round=1
	while [ "$_round" -le "$_rounds" ]; do
		wrk_run nginx "http://127.0.0.1:$_nport/objects.json"
		[ "$_bad" = 0 ] || die "taxii: nginx: $_bad bad answers or socket errors"
		_nall="${_nall:+$_nall/}$(calc 'sprintf("%.0f", r)' -v r="$_rps")"
		if [ "$(calc 'r > b' -v r="$_rps" -v b="$_nbest")" = 1 ]; then
			_nbest=$_rps
			_np99=$_p99
		fi
		wrk_run accord "$_root$_path" "$_t/auth.lua"
		[ "$_bad" = 0 ] || die "taxii: accord: $_bad bad answers or socket errors"
		_aall="${_aall:+$_aall/}$(calc 'sprintf("%.0f", r)' -v r="$_rps")"
		if [ "$(calc 'r > b' -v r="$_rps" -v b="$_abest")" = 1 ]; then
			_abest=$_rps
			_ap99=$_p99
		fi
		_round=$((_round + 1))
	done
	stop_servers

	echo "(b) read: GET objects/?limit=100 ($_bytes bytes), wrk $_wrkopts --latency," \
		"best of $_rounds alternating rounds"
	printf '%-44s %14s %10s\n' "server" "requests/s" "p99 ms"
	printf '%-44s %14s %10s\n' "nginx $_nver, the same body as a static file" "$_nbest" "$_np99"
	printf '%-44s %14s %10s\n' "accord serve" "$_abest" "$_ap99"
	printf '%-44s %14s\n' "every round, nginx requests/s" "$_nall"
	printf '%-44s %14s\n' "every round, accord requests/s" "$_aall"
	_ratio=$(calc 'n > 0 ? sprintf("%.2f", a / n) : "n/a"' -v a="$_abest" -v n="$_nbest")
	if [ "$(calc 'r >= 0.25' -v r="$_ratio")" = 1 ]; then
		_verdict="goal >= 0.25: met"
	else
		_verdict="goal >= 0.25: MISSED"
		MISSED=1
	fi
	printf '%-44s %14s   %s\n' "ratio (accord / nginx requests/s)" "$_ratio" "$_verdict"
}

# ---- JSON parsing (bench/json_parse.c) ----------------------------------------------
# Accord's parser (src/lib/json/parse.c) against jansson's json_loadb, which
# it replaced in acc_json_load, on a generated STIX bundle: same run, same
# allocator, equal trees checked; goal: at least twice json_loadb's MB/s.
# The bundle is BENCH_STIX_FILE when that exists, else generated.

bench_json() {
	_bin=$BENCH_BIN/bench_json_parse
	if [ ! -x "$_bin" ] || [ ! -x "$BENCH_BIN/bench_gen_stix" ]; then
		die "missing $_bin or bench_gen_stix (run make build)"
	fi
	_mb=${BENCH_JSON_MB:-${BENCH_STIX_MB:-100}}
	workdir
	_in=${BENCH_STIX_FILE:-$WORK/stix-bundle-${_mb}MB-seed$BENCH_SEED.json}
	if [ ! -s "$_in" ]; then
		"$BENCH_BIN/bench_gen_stix" --size "$_mb" --seed "$BENCH_SEED" --out "$_in" \
			2>"$WORK/json-gen.log" || die "json: bundle generation failed (see $WORK/json-gen.log)"
	fi
	for _mode in plain region; do
		_opt=""
		[ "$_mode" = region ] && _opt=--region
		# shellcheck disable=SC2086 # _opt is empty or one word
		"$_bin" --runs 5 $_opt "$_in" >"$WORK/json-$_mode.out" ||
			die "json: bench_json_parse failed ($_mode)"
	done
	_get() { awk -v k="$2" '$1 == k { print $2 }' "$WORK/json-$1.out"; }
	_bytes=$(_get plain bytes)
	header "JSON parsing (bench_json_parse, best of 5)" \
		"input: $_bytes bytes ($(calc 'sprintf("%.1f", n / 1e6)' -v n="$_bytes") MB), STIX bundle, seed $BENCH_SEED"
	_row() { row "$1" "$(calc 'sprintf("%.3f", s)' -v s="$(_get "$2" "$3_seconds")")" "$(_get "$2" "$3_MB/s")"; }
	_row "jansson json_loadb" plain jansson
	_row "accord parser (acc__json_parse)" plain parser
	_row "acc_json_load (depth scan + parser)" plain load
	_row "in a JSON region: jansson json_loadb" region jansson
	_row "in a JSON region: accord parser" region parser
	printf '%-44s %10s %10s\n' "ratio, acc_json_load / json_loadb" "" "$(_get plain ratio_load)"
	printf '%-44s %10s %10s\n' "ratio in a JSON region (parser / jansson)" "" "$(_get region ratio_parser)"
	goal_row "ratio (parser / json_loadb)" "$(_get plain ratio_parser)" ">=" 2 x
}

# ---- main ---------------------------------------------------------------------------

run_section() {
	case $1 in
	stix) bench_stix ;;
	tlog) bench_tlog ;;
	match) bench_match ;;
	taxii) bench_taxii ;;
	json) bench_json ;;
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
