#!/usr/bin/env bash
# accord dump / accord restore (format version 2) on a node with what
# version 1 did not carry: a --require-signed and a --public collection, a
# member with two signing keys one of them revoked, a removed member with
# keys. Dump, restore into a fresh node, and check on the restored node,
# served by accord serve, that the flags hold (an unsigned object refused in
# the signed-only collection, an anonymous read of the public one), that the
# keys are there with their state (member key list, a signature by the
# revoked key refused, by the active one accepted), and that its dump is the
# same bytes. Then: a version-1 dump written by hand still restores; bad
# member-key and collection lines fail with their line number and leave the
# node unchanged. Artifact statements move (a member's, and a removed
# member's): the dump holds them with their envelopes, and on the restored
# node GET /log/artifacts finds them and `accord artifact verify --node`
# accepts them, including one signed by a key revoked after it was published
# (restore revokes a current member's keys after the artifact and object
# lines: the new log's leaf order is checked); the revoked key still signs
# nothing there. What still differs: a removed member's statement signed by
# a key it revoked before its removal is key-revoked on the restored node
# (documented). Bad artifact lines fail at their line.
. "$(dirname "$0")/taxii_lib.sh"

need() { command -v "$1" >/dev/null 2>&1 || { echo "SKIP: $1 not found"; exit 77; }; }
need jq
need curl

same() { # name file1 file2
	if cmp -s "$2" "$3"; then ok; else bad "$1: $2 and $3 differ: $(diff "$2" "$3" | head -10)"; fi
}
expect_file_grep() { # name pattern file
	if grep -qE -- "$2" "$3"; then ok; else bad "$1: no line matching /$2/ in: $(head -c 800 "$3")"; fi
}
run() { # expected-exit name command...: stdout in $T/out, stderr in $T/err
	local want=$1 name=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	local got=$?
	if [ "$got" = "$want" ]; then ok; else bad "$name: exit $got, want $want: $(cat "$T/err")"; fi
}
A() { "$ACCORD" "$@"; }

# ---- the original node ---------------------------------------------------------------------
node_init
N1=$NODE
for k in alice alice2 carol carol2; do
	A key gen --out "$T/$k.key" --name "$k" >/dev/null 2>&1 || { echo "key gen failed"; exit 1; }
done
ALICE=$(member alice --pubkey "$T/alice.key.pub")
ALICE_ID=$(member_identity alice)
A member key add --dir "$N1" alice "$T/alice2.key.pub" >"$T/kid_alice2" 2>/dev/null || bad "key add alice2"
# (alice2 is revoked below, after it signed a statement)
# a removed member (below, after it published statements): one key revoked
# before the removal (carol2, after it signed a statement), one by it
CAROL=$(member carol --pubkey "$T/carol.key.pub" --pubkey "$T/carol2.key.pub")

SIGNED=$(A collection add default --title Signed --alias signed --require-signed --dir "$N1" 2>/dev/null)
PUB=$(A collection add default --title Public --alias pub --public --dir "$N1" 2>/dev/null)
A grant --dir "$N1" alice signed --read --write >/dev/null 2>&1
A grant --dir "$N1" alice pub --read --write >/dev/null 2>&1

serve_start
sign_obj() { # key in out
	A sign --key "$1" "$2" >"$3" 2>"$T/sign.err" || bad "accord sign: $(cat "$T/sign.err")"
}
IND1=indicator--$(uuid)
indicator "$IND1" "$ALICE_ID" >"$T/raw1.json"
sign_obj "$T/alice.key" "$T/raw1.json" "$T/signed1.json"
envelope "$T/env.json" "$(cat "$T/signed1.json")"
post "$R/collections/$SIGNED/objects/" "alice:$ALICE" "$T/env.json"
expect_jq "original: a signed object is stored in the signed-only collection" '.success_count == 1'
CLEAR1=indicator--$(uuid)
envelope "$T/env.json" "$(indicator "$CLEAR1" "$ALICE_ID" 2024-01-01T00:00:00.000Z "$TLP_CLEAR")"
post "$R/collections/$PUB/objects/" "alice:$ALICE" "$T/env.json"
expect_jq "original: a CLEAR object in the public collection" '.success_count == 1'
AMBER1=indicator--$(uuid)
envelope "$T/env.json" "$(indicator "$AMBER1" "$ALICE_ID" 2024-01-01T00:00:00.000Z "$TLP_AMBER")"
post "$R/collections/$PUB/objects/" "alice:$ALICE" "$T/env.json"
expect_jq "original: an AMBER object in the public collection" '.success_count == 1'
# artifact statements: alice's, carol's (removed below), one by alice2 (revoked below)
# and one by carol2 (revoked below, before carol's removal)
publish() { # file content version key member secret: signs and POSTs FILE; FSHA gets its sha256
	printf '%s\n' "$2" >"$1"
	A artifact sign "$1" --version "$3" --key "$4" --member "$5" --out "$1.dsse" >/dev/null \
		2>"$T/art.err" || bad "artifact sign $1: $(cat "$T/art.err")"
	req POST "$URL/log/artifacts" "$5:$6" -H 'Content-Type: application/json' --data-binary "@$1.dsse"
	expect_code "original: POST /log/artifacts ($1)" 201
	FSHA=$(sha256sum "$1" | cut -c1-64)
}
publish "$T/tool.tar.gz" 'release bits' 1.0 "$T/alice.key" alice "$ALICE"
ART_SHA=$FSHA
publish "$T/carol.bin" 'carol bits' 2.0 "$T/carol.key" carol "$CAROL"
CART_SHA=$FSHA
publish "$T/old.bin" 'old bits' 0.9 "$T/alice2.key" alice "$ALICE"
OLD_SHA=$FSHA
publish "$T/carol2.bin" 'carol2 bits' 2.1 "$T/carol2.key" carol "$CAROL"
get "$URL/log/artifacts?sha256=$ART_SHA" -
jq -j '.artifacts[0].envelope' "$T/body" >"$T/env.alice"
get "$URL/log/artifacts?sha256=$CART_SHA" -
jq -j '.artifacts[0].envelope' "$T/body" >"$T/env.carol"
A artifact verify "$T/tool.tar.gz" --node "$URL" --pubkey "$T/alice.key.pub" >"$T/out" 2>"$T/err" &&
	ok || bad "original: artifact verify --node: $(cat "$T/err")"
serve_stop || bad "accord serve did not stop cleanly"
A member key revoke --dir "$N1" alice "$(cat "$T/kid_alice2")" >/dev/null 2>&1 || bad "key revoke alice2"
carol2_id=$(A member key list --dir "$N1" carol | awk 'NR == 2 {print $1}')
A member key revoke --dir "$N1" carol "$carol2_id" >/dev/null 2>&1 || bad "key revoke carol2"
A member remove --dir "$N1" carol >/dev/null 2>&1 || bad "member remove carol"

# ---- dump ----------------------------------------------------------------------------------
run 0 "dump" A dump --dir "$N1"
cp "$T/out" "$T/d0"
expect_file_grep "dump summary counts keys" "4 member keys" "$T/err"
expect_file_grep "header version 2" '^\{"record":"accord-dump","version":2\}$' <(head -1 "$T/d0")
expect_file_grep "require_signed on the signed collection" \
	"^\{\"alias\":\"signed\",\"api_root\":\"default\",\"id\":\"$SIGNED\",\"record\":\"collection\",\"require_signed\":true,\"title\":\"Signed\"\}$" "$T/d0"
expect_file_grep "public on the public collection" \
	"^\{\"alias\":\"pub\",\"api_root\":\"default\",\"id\":\"$PUB\",\"public\":true,\"record\":\"collection\",\"title\":\"Public\"\}$" "$T/d0"
expect_file_grep "flags absent when false" \
	'^\{"alias":"shared","api_root":"default","description":"[^"]*","id":"[0-9a-f-]{36}","record":"collection","title":"[^"]*"\}$' "$T/d0"
grep '"record":"member-key"' "$T/d0" >"$T/keys"
apk=$(tr -d '\n' <"$T/alice.key.pub")
a2pk=$(tr -d '\n' <"$T/alice2.key.pub")
cpk=$(tr -d '\n' <"$T/carol.key.pub")
c2pk=$(tr -d '\n' <"$T/carol2.key.pub")
printf '%s\n' \
	"{\"member\":\"carol\",\"public_key\":\"$cpk\",\"record\":\"member-key\"}" \
	"{\"member\":\"carol\",\"public_key\":\"$c2pk\",\"record\":\"member-key\",\"revoked\":true}" \
	"{\"member\":\"alice\",\"public_key\":\"$apk\",\"record\":\"member-key\"}" \
	"{\"member\":\"alice\",\"public_key\":\"$a2pk\",\"record\":\"member-key\",\"revoked\":true}" \
	>"$T/keys.want"
same "member-key records: removed members first, keys in the order added, revoked ones marked" \
	"$T/keys.want" "$T/keys"
# artifact records: leaf order, the stored envelope embedded as a JSON value (its bytes)
grep '"record":"artifact"' "$T/d0" | head -2 >"$T/arts"
printf '%s\n' \
	"{\"envelope\":$(cat "$T/env.alice"),\"member\":\"alice\",\"name\":\"tool.tar.gz\",\"record\":\"artifact\",\"sha256\":\"$ART_SHA\",\"version\":\"1.0\"}" \
	"{\"envelope\":$(cat "$T/env.carol"),\"member\":\"carol\",\"name\":\"carol.bin\",\"record\":\"artifact\",\"sha256\":\"$CART_SHA\",\"version\":\"2.0\"}" \
	>"$T/arts.want"
grep -c '"record":"artifact"' "$T/d0" | grep -qx 4 && ok || bad "four artifact records: $(grep -c '"record":"artifact"' "$T/d0")"
same "artifact records: leaf order, the stored envelopes as JSON values" "$T/arts.want" "$T/arts"
expect_file_grep "dump summary counts statements" "4 artifact statements" "$T/err"
# order: grants, then keys, then artifacts, then objects
awk -F'"record":"' '{ split($2, r, "\""); k = NF > 1 ? r[1] : "object"; if (k != last) print k; last = k }' \
	"$T/d0" >"$T/order"
printf '%s\n' accord-dump api-root collection member grant member-key artifact object >"$T/order.want"
same "record order" "$T/order.want" "$T/order"
expect_no_grep() { if grep -qE -- "$2" "$3"; then bad "$1: unexpected /$2/"; else ok; fi; }

# the old node, after the revocations: the statements came before them, so they still verify
serve_start
run 0 "original: artifact verify --node, a statement by a key revoked after it" \
	A artifact verify "$T/old.bin" --node "$URL" --pubkey "$T/alice2.key.pub"
run 0 "original: artifact verify --node, a removed member's statement by a key revoked after it" \
	A artifact verify "$T/carol2.bin" --node "$URL" --pubkey "$T/carol2.key.pub"
serve_stop || bad "accord serve (original, again) did not stop cleanly"

# ---- restore into a fresh node ----------------------------------------------------------------
N2=$T/node2
A init --dir "$N2" >/dev/null 2>&1 || { echo "init node2 failed"; exit 1; }
run 0 "restore into a fresh node" A restore --dir "$N2" "$T/d0"
expect_file_grep "restore summary" "1 api roots, 3 collections, 3 members, [0-9]+ grants, 4 member keys, 4 artifact statements, 3 object versions" "$T/err"
run 0 "dump the restored node" A dump --dir "$N2"
cp "$T/out" "$T/d1"
same "dump -> restore -> dump is the identity (version 2)" "$T/d0" "$T/d1"

A member key list --dir "$N1" alice >"$T/kl1"
run 0 "member key list alice (restored)" A member key list --dir "$N2" alice
cp "$T/out" "$T/kl2"
awk '{print $1, $2, $4}' "$T/kl1" >"$T/kl1s"
awk '{print $1, $2, $4}' "$T/kl2" >"$T/kl2s"
same "alice's keys: same ids, states and keys" "$T/kl1s" "$T/kl2s"
expect_file_grep "alice's first key active" "^[0-9a-f]{64} +active .*alice\+" <(sed -n 1p "$T/kl2")
expect_file_grep "alice's second key revoked" "^$(cat "$T/kid_alice2") +revoked " <(sed -n 2p "$T/kl2")
[ "$(wc -l <"$T/kl2")" = 2 ] && ok || bad "alice should have 2 keys: $(cat "$T/kl2")"
run 0 "member key list carol (removed, restored)" A member key list --dir "$N2" carol
[ "$(grep -c ' revoked ' "$T/out")" = 2 ] && ok || bad "carol's keys should both be revoked: $(cat "$T/out")"
run 0 "member list --all" A member list --all --dir "$N2"
expect_file_grep "carol is removed on the restored node" "^carol +identity--[0-9a-f-]+ +gone" "$T/out"

# ---- the restored node, served ------------------------------------------------------------------
NODE=$N2
serve_start
# the new log, in order: members (a removed member's keys and revocations before its
# removal), the current members' keys, the statements, the objects, and only then the
# revocation of alice2, so that every statement and object comes before the revocation
# of the key that signed it, as on the old node
get "$URL/log/entries?start=0&count=100" -
expect_code "restored: GET /log/entries" 200
jq -r '.entries[].entry | fromjson | "\(.action) \(.member)"' "$T/body" >"$T/leaves"
printf '%s\n' "member-add carol" "key-add carol" "key-add carol" "key-revoke carol" \
	"member-remove carol" "member-add admin" "member-add alice" "key-add alice" "key-add alice" \
	"artifact alice" "artifact carol" "artifact alice" "artifact carol" \
	"add alice" "add alice" "add alice" "key-revoke alice" >"$T/leaves.want"
same "restored: the new log's leaves, revocations of current members' keys last" \
	"$T/leaves.want" "$T/leaves"
REV_SHA=$(printf '{"action":"key-revoke","key_id":"%s","member":"alice"}' "$(cat "$T/kid_alice2")" |
	sha256sum | cut -c1-64)
expect_jq "restored: the last leaf is alice2's revocation" \
	"(.entries[-1].entry | fromjson | .object_sha256) == \"$REV_SHA\""
IND2=indicator--$(uuid)
indicator "$IND2" "$ALICE_ID" >"$T/raw2.json"
envelope "$T/env.json" "$(cat "$T/raw2.json")"
post "$R/collections/$SIGNED/objects/" "alice:$ALICE" "$T/env.json"
expect_code "restored: POST unsigned to the signed-only collection answers a status" 202
expect_jq "restored: an unsigned object is refused (require_signed moved)" \
	".success_count == 0 and (.failures | map(select(.id == \"$IND2\" and (.message | test(\"requires signed\")))) | length) == 1"
sign_obj "$T/alice2.key" "$T/raw2.json" "$T/signed2r.json"
envelope "$T/env.json" "$(cat "$T/signed2r.json")"
post "$R/collections/$SIGNED/objects/" "alice:$ALICE" "$T/env.json"
expect_jq "restored: a signature by the revoked key is refused" '.success_count == 0 and .failure_count == 1'
sign_obj "$T/alice.key" "$T/raw2.json" "$T/signed2.json"
envelope "$T/env.json" "$(cat "$T/signed2.json")"
post "$R/collections/$SIGNED/objects/" "alice:$ALICE" "$T/env.json"
expect_jq "restored: a signature by the active key is accepted" '.success_count == 1'

get "$R/collections/$PUB/objects/" -
expect_code "restored: anonymous GET of the public collection" 200
expect_jq "restored: anonymous reader sees the CLEAR object only" "[.objects[].id] == [\"$CLEAR1\"]"
get "$R/collections/$SIGNED/objects/" -
expect_code "restored: anonymous GET of a private collection is refused" 401

get "$URL/log/keys?member=alice" -
expect_code "restored: GET /log/keys" 200
expect_jq "restored: the new log has alice's keys, the second revoked after it was added" \
	"[.keys[] | [.key_id, .state, (.revoke_index != null)]] == [[\"$(awk 'NR == 1 {print $1}' "$T/kl1")\", \"active\", false], [\"$(cat "$T/kid_alice2")\", \"revoked\", true]] and .keys[1].revoke_index > .keys[1].add_index"
get "$URL/log/artifacts?sha256=$ART_SHA" -
expect_code "restored: GET /log/artifacts" 200
expect_jq "restored: alice's statement is found by the file's digest" \
	'.artifacts | length == 1 and .[0].member == "alice" and .[0].name == "tool.tar.gz" and .[0].version == "1.0"'
jq -j '.artifacts[0].envelope' "$T/body" >"$T/env.alice2"
same "restored: the same envelope bytes" "$T/env.alice" "$T/env.alice2"
expect_jq "restored: a new artifact leaf naming the envelope, after alice's key-add" \
	"(.artifacts[0].entry | fromjson | .action == \"artifact\" and .member == \"alice\" and .object_sha256 == \"$(sha256sum "$T/env.alice" | cut -c1-64)\")"
run 0 "restored: artifact verify --node accepts alice's statement" \
	A artifact verify "$T/tool.tar.gz" --node "$URL" --pubkey "$T/alice.key.pub"
expect_file_grep "restored: artifact verify says ok" "^.*tool.tar.gz: ok: tool.tar.gz 1.0 from alice, signed by key alice .*in the log of" "$T/out"
get "$URL/log/artifacts?sha256=$CART_SHA" -
expect_jq "restored: the removed member's statement moved too" \
	'.artifacts | length == 1 and .[0].member == "carol" and .[0].name == "carol.bin"'
# a removal does not revoke keys in the log (no revoke_index): it verifies as on the old node
run 0 "restored: artifact verify --node accepts the removed member's statement" \
	A artifact verify "$T/carol.bin" --node "$URL" --pubkey "$T/carol.key.pub"
# signed by alice2 before its revocation; restore revokes alice2 after the statements,
# so the new node accepts it as the old one does
get "$URL/log/artifacts?sha256=$OLD_SHA" -
expect_jq "restored: the statement signed by the since-revoked key moved" '.artifacts | length == 1'
run 0 "restored: artifact verify --node accepts a statement by a key revoked after it" \
	A artifact verify "$T/old.bin" --node "$URL" --pubkey "$T/alice2.key.pub"
expect_file_grep "restored: artifact verify says ok (old.bin)" \
	"^.*old.bin: ok: old.bin 0.9 from alice, signed by key alice2 .*in the log of" "$T/out"
# alice2 is still revoked there: a new statement signed by it is refused
printf '%s\n' 'new bits' >"$T/new.bin"
A artifact sign "$T/new.bin" --version 1.1 --key "$T/alice2.key" --member alice --out "$T/new.bin.dsse" \
	>/dev/null 2>"$T/art.err" || bad "artifact sign new.bin: $(cat "$T/art.err")"
req POST "$URL/log/artifacts" "alice:$ALICE" -H 'Content-Type: application/json' \
	--data-binary "@$T/new.bin.dsse"
expect_code "restored: POST /log/artifacts signed by the revoked key is refused" 403
# what still differs: carol2 was revoked before carol's removal, and a removed member's
# keys go in (and are revoked) at its member line, before the statements: key-revoked
# on the new node, ok on the old (docs/cli.md)
run 1 "restored: a removed member's statement by a key it revoked later" \
	A artifact verify "$T/carol2.bin" --node "$URL" --pubkey "$T/carol2.key.pub"
expect_file_grep "restored: that statement is key-revoked in the new log (documented)" "key-revoked" "$T/err"
serve_stop || bad "accord serve (restored) did not stop cleanly"

# ---- a version-1 dump, written by hand, still restores -------------------------------------------
V1=$T/v1.jsonl
ADMIN_HASH=$(grep '"name":"admin","record":"member"' "$T/d0" | jq -r .secret_hash)
CID=6f0e3d52-8d0c-4f43-9a5d-2b7e8f6c1a90
IDX=identity--311b2d2d-f010-4473-83ec-1edf84858f4c
{
	echo '{"record":"accord-dump","version":1}'
	echo '{"max_content_length":10485760,"name":"v1root","record":"api-root","title":"Old"}'
	echo "{\"api_root\":\"v1root\",\"id\":\"$CID\",\"record\":\"collection\",\"title\":\"Old feeds\"}"
	echo "{\"admin\":true,\"identity\":\"$IDX\",\"name\":\"admin\",\"record\":\"member\",\"removed\":false,\"secret_hash\":$(jq -n --arg h "$ADMIN_HASH" '$h')}"
	echo "{\"collection\":\"$CID\",\"member\":\"admin\",\"read\":true,\"record\":\"grant\",\"write\":true}"
	echo "{\"collection\":\"$CID\",\"date_added\":\"2026-11-01T10:00:00.000001Z\",\"member\":\"admin\",\"object\":{\"created\":\"2016-04-06T20:07:09.000Z\",\"id\":\"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b\",\"is_family\":true,\"modified\":\"2016-04-06T20:07:09.000Z\",\"name\":\"Poison Ivy\",\"spec_version\":\"2.1\",\"type\":\"malware\"}}"
} >"$V1"
N3=$T/node3
A init --dir "$N3" >/dev/null 2>&1
run 0 "restore a version-1 dump" A restore --dir "$N3" "$V1"
expect_file_grep "version-1 summary" "1 api roots, 1 collections, 1 members, 1 grants, 0 member keys, 0 artifact statements, 1 object versions" "$T/err"
run 0 "dump the version-1 node" A dump --dir "$N3"
{ echo '{"record":"accord-dump","version":2}'; tail -n +2 "$V1"; } >"$T/v1.want"
same "a version-1 dump comes back as version 2 with the same records" "$T/v1.want" "$T/out"

# ---- bad lines: reported with their number, the node unchanged --------------------------------
N4=$T/node4
A init --dir "$N4" >/dev/null 2>&1
A dump --dir "$N4" >"$T/d4before" 2>/dev/null
kline=$(grep -n '"member":"alice","public_key"' "$T/d0" | head -1 | cut -d: -f1)
cline=$(grep -n '"member":"carol","public_key"' "$T/d0" | tail -1 | cut -d: -f1)
last=$(grep -n '"record":"member-key"' "$T/d0" | tail -1 | cut -d: -f1)
sline=$(grep -n '"alias":"signed"' "$T/d0" | cut -d: -f1)
edited() { # out line keep text: d0 with TEXT after its first KEEP lines, line LINE and on after it
	{ head -n "$3" "$T/d0"; echo "$4"; tail -n +"$2" "$T/d0"; } >"$1"
}
replaced() { edited "$1" $(($2 + 1)) $(($2 - 1)) "$3"; } # out line text
refused() { # name file pattern: exit 1, and the message names FILE:LINE and why
	run 1 "$1" A restore --dir "$N4" "$2"
	expect_file_grep "$1: FILE:LINE: why" "^accord: restore: .*$3" "$T/err"
}
replaced "$T/bad1" "$kline" '{"member":"alice","public_key":"not a key","record":"member-key"}'
refused "a member-key with a malformed public key" "$T/bad1" "bad1:$kline: public_key: "
replaced "$T/bad2" "$kline" '{"member":"alice","record":"member-key"}'
refused "a member-key without public_key" "$T/bad2" "bad2:$kline: a member-key needs member and public_key"
replaced "$T/bad3" "$kline" "{\"member\":\"alice\",\"public_key\":\"$apk\",\"record\":\"member-key\",\"revoked\":\"yes\"}"
refused "a member-key with a non-boolean revoked" "$T/bad3" \
	"bad3:$kline: a member-key's revoked must be true or false \\(or absent\\)"
replaced "$T/bad4" "$kline" "{\"member\":\"zed\",\"public_key\":\"$apk\",\"record\":\"member-key\"}"
refused "a member-key of an unknown member" "$T/bad4" "bad4:$kline: a member-key of \"zed\""
# found only while building (pass 2): a key registered twice, after the last key line
edited "$T/bad5" $((last + 1)) "$last" "{\"member\":\"alice\",\"public_key\":\"$apk\",\"record\":\"member-key\"}"
refused "a key registered twice" "$T/bad5" "bad5:$((last + 1)): key [0-9a-f]{16}\.\.\. is registered already"
# a removed member's keys go in at the member's line; a failure names the key's line
replaced "$T/bad6" "$cline" "{\"member\":\"carol\",\"public_key\":\"$cpk\",\"record\":\"member-key\"}"
refused "a removed member's key twice" "$T/bad6" "bad6:$cline: key [0-9a-f]{16}\.\.\. is registered already"
{ echo '{"record":"accord-dump","version":1}'; echo "{\"member\":\"admin\",\"public_key\":\"$apk\",\"record\":\"member-key\"}"; } >"$T/bad7"
refused "a member-key in a version-1 dump" "$T/bad7" "bad7:2: a member-key record in a version 1 dump"
replaced "$T/bad8" "$sline" "$(sed -n "${sline}p" "$T/d0" | sed 's/"require_signed":true/"require_signed":1/')"
refused "a collection with a non-boolean require_signed" "$T/bad8" \
	"bad8:$sline: a collection's require_signed and public must be true or false \\(or absent\\)"
aline=$(grep -n '"record":"artifact"' "$T/d0" | head -1 | cut -d: -f1)
alast=$(grep -n '"record":"artifact"' "$T/d0" | tail -1 | cut -d: -f1)
art() { sed -n "${aline}p" "$T/d0" | jq -c "$1"; } # jq-filter: alice's artifact line, edited
replaced "$T/bad10" "$aline" "$(art '.sha256 = "xyz"')"
refused "an artifact with a malformed sha256" "$T/bad10" \
	"bad10:$aline: an artifact's sha256 must be 64 lowercase hex digits"
replaced "$T/bad11" "$aline" "$(art '.envelope = (.envelope | tojson)')"
refused "an artifact whose envelope is a string" "$T/bad11" \
	"bad11:$aline: an artifact's envelope must be a JSON object"
replaced "$T/bad12" "$aline" "$(art '.member = "zed"')"
refused "an artifact of an unknown member" "$T/bad12" "bad12:$aline: an artifact of \"zed\""
replaced "$T/bad13" "$aline" "$(art 'del(.version)')"
refused "an artifact without version" "$T/bad13" \
	"bad13:$aline: an artifact needs member, name, version, sha256 and envelope"
replaced "$T/bad14" "$aline" '{"record":"artifact",'
refused "a truncated artifact line" "$T/bad14" "bad14:$aline: column "
# found only while building (pass 2): the same envelope twice, after the last statement
edited "$T/bad15" $((alast + 1)) "$alast" "$(sed -n "${aline}p" "$T/d0")"
refused "an artifact statement twice" "$T/bad15" "bad15:$((alast + 1)): a duplicate of an earlier line"
{ echo '{"record":"accord-dump","version":1}'; sed -n "${aline}p" "$T/d0"; } >"$T/bad16"
refused "an artifact in a version-1 dump" "$T/bad16" "bad16:2: an artifact record in a version 1 dump \\(version 2 has them\\)"
printf '{"record":"accord-dump","version":3}\n' >"$T/bad9"
refused "a future format version" "$T/bad9" "bad9:1: dump format version 3: this accord reads versions 1 to 2"
A dump --dir "$N4" >"$T/d4after" 2>/dev/null
same "failed restores changed nothing" "$T/d4before" "$T/d4after"
ls "$N4" >"$T/out"
expect_no_grep "no leftovers" "restore-|pre-restore" "$T/out"

finish
