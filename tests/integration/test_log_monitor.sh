#!/usr/bin/env bash
# The transparency log seen from outside: accord log verify (monitor), accord
# log prove (an object version's inclusion) and accord artifact sign/verify
# --node, against a running node; then rows edited and deleted behind the
# running node's back, directly in its SQLite database, each of which must
# make the right command fail naming the leaf, the proof or the signature
# (and leave the monitor's state file as it was). Every tampering is undone
# before the next, and a final run shows the monitor content again.
#
# Skipped (exit 77) only when the node answers GET /log/checkpoint with 404:
# a node without the log endpoints of docs/api.md.
. "$(dirname "$0")/taxii_lib.sh"

# ---- helpers ----------------------------------------------------------------------------
# run CMD...: RC, $T/out, $T/err
run() {
	"$@" >"$T/out" 2>"$T/err"
	RC=$?
}
expect_rc() { # name want
	if [ "$RC" = "$2" ]; then ok; else
		bad "$1: exit $RC, want $2: $(head -c 1500 "$T/err")"
	fi
}
expect_err() { # name regex
	if grep -qE -- "$2" "$T/err"; then ok; else
		bad "$1: no stderr line matching /$2/ in: $(head -c 1500 "$T/err")"
	fi
}
expect_out() { # name regex
	if grep -qE -- "$2" "$T/out"; then ok; else
		bad "$1: no stdout line matching /$2/ in: $(head -c 1500 "$T/out")"
	fi
}
# sq SQL...: the node's database, behind the running server's back
sq() { sqlite3 -cmd ".timeout 10000" "$DB" "$@"; }
# rows CMD...: the log's rows (compact records, tiles), tests/integration/tlog_rows.py
rows() { python3 "$(dirname "$0")/tlog_rows.py" "$DB" "$@"; }
hex2bin() { printf "$(sed 's/../\\x&/g')"; }
b64_sha256() { sha256sum | cut -d' ' -f1 | hex2bin | base64 -w0; }

node_init
DB=$NODE/accord.db
serve_start
get "$URL/log/checkpoint" -
if [ "$CODE" = 404 ]; then
	echo "SKIP: this accord serve has no transparency-log endpoints (GET /log/checkpoint: 404)"
	exit 77
fi
expect_code "GET /log/checkpoint" 200

export ACCORD_SECRET=$ADMIN
unset ACCORD_USER
S=$T/monitor.state
IND1=indicator--$(uuid)
IND2=indicator--$(uuid)
IND3=indicator--$(uuid)
IND4=indicator--$(uuid)
IND5=indicator--$(uuid)
for id in $IND1 $IND2 $IND3 $IND4 $IND5; do indicator "$id" "$ADMIN_ID"; echo; done >"$T/objs.jsonl"
indicator "$IND1" "$ADMIN_ID" 2024-02-01T00:00:00.000Z >>"$T/objs.jsonl"
run "$ACCORD" push "$R/" shared "$T/objs.jsonl"
expect_rc "push" 0

# ---- log verify: first use, then consistent ---------------------------------------------
run "$ACCORD" log verify "$URL" --state "$S" --full
expect_rc "log verify (first use)" 0
expect_out "log verify: ok" '^ok: test: [0-9]+ leaves, root [A-Za-z0-9+/]{43}=$'
expect_out "log verify: entries rebuilt" 'entries: all [0-9]+ read, hashed and rebuilt'
expect_err "log verify: trust on first use said" 'trusting the key the node serves on first use'
curl -s "$URL/log/key" >"$T/node.pub"
[ "$(jq -r .key "$S")" = "$(head -1 "$T/node.pub")" ] && ok || bad "state file: key is not the node's /log/key"
jq -r .checkpoint "$S" | head -2 | tail -1 | grep -qE '^[0-9]+$' && ok || bad "state file: no checkpoint"
SIZE1=$(jq -r .checkpoint "$S" | sed -n 2p)

run "$ACCORD" log verify "$URL/taxii2/" --state "$S" --full
expect_rc "log verify (again, discovery URL)" 0
expect_out "log verify: consistent" "consistent with the checkpoint recorded in .* \\($SIZE1 leaves\\)"
[ ! -s "$T/err" ] && ok || bad "log verify with a recorded key prints nothing on stderr: $(cat "$T/err")"

run "$ACCORD" log verify "$URL" --pubkey "$T/node.pub" --full
expect_rc "log verify --pubkey (file)" 0
expect_out "log verify --pubkey" 'key from --pubkey'
run "$ACCORD" log verify "$URL" --pubkey "$(head -1 "$T/node.pub")"
expect_rc "log verify --pubkey (key text)" 0
"$ACCORD" key gen --out "$T/other.key" >/dev/null 2>&1
run "$ACCORD" log verify "$URL" --pubkey "$T/other.key.pub"
expect_rc "log verify, wrong --pubkey" 1
expect_err "wrong --pubkey: names the signature" 'log/checkpoint: checkpoint signature: .*no signature by a known key'
run "$ACCORD" log verify "$URL" --pubkey "$T/other.key.pub" --state "$S"
expect_rc "log verify, --pubkey other than the recorded key" 1
expect_err "--pubkey other than recorded" 'is not the key recorded in'
run "$ACCORD" log verify "http://127.0.0.1:1" --state "$S"
expect_rc "log verify, no node there" 2
run "$ACCORD" log verify
expect_rc "log verify, no URL" 2

# ---- log prove -----------------------------------------------------------------------------
run "$ACCORD" log prove "$URL" "$IND2" --state "$S"
expect_rc "log prove" 0
expect_err "log prove: verdict" "$IND2 \\(version 2024-01-01T00:00:00.000Z\\) in collection $COLL: included as leaf [0-9]+ of [0-9]+"
cp "$T/out" "$T/proof.json"
[ "$(jq -r .verdict "$T/proof.json")" = included ] && ok || bad "proof: verdict"
[ "$(jq -r .id "$T/proof.json")" = "$IND2" ] && ok || bad "proof: id"
# recompute the proof's claims independently: the object's RFC 8785 bytes
# (accord pull writes them), the entry naming their SHA-256, the leaf hash
"$ACCORD" pull "$R/" shared --id "$IND2" --jsonl 2>/dev/null >"$T/obj2.json"
obj_sha=$(head -c -1 "$T/obj2.json" | sha256sum | cut -d' ' -f1)
[ "$(jq -r .object_sha256 "$T/proof.json")" = "$obj_sha" ] && ok || bad "proof: object_sha256 is not SHA-256 of the served object"
[ "$(jq -r .entry "$T/proof.json" | jq -r .object_sha256)" = "$obj_sha" ] && ok || bad "proof: the entry does not name the object's hash"
leaf=$( (printf '\0'; jq -j .entry "$T/proof.json") | b64_sha256)
[ "$(jq -r .leaf_hash "$T/proof.json")" = "$leaf" ] && ok || bad "proof: leaf_hash is not SHA-256(0x00 || entry)"
jq -r .checkpoint "$T/proof.json" | grep -qF "$(jq -r .root "$T/proof.json")" && ok || bad "proof: root not in its checkpoint"
K2=$(jq -r .index "$T/proof.json")
run "$ACCORD" log prove "$URL" "$IND5"
expect_rc "log prove (another)" 0
K5=$(jq -r .index "$T/out")

run "$ACCORD" log prove "$URL" "$IND1" --version all --collection shared
expect_rc "log prove --version all" 0
[ "$(wc -l <"$T/out")" = 2 ] && ok || bad "log prove --version all: want 2 proofs, got $(wc -l <"$T/out")"
run "$ACCORD" log prove "$URL" "indicator--$(uuid)"
expect_rc "log prove, unknown object" 1
expect_err "log prove, unknown object" 'not served by .* in any collection you can read'
run env -u ACCORD_SECRET "$ACCORD" log prove "$URL" "$IND2"
expect_rc "log prove without credentials" 1
expect_err "log prove without credentials" 'HTTP 401'

# the log grows: the monitor follows with a consistency proof
indicator "indicator--$(uuid)" "$ADMIN_ID" >"$T/one.json"
run "$ACCORD" push "$R/" shared "$T/one.json"
expect_rc "push one more" 0
run "$ACCORD" log verify "$URL" --state "$S"
expect_rc "log verify after growth" 0
expect_out "log verify after growth" "consistent with the checkpoint recorded in .* \\($SIZE1 leaves\\)"

# ---- artifacts --------------------------------------------------------------------------------
"$ACCORD" key gen --out "$T/alice.key" >/dev/null 2>&1
"$ACCORD" key gen --out "$T/bob.key" >/dev/null 2>&1
ALICE=$(member alice --pubkey "$T/alice.key.pub")
[ -n "$ALICE" ] && ok || bad "member add alice --pubkey"
echo "accord 1.0 release" >"$T/rel.tar"
echo "something else" >"$T/other.tar"
run env ACCORD_SECRET="$ALICE" "$ACCORD" artifact sign "$T/rel.tar" --version 1.0 --key "$T/alice.key" --node "$URL" --out "$T/rel.dsse"
expect_rc "artifact sign --node" 0
expect_out "artifact sign --node" '^rel.tar 1.0 \(sha256 [0-9a-f]{64}\): published in the log of .* as leaf [0-9]+'
run env ACCORD_SECRET="$ALICE" "$ACCORD" artifact sign "$T/rel.tar" --version 1.0 --key "$T/alice.key" --node "$URL"
expect_rc "artifact sign --node, again" 0
expect_out "artifact sign --node, again" 'already in the log'
run "$ACCORD" artifact verify "$T/rel.tar" --node "$URL" --pubkey "$T/alice.key.pub" --state "$S"
expect_rc "artifact verify --node" 0
expect_out "artifact verify --node" "rel.tar: ok: rel.tar 1.0 from alice, signed by key alice \\([0-9a-f]{64}\\); in the log of .* as leaf [0-9]+ of [0-9]+, key registered at leaf [0-9]+"
run "$ACCORD" artifact verify "$T/rel.tar" --node "$URL" --pubkey "$T/alice.key.pub" --envelope "$T/rel.dsse" --node-key "$T/node.pub"
expect_rc "artifact verify --node --envelope --node-key" 0
run "$ACCORD" artifact verify "$T/rel.tar" --envelope "$T/rel.dsse" --pubkey "$T/alice.key.pub"
expect_rc "artifact verify offline still works" 0
run "$ACCORD" artifact verify "$T/other.tar" --node "$URL" --pubkey "$T/alice.key.pub"
expect_rc "artifact verify --node, wrong file" 1
expect_err "wrong file" 'other.tar: not-in-log: .*the wrong file, or never published'
run "$ACCORD" artifact verify "$T/rel.tar" --node "$URL" --pubkey "$T/bob.key.pub"
expect_rc "artifact verify --node, wrong key" 1
expect_err "wrong key" 'rel.tar: leaf [0-9]+: unknown-key'
"$ACCORD" artifact sign "$T/other.tar" --version 2.0 --key "$T/alice.key" --out "$T/other.dsse" >/dev/null 2>&1
run "$ACCORD" artifact verify "$T/rel.tar" --node "$URL" --pubkey "$T/alice.key.pub" --envelope "$T/other.dsse"
expect_rc "artifact verify --node, envelope of another file" 1
expect_err "envelope of another file" 'subject-mismatch'
run "$ACCORD" artifact verify "$T/other.tar" --node "$URL" --pubkey "$T/alice.key.pub" --envelope "$T/other.dsse"
expect_rc "artifact verify --node, signed but never published" 1
expect_err "never published" 'not-in-log'
run env ACCORD_SECRET="$ALICE" "$ACCORD" artifact sign "$T/other.tar" --version 2.0 --key "$T/bob.key" --member alice --node "$URL"
expect_rc "artifact sign --node with an unregistered key" 1
expect_err "unregistered key refused" 'HTTP 403'

# a key revoked later: statements published while it was active still hold
alice_id=$("$ACCORD" member key list alice --dir "$NODE" 2>/dev/null | grep -oE '^[0-9a-f]{64}' | head -1)
run "$ACCORD" member key revoke alice "$alice_id" --dir "$NODE"
expect_rc "member key revoke alice" 0
run "$ACCORD" artifact verify "$T/rel.tar" --node "$URL" --pubkey "$T/alice.key.pub" --state "$S"
expect_rc "artifact verify --node, key revoked after publication" 0
echo "accord 1.1 release" >"$T/rel11.tar"
run env ACCORD_SECRET="$ALICE" "$ACCORD" artifact sign "$T/rel11.tar" --version 1.1 --key "$T/alice.key" --node "$URL"
expect_rc "artifact sign --node with a revoked key" 1
expect_err "revoked key refused" 'HTTP 403'

# the node's key obtained out of band (on the node's host) pins the monitor
"$ACCORD" node pubkey --dir "$NODE" >"$T/node.pub.oob" 2>/dev/null
cmp -s "$T/node.pub.oob" "$T/node.pub" && ok || bad "accord node pubkey differs from /log/key"
run "$ACCORD" log verify "$URL" --pubkey "$T/node.pub.oob" --state "$S" --full
expect_rc "log verify --pubkey from accord node pubkey" 0

# ---- tampering behind the running node's back --------------------------------------------------
run "$ACCORD" log verify "$URL" --state "$S" --full
expect_rc "log verify before tampering" 0
cp "$S" "$T/state.before"
state_kept() { cmp -s "$S" "$T/state.before" && ok || bad "$1: the state file changed after a failure"; }
N=$(jq -r .checkpoint "$S" | sed -n 2p)

# (1) an object version's stored JSON edited: log prove fails, the log itself holds
sq "UPDATE objects SET json = replace(json, '\"name\":\"test\"', '\"name\":\"edited\"') WHERE id = '$IND3'"
run "$ACCORD" log prove "$URL" "$IND3" --state "$S"
expect_rc "edited object: log prove" 1
expect_err "edited object: log prove" "$IND3 .*: not in the log: no leaf of the signed tree \\($N leaves\\) names its sha256"
run "$ACCORD" log verify "$URL" --state "$S" --full
expect_rc "edited object: the log itself is intact" 0
cp "$S" "$T/state.before"

# The log's rows (schema 3) keep each entry as a compact record of its
# fields, and no leaf hash: the node hashes the entry it serves. So an edited
# entry is served with the leaf hash of its new text, and it is the signed
# tree that shows the edit.
rows save "$T/rows.saved"

# (2) a leaf's entry edited (the member renamed)
K=$K5
rows edit "$K" member=mallory
run "$ACCORD" log verify "$URL" --state "$S" --full
expect_rc "edited entry: log verify --full" 1
# named alone, or within the smallest stored subtree that holds it
range=$(sed -n 's/.*leaves \([0-9]*\) to \([0-9]*\): the node.s stored hashes.*/\1 \2/p' "$T/err")
if grep -qE "leaf $K: its entry does not hash to the leaf the signed checkpoint commits to" "$T/err"; then ok
elif [ -n "$range" ] && [ "${range% *}" -le "$K" ] && [ "$K" -le "${range#* }" ]; then ok
else bad "edited entry: leaf $K not located: $(cat "$T/err")"; fi
state_kept "edited entry"
run "$ACCORD" log prove "$URL" "$IND5"
expect_rc "edited entry: log prove" 1
expect_err "edited entry: log prove names the proof" "the inclusion proof of leaf $K in the tree of $N fails"

# (3) the entry edited and, besides, every stored subtree hash overwritten:
# the edit is still located
rows scramble-tiles
run "$ACCORD" log verify "$URL" --state "$S" --full
expect_rc "edited entry and hashes: log verify --full" 1
range=$(sed -n 's/.*leaves \([0-9]*\) to \([0-9]*\): the node.s stored hashes.*/\1 \2/p' "$T/err")
if grep -qE "leaf $K: its entry does not hash" "$T/err"; then ok
elif [ -n "$range" ] && [ "${range% *}" -le "$K" ] && [ "$K" -le "${range#* }" ]; then ok
else bad "edited entry and hashes: leaf $K not named: $(cat "$T/err")"; fi
state_kept "edited entry and hashes"
rows restore "$T/rows.saved"

# (4) a leaf deleted (the leaves after it move down by one)
rows delete "$K"
run "$ACCORD" log verify "$URL" --state "$S" --full
expect_rc "deleted leaf: log verify --full" 1
expect_err "deleted leaf: named" "leaf ($K|$((N - 1)))"
state_kept "deleted leaf"
rows restore "$T/rows.saved"

# (5) the stored subtree hashes overwritten: proofs fail
rows scramble-tiles
run "$ACCORD" log prove "$URL" "$IND2"
expect_rc "damaged node hashes: log prove" 1
expect_err "damaged node hashes: the proof is named" "the inclusion proof of leaf $K2 in the tree of $N( fails|: the node did not give it)"
rows restore "$T/rows.saved"

# (6) the checkpoint's text edited: its signature fails
note_hex=$(sq "SELECT hex(note) FROM tlog_checkpoints WHERE size = $N")
sq "UPDATE tlog_checkpoints SET note = CAST(replace(CAST(note AS TEXT), char(10) || '$N' || char(10), char(10) || '$((N + 1))' || char(10)) AS BLOB) WHERE size = $N"
run "$ACCORD" log verify "$URL" --state "$S"
expect_rc "edited checkpoint: log verify" 1
expect_err "edited checkpoint: the signature is named" 'checkpoint signature: '
state_kept "edited checkpoint"

# (7) a split view: another root at the same size, validly signed with the
# node's own key (an intruder who took node.key)
seed_hex=$(cut -d+ -f5- "$NODE/node.key" | base64 -d | tail -c 32 | od -An -tx1 | tr -d ' \n')
printf '302e020100300506032b657004220420%s' "$seed_hex" | hex2bin >"$T/k.der"
openssl pkey -inform DER -in "$T/k.der" -out "$T/k.pem" 2>/dev/null
origin=$(jq -r .checkpoint "$S" | head -1)
kid=$(head -1 "$T/node.pub" | cut -d+ -f2)
printf '%s\n%s\n%s\n' "$origin" "$N" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" >"$T/forged.txt"
openssl pkeyutl -sign -inkey "$T/k.pem" -rawin -in "$T/forged.txt" -out "$T/forged.sig"
sig=$( (printf '%s' "$kid" | hex2bin; cat "$T/forged.sig") | base64 -w0)
{ cat "$T/forged.txt"; printf '\n\xe2\x80\x94 %s %s\n' "$origin" "$sig"; } >"$T/forged.note"
sq "UPDATE tlog_checkpoints SET note = readfile('$T/forged.note') WHERE size = $N"
run "$ACCORD" log verify "$URL" --pubkey "$T/node.pub"
expect_rc "forged checkpoint alone: its signature is valid" 0
run "$ACCORD" log verify "$URL" --state "$S"
expect_rc "split view: log verify" 1
expect_err "split view: reported" "split view: two signed checkpoints of size $N with different roots"
expect_out "split view: evidence" '^--- served now by '
grep -qF AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= "$T/out" && ok || bad "split view: the forged note is not in the evidence"
state_kept "split view"
run "$ACCORD" artifact verify "$T/rel.tar" --node "$URL" --pubkey "$T/alice.key.pub" --state "$S"
expect_rc "split view: artifact verify (log inconsistent)" 1
expect_err "split view: artifact verify" 'split view'

# (8) a rollback: an older checkpoint served again
OLD=$(sq "SELECT max(size) FROM tlog_checkpoints WHERE size < $N")
sq "UPDATE tlog_checkpoints SET note = (SELECT note FROM tlog_checkpoints WHERE size = $OLD) WHERE size = $N"
run "$ACCORD" log verify "$URL" --state "$S"
expect_rc "rollback: log verify" 1
expect_err "rollback: reported" "rollback: the node's checkpoint has $OLD leaves, fewer than the $N"
state_kept "rollback"
sq "UPDATE tlog_checkpoints SET note = X'$note_hex' WHERE size = $N"

# (9) the artifact statement's leaf edited: artifact verify fails on the log
A=$(rows find artifact)
rows edit "$A" collection=x
run "$ACCORD" artifact verify "$T/rel.tar" --node "$URL" --pubkey "$T/alice.key.pub" --state "$S"
expect_rc "edited artifact leaf: artifact verify" 1
# the leaf, or a leaf of its block of four: the node hashes the level-1
# subtrees from the entries, and the edited pair is a sibling in their proofs
B=$((A / 4 * 4))
expect_err "edited artifact leaf: artifact verify names the proof" "the inclusion proof of leaf ($B|$((B + 1))|$((B + 2))|$((B + 3))) in the tree of $N fails"
rows restore "$T/rows.saved"

# everything undone: the monitor is content again, with the same state
run "$ACCORD" log verify "$URL" --state "$S" --full
expect_rc "after restoring every row" 0
run "$ACCORD" artifact verify "$T/rel.tar" --node "$URL" --pubkey "$T/alice.key.pub" --state "$S"
expect_rc "artifact verify after restoring" 0

# (10) an object row deleted: log prove fails (the node no longer serves it)
sq "DELETE FROM objects WHERE id = '$IND4'"
run "$ACCORD" log prove "$URL" "$IND4"
expect_rc "deleted object: log prove" 1
expect_err "deleted object: log prove" "$IND4: not served by"

serve_stop || bad "serve did not exit 0"
finish
