#!/usr/bin/env bash
# The TAXII client commands against a real `accord serve` on 127.0.0.1 (a
# free port chosen by the server) in a temporary directory: taxii discover,
# push (batches under max_content_length, status followed, failures
# reported), pull (pagination to the end, filters, bundle and JSON Lines),
# credentials, TLP:RED visibility, and a served node moved with dump ->
# restore keeps its objects and its members' secrets. Only 127.0.0.1 is
# ever contacted.
set -u
ACCORD=${ACCORD:-build/dev/accord}
case $ACCORD in /*) ;; *) ACCORD=$PWD/$ACCORD ;; esac
tmp=$(mktemp -d)
server=""
stop_server() {
	if [ -n "$server" ]; then
		kill -TERM "$server" 2>/dev/null
		wait "$server" 2>/dev/null
		server=""
	fi
}
trap 'stop_server; rm -rf "$tmp"' EXIT
unset ACCORD_DIR ACCORD_USER ACCORD_SECRET
# never a proxy: everything here is loopback
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export NO_PROXY='*'
pass=0
fail=0

check() { # name expected-exit actual-exit
	if [ "$2" = "$3" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $1: exit $3, want $2"; head -20 "$tmp/err" 2>/dev/null; fi
}
expect_grep() { # name pattern file
	if grep -qE -- "$2" "$3"; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $1: no line matching /$2/ in:"; head -20 "$3"; fi
}
expect_eq() { # name want got
	if [ "$2" = "$3" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $1: got '$3', want '$2'"; fi
}
run() { # expected-exit name command...
	local want=$1 name=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	check "$name" "$want" $?
}
A() { "$ACCORD" "$@"; }

# start_server DIR: serve DIR on 127.0.0.1, any free port; sets URL and server
start_server() {
	local log=$tmp/serve.$RANDOM.log i=0
	: >"$log" # truncated here, not in the child: never read a previous server's line
	"$ACCORD" serve --dir "$1" --listen 127.0.0.1:0 >"$log" 2>&1 &
	server=$!
	until grep -qsE "serving https?://127.0.0.1:[0-9]+/" "$log"; do
		if ! kill -0 "$server" 2>/dev/null || [ $i -ge 300 ]; then
			echo "FAIL: accord serve did not start:"; cat "$log"; exit 1
		fi
		i=$((i + 1))
		sleep 0.1
	done
	BASE=$(sed -n 's|.*serving \(https*://127\.0\.0\.1:[0-9]*\)/.*|\1|p' "$log" | head -1)
	ROOT=$BASE/default/
}

# ---- a node with two members and a small api root ---------------------------------------
N=$tmp/node
A init --dir "$N" >/dev/null 2>&1 || { echo "FAIL: accord init"; exit 1; }
alice_id=identity--0a4b1a4e-6f55-4b0e-a9c7-5f3c9fb9d2a1
bob_id=identity--6b4f2c51-4e62-4e54-9d3e-1b1a0e6b8f70
alice=$(A member add alice --identity $alice_id --dir "$N" 2>/dev/null)
bob=$(A member add bob --identity $bob_id --dir "$N" 2>/dev/null)
A grant alice shared --read --write --dir "$N" >/dev/null
A grant bob shared --read --write --dir "$N" >/dev/null
A member add carol --dir "$N" >/dev/null 2>&1 # no access anywhere
A root add small --title Small --max-content-length 4096 --dir "$N" 2>/dev/null
small=$(A collection add small --title Tiny --alias tiny --dir "$N" 2>/dev/null)
A grant alice tiny --read --write --dir "$N" >/dev/null
printf 'carol-secret\n' | A member rotate carol --secret-stdin --dir "$N" 2>/dev/null
start_server "$N"
case $BASE in http://127.0.0.1:*) pass=$((pass + 1)) ;; *) fail=$((fail + 1)); echo "FAIL: not loopback: $BASE" ;; esac

# indicators HEX8 NAME COUNT IDENTITY [MARKING]: JSON Lines of COUNT indicators
# with ids indicator--HEX8-1111-4111-8111-<n>, TLP:GREEN unless MARKING
indicators() {
	local i
	for ((i = 1; i <= $3; i++)); do
		printf '{"type":"indicator","spec_version":"2.1","id":"indicator--%s-1111-4111-8111-%012d","created":"2026-03-01T00:00:00.000Z","modified":"2026-03-01T00:00:00.000Z","created_by_ref":"%s","name":"%s %d","pattern":"[ipv4-addr:value = '"'"'198.51.100.%d'"'"']","pattern_type":"stix","valid_from":"2026-03-01T00:00:00Z","object_marking_refs":["%s"]}\n' \
			"$1" "$i" "$4" "$2" "$i" $((i % 250)) \
			"${5:-marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb}"
	done
}

# ---- taxii discover --------------------------------------------------------------------------
run 1 "discover anonymous: 401" A taxii discover "$BASE"
expect_grep "401 explained" "accord: taxii discover: $BASE/taxii2/: HTTP 401: Unauthorized" "$tmp/err"
ACCORD_SECRET=$alice run 0 "discover the server" A taxii discover "$BASE"
expect_grep "discovery" "^Discovery $BASE/taxii2/$" "$tmp/out"
expect_grep "api root" "^API root $ROOT$" "$tmp/out"
expect_grep "collection shared rw" "^    [0-9a-f-]{36}  shared +rw  Shared intelligence$" "$tmp/out"
expect_grep "max_content_length" "max_content_length +4096" "$tmp/out"
ACCORD_SECRET=$alice run 0 "discover an api root --json" A taxii discover "$ROOT" --json
expect_eq "json alias" shared "$(jq -r '.api_roots[0].collections[0].alias' "$tmp/out")"
printf '%s\n' "$alice" | A taxii discover "$BASE/taxii2/" --user alice --secret-stdin >"$tmp/out" 2>"$tmp/err"
check "discover with Basic from stdin" 0 $?
run 2 "discover bad URL" A taxii discover "ftp://127.0.0.1/"
run 2 "discover nothing listening" A taxii discover "http://127.0.0.1:1/" --timeout 5
ACCORD_USER=alice run 2 "user without secret" A taxii discover "$BASE"
expect_grep "user needs a secret" "--user alice without a secret" "$tmp/err"

# ---- push ---------------------------------------------------------------------------------------
indicators 00a11ce0 alice 600 $alice_id >"$tmp/a600.jsonl"
ACCORD_SECRET=$alice run 0 "push 600 in batches" A push "$ROOT" shared "$tmp/a600.jsonl" --batch 100
expect_eq "600 success lines" 600 "$(grep -c '^success indicator--' "$tmp/out")"
expect_grep "summary" "600 objects in 6 envelopes: 600 succeeded, 0 failed" "$tmp/err"
ACCORD_SECRET=$alice run 0 "push again: duplicates succeed" A push "$ROOT" shared "$tmp/a600.jsonl" --quiet
expect_eq "quiet prints no successes" 0 "$(grep -c . "$tmp/out")"
# a bundle with one object in another member's name and one invalid object
{
	printf '{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":['
	indicators 000b0b00 other 1 $bob_id | tr -d '\n'
	printf ','
	printf '{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2026-03-01T00:00:00.000Z","modified":"2026-03-01T00:00:00.000Z","created_by_ref":"%s","pattern_type":"stix","valid_from":"2026-03-01T00:00:00Z"}' $alice_id
	printf ','
	indicators 00f1e000 fine 1 $alice_id | tr -d '\n'
	printf ']}\n'
} >"$tmp/mixed.json"
ACCORD_SECRET=$alice run 1 "push with failures" A push "$ROOT" shared "$tmp/mixed.json"
expect_grep "not in another's name" "^failure indicator--[0-9a-f-]+ 2026-03-01T00:00:00.000Z: .*created_by_ref" "$tmp/out"
expect_grep "validator message" "^failure indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f .*pattern" "$tmp/out"
expect_grep "the valid one" "^success indicator--" "$tmp/out"
expect_grep "summary counts" "3 objects in 1 envelopes: 1 succeeded, 2 failed" "$tmp/err"
printf '{"type":"bundle","objects":[{"type":"indicator",\n' >"$tmp/broken.json"
ACCORD_SECRET=$alice run 1 "malformed file" A push "$ROOT" shared "$tmp/broken.json" "$tmp/mixed.json" -q
expect_grep "malformed: nothing sent" "broken.json: .*nothing of it was sent" "$tmp/err"
ACCORD_SECRET=$alice run 1 "unknown collection" A push "$ROOT" nope "$tmp/a600.jsonl"
expect_grep "unknown collection named" "no collection with id or alias 'nope'" "$tmp/err"
ACCORD_SECRET=alice.wrongwrongwrongwrongwrongwrongwrongwrongwro run 1 "wrong secret" A push "$ROOT" shared "$tmp/a600.jsonl"
expect_grep "401" "HTTP 401" "$tmp/err"
ACCORD_USER=carol ACCORD_SECRET=carol-secret run 1 "no access" A push "$ROOT" shared "$tmp/a600.jsonl"
run 2 "push missing file" env ACCORD_SECRET="$alice" "$ACCORD" push "$ROOT" shared "$tmp/none.json"
run 2 "push no file" A push "$ROOT" shared
run 2 "push nothing listening" env ACCORD_SECRET="$alice" "$ACCORD" push http://127.0.0.1:1/default/ shared "$tmp/a600.jsonl" --timeout 5
# max_content_length 4096: several envelopes, and one object too large to send
indicators 0005a11e small 30 $alice_id >"$tmp/s30.jsonl"
ACCORD_SECRET=$alice run 0 "push under max_content_length" A push "$BASE/small" tiny "$tmp/s30.jsonl"
envelopes=$(sed -n 's/.*30 objects in \([0-9]*\) envelopes.*/\1/p' "$tmp/err")
[ "${envelopes:-0}" -ge 4 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: want >= 4 envelopes of <= 4096 bytes:"; cat "$tmp/err"; }
big=$(head -c 5000 /dev/zero | tr '\0' x)
indicators 00b19000 huge 1 $alice_id | sed "s/\"name\":\"huge 1\"/\"name\":\"$big\"/" >"$tmp/big.jsonl"
ACCORD_SECRET=$alice run 1 "object over max_content_length" A push "$BASE/small/" "$small" "$tmp/big.jsonl"
expect_grep "too big reported" "^failure indicator--.*more than the api root's max_content_length" "$tmp/out"
# Bob: a TLP:RED note for Alice (recipients extension), one for nobody
red=marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1
ext=extension-definition--1455b14b-c811-4c23-b770-ccc1788cb7ee
cat >"$tmp/red.json" <<EOF
{"type":"note","spec_version":"2.1","id":"note--0c4e0c3f-5d2f-4bb8-8f1e-6c5f0c2b1a11","created":"2026-03-02T00:00:00.000Z","modified":"2026-03-02T00:00:00.000Z","content":"For Alice.","object_refs":["indicator--00a11ce0-1111-4111-8111-000000000001"],"created_by_ref":"$bob_id","object_marking_refs":["$red"],"extensions":{"$ext":{"extension_type":"property-extension","recipients":["$alice_id"]}}}
{"type":"note","spec_version":"2.1","id":"note--1c4e0c3f-5d2f-4bb8-8f1e-6c5f0c2b1a12","created":"2026-03-02T00:00:00.000Z","modified":"2026-03-02T00:00:00.000Z","content":"Bob only.","object_refs":["indicator--00a11ce0-1111-4111-8111-000000000001"],"created_by_ref":"$bob_id","object_marking_refs":["$red"]}
EOF
printf '%s\n' "$bob" | A push "$ROOT" shared "$tmp/red.json" --user bob --secret-stdin >"$tmp/out" 2>"$tmp/err"
check "push as bob with Basic" 0 $?

# ---- pull -----------------------------------------------------------------------------------------
ACCORD_SECRET=$alice run 0 "pull all as a bundle" A pull "$ROOT" shared
expect_eq "bundle type" bundle "$(jq -r .type "$tmp/out")"
expect_eq "alice sees 602 (not Bob's RED note for nobody)" 602 "$(jq '.objects | length' "$tmp/out")"
expect_eq "each once" 602 "$(jq -r '.objects[].id' "$tmp/out" | sort -u | wc -l)"
jq -r '.objects[].id' "$tmp/out" | sort >"$tmp/alice-ids"
ACCORD_SECRET=$bob run 0 "bob sees both notes" A pull "$ROOT" shared --type note --jsonl
expect_eq "bob: 2 notes" 2 "$(grep -c . "$tmp/out")"
ACCORD_SECRET=$alice run 0 "pull --limit 7: many pages" A pull "$ROOT" shared --limit 7 --jsonl -o "$tmp/p7.jsonl"
expect_eq "same objects with small pages" "$(cat "$tmp/alice-ids")" "$(jq -r .id "$tmp/p7.jsonl" | sort)"
expect_grep "pages counted" "602 objects in 8[6-9] pages" "$tmp/err"
[ ! -e "$tmp/p7.jsonl.partial" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: partial left"; }
ACCORD_SECRET=$alice run 0 "pull by collection id" A pull "$ROOT" "$(A collection list default --dir "$N" | awk '$3 == "shared" {print $1}')" --type note
expect_eq "alice: one note" 1 "$(jq '.objects | length' "$tmp/out")"
ACCORD_SECRET=$alice run 0 "pull --type twice" A pull "$ROOT" shared --type note --type identity --jsonl
expect_eq "type filter" 1 "$(grep -c . "$tmp/out")"
ACCORD_SECRET=$alice run 0 "pull --id" A pull "$ROOT" shared --id indicator--00a11ce0-1111-4111-8111-000000000007 --jsonl
expect_eq "id filter" 1 "$(grep -c . "$tmp/out")"
first=$(ACCORD_SECRET=$alice A pull "$ROOT" shared --jsonl 2>&1 >/dev/null | sed -n 's/.*, added \(.*\) to .*/\1/p')
ACCORD_SECRET=$alice run 0 "pull --added-after" A pull "$ROOT" shared --added-after "$first" --jsonl
expect_eq "all but the first" 601 "$(grep -c . "$tmp/out")"
ACCORD_SECRET=$alice run 0 "pull nothing: an empty bundle" A pull "$ROOT" shared --type campaign
expect_eq "empty bundle has no objects" "bundle null" "$(jq -r '.type + " " + (.objects | tostring)' "$tmp/out")"
run 2 "pull bad --added-after" env ACCORD_SECRET="$alice" "$ACCORD" pull "$ROOT" shared --added-after yesterday
ACCORD_SECRET=$alice run 1 "pull unknown collection" A pull "$ROOT" nope
run 1 "pull anonymous" A pull "$ROOT" shared
ACCORD_USER=carol ACCORD_SECRET=carol-secret run 1 "pull without read access" A pull "$ROOT" shared
run 2 "pull no collection" A pull "$ROOT"
run 2 "pull bad limit" A pull "$ROOT" shared --limit 0

# ---- move the served node: dump -> restore -> serve ----------------------------------------------
run 0 "dump while serving" A dump --dir "$N"
cp "$tmp/out" "$tmp/d0"
run 2 "restore while serving is refused" A restore --force --dir "$N" "$tmp/d0"
expect_grep "in use" "the database is in use \(stop accord serve first\)" "$tmp/err"
stop_server
A dump --dir "$N" >"$tmp/d1" 2>/dev/null
N2=$tmp/node2
A init --dir "$N2" >/dev/null 2>&1
run 0 "restore the dump" A restore --dir "$N2" "$tmp/d1"
A dump --dir "$N2" >"$tmp/d2" 2>/dev/null
cmp -s "$tmp/d1" "$tmp/d2" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: dumps differ after the move"; }
start_server "$N2"
ACCORD_SECRET=$alice run 0 "alice's secret works on the new node" A pull "$ROOT" shared
jq -r '.objects[].id' "$tmp/out" | sort >"$tmp/alice-ids2"
cmp -s "$tmp/alice-ids" "$tmp/alice-ids2" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: alice sees other objects after the move"; }
ACCORD_SECRET=$bob run 0 "bob still sees his RED note" A pull "$ROOT" shared --type note
expect_eq "bob: 2 notes after the move" 2 "$(jq '.objects | length' "$tmp/out")"
stop_server

# ---- HTTPS: verification on by default, --ca-file, --insecure --------------------------------------
N3=$tmp/tlsnode
A init --dir "$N3" --tls >"$tmp/init3" 2>&1 || { echo "FAIL: accord init --tls"; cat "$tmp/init3"; exit 1; }
admin3=$(sed -n 's/^secret: *//p' "$tmp/init3")
start_server "$N3"
case $BASE in https://127.0.0.1:*) pass=$((pass + 1)) ;; *) fail=$((fail + 1)); echo "FAIL: not https: $BASE" ;; esac
ACCORD_SECRET=$admin3 run 2 "self-signed refused by default" A taxii discover "$BASE"
expect_grep "certificate problem" "SSL certificate problem" "$tmp/err"
ACCORD_SECRET=$admin3 run 0 "--ca-file" A taxii discover "$BASE" --ca-file "$N3/tls/cert.pem"
expect_grep "https discovery" "^Discovery $BASE/taxii2/$" "$tmp/out"
ACCORD_SECRET=$admin3 run 0 "--insecure" A taxii discover "$BASE" --insecure
indicators 00c0ffee tls 3 "$(sed -n 's/.*identity \(identity--[0-9a-f-]*\).*/\1/p' "$tmp/init3")" >"$tmp/tls.jsonl"
ACCORD_SECRET=$admin3 run 0 "push over https" A push "$BASE/default/" shared "$tmp/tls.jsonl" --ca-file "$N3/tls/cert.pem"
ACCORD_SECRET=$admin3 run 0 "pull over https" A pull "$BASE/default/" shared --jsonl --ca-file "$N3/tls/cert.pem"
expect_eq "3 over https" 3 "$(grep -c . "$tmp/out")"
stop_server

echo "test_client: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
