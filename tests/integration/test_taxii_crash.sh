#!/usr/bin/env bash
# Crash safety: kill -9 the server while three clients are posting, start it
# again, and check that every object whose 202 a client received is there,
# and that SQLite's integrity check passes. Then a graceful stop (SIGTERM)
# while clients post: requests in flight finish, and the server exits 0.
. "$(dirname "$0")/taxii_lib.sh"

node_init
serve_start
C=$R/collections/$COLL

# client N: post one-object envelopes until the server goes away; append
# the id of each acknowledged object to $T/acked.N.
client() {
	local n=$1 i=0 id code
	: >"$T/acked.$n"
	while [ $i -lt 2000 ]; do
		id=indicator--$(uuid)
		envelope "$T/c$n.json" "$(indicator "$id" "$ADMIN_ID")"
		code=$(curl -s -o "$T/c$n.out" -w '%{http_code}' -u "admin:$ADMIN" -H "$ACCEPT" \
			-H "$CTYPE" --data-binary @"$T/c$n.json" "$C/objects/" 2>/dev/null)
		if [ "$code" = 202 ] && grep -q '"success_count":1' "$T/c$n.out"; then
			echo "$id" >>"$T/acked.$n"
		elif [ "$code" = 000 ]; then
			break
		fi
		i=$((i + 1))
	done
}

run_clients_then() { # signal delay
	local pids=()
	for n in 1 2 3; do
		client $n &
		pids+=($!)
	done
	sleep "$2"
	kill "-$1" "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null
	STOP_RC=$?
	SERVER_PID=
	for p in "${pids[@]}"; do wait "$p"; done
}

run_clients_then KILL 3
cat "$T"/acked.* >"$T/acked"
acked=$(wc -l <"$T/acked")
[ "$acked" -ge 5 ] && ok || bad "only $acked objects acknowledged before the kill"

sqlite3 "$NODE/accord.db" 'PRAGMA integrity_check;' >"$T/check" 2>&1
[ "$(cat "$T/check")" = ok ] && ok || bad "integrity_check after kill -9: $(cat "$T/check")"

serve_start
C=$R/collections/$COLL
missing=0
while read -r id; do
	get "$C/objects/$id/" "admin:$ADMIN"
	[ "$CODE" = 200 ] || missing=$((missing + 1))
done <"$T/acked"
[ $missing = 0 ] && ok || bad "$missing of $acked acknowledged objects lost after kill -9"

# Graceful stop while posting.
run_clients_then TERM 2
[ "$STOP_RC" = 0 ] && ok || bad "SIGTERM: exit status $STOP_RC"
cat "$T"/acked.* >"$T/acked2"
sqlite3 "$NODE/accord.db" 'PRAGMA integrity_check;' >"$T/check" 2>&1
[ "$(cat "$T/check")" = ok ] && ok || bad "integrity_check after SIGTERM: $(cat "$T/check")"
serve_start
C=$R/collections/$COLL
missing=0
while read -r id; do
	get "$C/objects/$id/" "admin:$ADMIN"
	[ "$CODE" = 200 ] || missing=$((missing + 1))
done <"$T/acked2"
[ $missing = 0 ] && ok || bad "$missing acknowledged objects lost after SIGTERM"
echo "acknowledged: $acked before kill -9, $(wc -l <"$T/acked2") before SIGTERM"

serve_stop && ok || bad "serve did not exit 0"
finish
