#!/usr/bin/env bash
# 10,000 objects that share one date_added (put there by `accord restore`,
# which keeps dates): paging GET objects with limit=7 through `next` sees
# each exactly once, in (date_added, seq) order, and every page carries
# X-TAXII-Date-Added-First/Last; the manifest (limit 1000) lists the same rows.
. "$(dirname "$0")/taxii_lib.sh"

N=10000
node_init
"$ACCORD" dump --dir "$NODE" >"$T/dump.jsonl" 2>/dev/null
awk -v n=$N -v coll="$COLL" -v by="$ADMIN_ID" 'BEGIN {
	for (i = 0; i < n; i++) {
		id = sprintf("indicator--%08x-0000-4000-8000-%012x", i, i)
		printf "{\"collection\":\"%s\",\"date_added\":\"2025-01-01T00:00:00.000000Z\",\"member\":\"admin\",\"object\":{\"created\":\"2024-01-01T00:00:00.000Z\",\"created_by_ref\":\"%s\",\"id\":\"%s\",\"modified\":\"2024-01-01T00:00:00.000Z\",\"pattern\":\"[ipv4-addr:value = '"'"'198.51.100.1'"'"']\",\"pattern_type\":\"stix\",\"spec_version\":\"2.1\",\"type\":\"indicator\",\"valid_from\":\"2024-01-01T00:00:00Z\"}}\n", coll, by, id
	}
}' >>"$T/dump.jsonl"
if ! "$ACCORD" restore --dir "$NODE" --force "$T/dump.jsonl" >"$T/restore.out" 2>&1; then
	cat "$T/restore.out"
	bad "accord restore failed"
	finish
	exit 1
fi
serve_start
A=admin:$ADMIN
C=$R/collections/$COLL

# The pages are fetched over one keep-alive connection opened with bash's
# /dev/tcp (no process per page); the pages are kept and read by one jq at
# the end, so that 1,429 pages stay fast under the sanitizer build. HOSTPORT: 127.0.0.1:port.
HOSTPORT=${URL#http://}
AUTH=$(printf 'admin:%s' "$ADMIN" | base64 -w0)
BASE=${C#"$URL"}

# fetch PATH: sets CODE, HEADERS, BODY (one exchange on fd 3).
fetch() {
	local line len=0 request
	# One write: pieces written one by one would wait for delayed ACKs.
	printf -v request 'GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Basic %s\r\nAccept: %s\r\n\r\n' \
		"$1" "$HOSTPORT" "$AUTH" "$TAXII"
	printf '%s' "$request" >&3
	IFS= read -r line <&3 || return 1
	line=${line%$'\r'}
	CODE=${line#HTTP/1.1 }
	CODE=${CODE%% *}
	HEADERS=
	while IFS= read -r line <&3; do
		line=${line%$'\r'}
		[ -z "$line" ] && break
		HEADERS+="$line"$'\n'
		case "$line" in [Cc]ontent-[Ll]ength:*) len=${line#*: } ;; esac
	done
	BODY=
	[ "$len" -gt 0 ] && IFS= read -r -N "$len" BODY <&3
	return 0
}

page_all() { # endpoint limit file
	local ep=$1 limit=$2 out=$3 next= pages=0 path re_next
	local LC_ALL=C
	re_next='"next":"([^"]*)"'
	: >"$out.pages"
	exec 3<>"/dev/tcp/${HOSTPORT%:*}/${HOSTPORT##*:}" || { bad "cannot connect"; return; }
	while :; do
		path="$BASE/$ep/?limit=$limit"
		[ -n "$next" ] && path="$path&next=$next"
		fetch "$path" || { bad "$ep page $pages: connection closed"; break; }
		[ "$CODE" = 200 ] || { bad "$ep page $pages: HTTP $CODE"; break; }
		case "$HEADERS" in
		*[Xx]-[Tt][Aa][Xx][Ii][Ii]-[Dd]ate-[Aa]dded-[Ff]irst:\ 2025-01-01T00:00:00.000000Z*) ;;
		*) bad "$ep page $pages: X-TAXII-Date-Added-First"; break ;;
		esac
		case "$HEADERS" in
		*[Xx]-[Tt][Aa][Xx][Ii][Ii]-[Dd]ate-[Aa]dded-[Ll]ast:\ 2025-01-01T00:00:00.000000Z*) ;;
		*) bad "$ep page $pages: X-TAXII-Date-Added-Last"; break ;;
		esac
		printf '%s\n' "$BODY" >>"$out.pages"
		next=
		[[ $BODY =~ $re_next ]] && next=${BASH_REMATCH[1]}
		pages=$((pages + 1))
		[ -n "$next" ] || break
		[ $pages -le $((N / limit + 2)) ] || { bad "$ep: too many pages"; break; }
	done
	exec 3<&-
	PAGES=$pages
	jq -r '.objects[].id' "$out.pages" >"$out"
}

page_all objects 7 "$T/objects.txt"
test "$(wc -l <"$T/objects.txt")" = $N && ok || bad "objects: saw $(wc -l <"$T/objects.txt") rows, want $N"
test "$(sort -u "$T/objects.txt" | wc -l)" = $N && ok || bad "objects: duplicates"
test "$PAGES" = $(((N + 6) / 7)) && ok || bad "objects: $PAGES pages"
# Restored rows keep their file order (seq) within the shared date.
sort -c "$T/objects.txt" && ok || bad "objects: not in seq order"

page_all manifest 1000 "$T/manifest.txt"
cmp -s "$T/objects.txt" "$T/manifest.txt" && ok || bad "manifest pages differ from objects pages"

serve_stop && ok || bad "serve did not exit 0"
finish
