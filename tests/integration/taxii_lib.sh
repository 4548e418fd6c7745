# taxii_lib.sh - sourced by tests/integration/test_taxii_*.sh: a node in a
# mktemp -d directory, `accord serve` on 127.0.0.1 with a free port (port 0,
# read back from its "serving" line), requests with curl, checks with jq,
# and a trap that stops the server and removes everything. No traffic goes
# to any address but 127.0.0.1.
set -u
ACCORD=${ACCORD:-build/dev/accord}
case "$ACCORD" in /*) ;; *) ACCORD="$PWD/$ACCORD" ;; esac
T=$(mktemp -d)
SERVER_PID=
pass=0
fail=0
TAXII='application/taxii+json;version=2.1'
ACCEPT="Accept: $TAXII"
CTYPE="Content-Type: $TAXII"

cleanup() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# node_init [init options...]: a node in $T/node; sets ADMIN (secret),
# ADMIN_ID (identity), COLL (collection id).
node_init() {
	NODE=$T/node
	"$ACCORD" init --dir "$NODE" --name test "$@" >"$T/init.out" || {
		echo "accord init failed"
		exit 1
	}
	ADMIN=$(sed -n 's/^secret: *//p' "$T/init.out")
	ADMIN_ID=$(sed -n 's/^admin: .*(identity \(.*\))$/\1/p' "$T/init.out")
	COLL=$(sed -n 's/^api root: .*(collection \([0-9a-f-]*\),.*/\1/p' "$T/init.out")
}

# member NAME [member add options...]: prints the new member's secret.
member() {
	local name=$1
	shift
	"$ACCORD" member add --dir "$NODE" "$name" "$@" 2>/dev/null
}
member_identity() {
	"$ACCORD" member list --dir "$NODE" 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'
}

# serve_start [serve options...]: starts the server, sets URL (base) and R
# (the default api root's URL).
serve_start() {
	: >"$T/serve.out"
	"$ACCORD" serve --dir "$NODE" --listen 127.0.0.1:0 "$@" >"$T/serve.out" 2>"$T/serve.err" &
	SERVER_PID=$!
	for _ in $(seq 1 200); do
		grep -q '^accord: serving' "$T/serve.out" && break
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	URL=$(sed -n 's|^accord: serving \(.*\)/taxii2/$|\1|p' "$T/serve.out")
	if [ -z "$URL" ]; then
		echo "accord serve did not start:"
		cat "$T/serve.err"
		exit 1
	fi
	R=$URL/default
}
serve_stop() {
	kill -TERM "$SERVER_PID"
	wait "$SERVER_PID"
	local rc=$?
	SERVER_PID=
	return $rc
}

# req METHOD URL CREDENTIALS [curl args...]: CODE gets the status; the body
# is in $T/body, the headers in $T/headers. CREDENTIALS: "user:secret" for
# Basic, "bearer:SECRET" for Bearer, "-" for none.
req() {
	local method=$1 url=$2 cred=$3
	shift 3
	local auth=() how=(-X "$method")
	[ "$method" = HEAD ] && how=(--head)
	case "$cred" in
	-) ;;
	bearer:*) auth=(-H "Authorization: Bearer ${cred#bearer:}") ;;
	*) auth=(-u "$cred") ;;
	esac
	CODE=$(curl -s -g "${how[@]}" -o "$T/body" -D "$T/headers" -w '%{http_code}' \
		"${auth[@]}" "$@" "$url")
	if [ -n "${TAXII_TRACE:-}" ]; then echo "$CODE $method $url $cred" >&2; fi
}
get() { req GET "$1" "$2" -H "$ACCEPT" "${@:3}"; }
# post URL CREDENTIALS FILE
post() { req POST "$1" "$2" -H "$ACCEPT" -H "$CTYPE" --data-binary "@$3" "${@:4}"; }

expect_code() { # name want
	if [ "$CODE" = "$2" ]; then ok; else
		bad "$1: HTTP $CODE, want $2: $(head -c 400 "$T/body")"
	fi
}
expect_jq() { # name jq-expression (must print true)
	if [ "$(jq -r "$2" "$T/body" 2>/dev/null)" = "true" ]; then ok; else
		bad "$1: $2 is not true for: $(head -c 600 "$T/body")"
	fi
}
expect_header() { # name regex
	if grep -qiE "$2" "$T/headers"; then ok; else
		bad "$1: no header matching /$2/ in: $(tr '\r\n' '  ' <"$T/headers")"
	fi
}
no_header() { # name regex
	if grep -qiE "$2" "$T/headers"; then bad "$1: unexpected header /$2/"; else ok; fi
}
# An error answer: the status, the TAXII media type, and an error message
# resource with title and the status as a string.
expect_error() { # name code
	expect_code "$1" "$2"
	expect_header "$1 (media type)" "^Content-Type: application/taxii\+json;version=2\.1"
	expect_jq "$1 (error body)" "(.title | type == \"string\") and .http_status == \"$2\""
}

# envelope FILE OBJECT-JSON...: write a TAXII envelope.
envelope() {
	local f=$1
	shift
	{
		printf '{"objects":['
		local sep=
		for o in "$@"; do
			printf '%s%s' "$sep" "$o"
			sep=,
		done
		printf ']}'
	} >"$f"
}

# indicator ID CREATED_BY [MODIFIED] [MARKING-ID]: a valid STIX 2.1 indicator.
indicator() {
	local id=$1 by=$2 mod=${3:-2024-01-01T00:00:00.000Z} mark=${4:-}
	local marks=
	[ -n "$mark" ] && marks=",\"object_marking_refs\":[\"$mark\"]"
	printf '{"type":"indicator","spec_version":"2.1","id":"%s","created":"2024-01-01T00:00:00.000Z","modified":"%s","created_by_ref":"%s","name":"test","pattern":"[ipv4-addr:value = '"'"'198.51.100.7'"'"']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"%s}' \
		"$id" "$mod" "$by" "$marks"
}

uuid() { cat /proc/sys/kernel/random/uuid; }

TLP_CLEAR=marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487
TLP_GREEN=marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb
TLP_AMBER=marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421
TLP_AMBER_STRICT=marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003
TLP_RED=marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
