#!/usr/bin/env bash
# The node's transparency log end to end (docs/api.md): objects posted over
# TAXII, the signed checkpoint checked with the node's public key (openssl,
# not accord), every object's leaf found by its hash and proven included
# (the RFC 9162 check redone in python3), consistency between two
# checkpoints (also across a restart), DELETE and member and key changes
# as leaves, signatures on ingest (bad, unknown key, revoked key), a
# --require-signed collection, artifact statements, the extension
# definitions, and the endpoints' refusals.
. "$(dirname "$0")/taxii_lib.sh"

need() { command -v "$1" >/dev/null 2>&1 || { echo "SKIP: $1 not found"; exit 0; }; }
need python3
need openssl
need jq

# ---- independent checks: python3 (hashlib) and openssl ---------------------------------

cat >"$T/tlog.py" <<'EOF'
# RFC 9162 verification (sections 2.1.3.2 and 2.1.4.2), SHA-256 leaves and
# C2SP checkpoints, written from the RFC for this test.
import base64, hashlib, json, sys

def leaf(b): return hashlib.sha256(b"\x00" + b).digest()
def node(l, r): return hashlib.sha256(b"\x01" + l + r).digest()

def inclusion_root(index, size, h, proof):
    if index >= size: raise SystemExit("index >= size")
    fn, sn, r = index, size - 1, h
    for p in proof:
        if sn == 0: raise SystemExit("proof too long")
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1; sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1; sn >>= 1
    if sn != 0: raise SystemExit("proof too short")
    return r

def consistency_ok(s1, s2, r1, r2, proof):
    if s1 == s2: return not proof and r1 == r2
    if s1 == 0 or s1 > s2: return False
    if s1 & (s1 - 1) == 0: proof = [r1] + proof
    fn, sn = s1 - 1, s2 - 1
    while fn & 1: fn >>= 1; sn >>= 1
    if not proof: return False
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            fr = node(c, fr); sr = node(c, sr)
            while not fn & 1 and fn != 0: fn >>= 1; sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1; sn >>= 1
    return fr == r1 and sr == r2 and sn == 0

def checkpoint(path):
    text = open(path, "rb").read().split(b"\n\n")[0].decode().split("\n")
    return text[0], int(text[1]), base64.b64decode(text[2])

cmd = sys.argv[1]
if cmd == "canon":      # canonical JSON of a simple object (ASCII strings only)
    o = json.load(open(sys.argv[2]))
    sys.stdout.write(json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
elif cmd == "sha256":   # hex SHA-256 of a file's bytes
    print(hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest())
elif cmd == "inclusion":  # CHECKPOINT PROOF.json [ENTRY-BYTES-FILE]
    _, size, root = checkpoint(sys.argv[2])
    p = json.load(open(sys.argv[3]))
    assert p["size"] == size, "proof size %d, checkpoint %d" % (p["size"], size)
    h = base64.b64decode(p["leaf_hash"])
    if len(sys.argv) > 4:
        h = leaf(open(sys.argv[4], "rb").read())
        assert h == base64.b64decode(p["leaf_hash"]), "leaf hash differs"
    got = inclusion_root(p["index"], size, h, [base64.b64decode(x) for x in p["hashes"]])
    print("ok" if got == root else "root mismatch")
elif cmd == "consistency":  # OLD-CHECKPOINT NEW-CHECKPOINT PROOF.json
    _, s1, r1 = checkpoint(sys.argv[2])
    _, s2, r2 = checkpoint(sys.argv[3])
    p = json.load(open(sys.argv[4]))
    assert p["from"] == s1 and p["to"] == s2
    print("ok" if consistency_ok(s1, s2, r1, r2, [base64.b64decode(x) for x in p["hashes"]]) else "inconsistent")
elif cmd == "rebuild":  # ENTRIES.json CHECKPOINT: the root of all entries
    _, size, root = checkpoint(sys.argv[3])
    es = json.load(open(sys.argv[2]))["entries"]
    hs = [leaf(e["entry"].encode()) for e in es][:size]
    def mth(h):
        if len(h) == 1: return h[0]
        k = 1
        while k * 2 < len(h): k *= 2
        return node(mth(h[:k]), mth(h[k:]))
    print("ok" if len(hs) == size and mth(hs) == root else "rebuild mismatch")
elif cmd == "sigparts":  # CHECKPOINT OUT-DIR: text, signature, key id of the first line
    data = open(sys.argv[2], "rb").read()
    text, sigs = data.rsplit(b"\n\n", 1)
    line = sigs.decode().split("\n")[0]
    assert line.startswith("\u2014 "), "no signature line"
    blob = base64.b64decode(line.split(" ")[2])
    open(sys.argv[3] + "/cp.text", "wb").write(text + b"\n")
    open(sys.argv[3] + "/cp.sig", "wb").write(blob[4:])
    print(blob[:4].hex())
elif cmd == "pubpem":  # VERIFIER-KEY OUT: PEM of its Ed25519 key; prints the key id
    name, kid, b64 = open(sys.argv[2]).read().strip().split("+", 2)
    raw = base64.b64decode(b64)
    assert raw[0] == 1 and len(raw) == 33
    der = bytes.fromhex("302a300506032b6570032100") + raw[1:]
    open(sys.argv[3], "w").write("-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PUBLIC KEY-----\n")
    h = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex()
    assert h == kid, "key id %s, computed %s" % (kid, h)
    print(kid)
EOF
py() { python3 "$T/tlog.py" "$@"; }

# verify_checkpoint FILE: the note's signature by the node's key (openssl).
verify_checkpoint() {
	local kid
	kid=$(py sigparts "$1" "$T") || { bad "checkpoint $1: no signature"; return; }
	if [ "$kid" != "$KEYID" ]; then bad "checkpoint signed by key id $kid, want $KEYID"; return; fi
	if openssl pkeyutl -verify -pubin -inkey "$T/node.pem" -rawin -in "$T/cp.text" \
		-sigfile "$T/cp.sig" >/dev/null 2>&1; then ok; else
		bad "checkpoint $1: the Ed25519 signature does not verify (openssl)"
	fi
}

# checkpoint NAME: fetch the checkpoint into $T/NAME.cp and check it.
checkpoint() {
	get "$URL/log/checkpoint" -
	expect_code "GET /log/checkpoint ($1)" 200
	expect_header "checkpoint media type" "^Content-Type: text/plain"
	cp "$T/body" "$T/$1.cp"
	verify_checkpoint "$T/$1.cp"
	[ "$(head -1 "$T/$1.cp")" = "$ORIGIN" ] && ok || bad "checkpoint origin $(head -1 "$T/$1.cp"), want $ORIGIN"
}
cp_size() { sed -n 2p "$T/$1.cp"; }

# prove_object NAME FILE: FILE holds an object as posted; its leaf, by
# its hash, is an add leaf of $2 and proven included in checkpoint $3.
prove_object() { # label file member checkpoint collection
	local label=$1 f=$2 who=$3 cpn=$4 coll=${5:-$COLL} sha idx
	sha=$(py sha256 "$f")
	get "$URL/log/leaves?object_sha256=$sha" -
	expect_code "$label: leaves by object hash" 200
	expect_jq "$label: one add leaf" "[.leaves[] | select(.entry | fromjson | .action == \"add\")] | length == 1"
	jq -r '[.leaves[] | select(.entry | fromjson | .action == "add")][0].entry' "$T/body" | tr -d '\n' >"$T/entry"
	idx=$(jq -r '[.leaves[] | select(.entry | fromjson | .action == "add")][0].index' "$T/body")
	local want
	want=$(jq -c --arg c "$coll" --arg m "$who" --arg s "$sha" \
		'(.collection == $c) and (.member == $m) and (.object_sha256 == $s) and (.date_added | test("^[0-9-]{10}T[0-9:]{8}\\.[0-9]{6}Z$"))' "$T/entry")
	[ "$want" = true ] && ok || bad "$label: entry $(cat "$T/entry")"
	get "$URL/log/proof/inclusion?index=$idx&size=$(cp_size "$cpn")" -
	expect_code "$label: inclusion proof" 200
	cp "$T/body" "$T/proof.json"
	[ "$(py inclusion "$T/$cpn.cp" "$T/proof.json" "$T/entry")" = ok ] && ok || bad "$label: inclusion proof does not verify"
	# the same proof by leaf hash (base64, URL-encoded)
	local lh
	lh=$(jq -r .leaf_hash "$T/proof.json" | sed 's/+/%2B/g; s|/|%2F|g; s/=/%3D/g')
	get "$URL/log/proof/inclusion?hash=$lh&size=$(cp_size "$cpn")" -
	expect_jq "$label: proof by leaf hash" ".index == $idx"
}

# ---- the node -----------------------------------------------------------------------------

node_init
"$ACCORD" key gen --out "$T/alice.key" --name alice >/dev/null 2>&1 || { echo "key gen failed"; exit 1; }
"$ACCORD" key gen --out "$T/alice2.key" --name alice-2 >/dev/null 2>&1
"$ACCORD" key gen --out "$T/mallory.key" --name mallory >/dev/null 2>&1
ALICE=$(member alice --pubkey "$T/alice.key.pub")
BOB=$(member bob)
ALICE_ID=$(member_identity alice)
BOB_ID=$(member_identity bob)
for m in alice bob; do "$ACCORD" grant --dir "$NODE" $m shared --read --write >/dev/null 2>&1; done

"$ACCORD" node pubkey --dir "$NODE" >"$T/node.vkey"
ORIGIN=$(cut -d+ -f1 "$T/node.vkey")
KEYID=$(py pubpem "$T/node.vkey" "$T/node.pem") || { echo "bad verifier key: $(cat "$T/node.vkey")"; exit 1; }
[ "$ORIGIN" = test ] && ok || bad "origin $ORIGIN, want the node key's name (test)"

serve_start
C=$R/collections/$COLL
get "$URL/log/key" -
expect_code "GET /log/key" 200
[ "$(cat "$T/body")" = "$(cat "$T/node.vkey")" ] && ok || bad "/log/key differs from accord node pubkey"

# Objects, posted canonical so that the stored bytes are the bytes posted.
for i in 1 2 3; do
	O[$i]=indicator--$(uuid)
	indicator "${O[$i]}" "$ALICE_ID" >"$T/raw$i.json"
	py canon "$T/raw$i.json" >"$T/obj$i.json"
done
envelope "$T/env.json" "$(cat "$T/obj1.json")" "$(cat "$T/obj2.json")" "$(cat "$T/obj3.json")"
post "$C/objects/" "alice:$ALICE" "$T/env.json"
expect_jq "three objects stored" '.success_count == 3'

checkpoint one
for i in 1 2 3; do prove_object "object $i" "$T/obj$i.json" alice one; done

# The whole log rebuilt from its entries gives the signed root.
get "$URL/log/entries?start=0&count=1000" -
expect_code "entries" 200
[ "$(py rebuild "$T/body" "$T/one.cp")" = ok ] && ok || bad "rebuilding the tree from the entries"
expect_jq "entries: member-add leaves first" '.entries[0].entry | fromjson | .action == "member-add" and .collection == "-"'
expect_jq "entries: alice's key-add" '[.entries[].entry | fromjson | select(.action == "key-add" and .member == "alice")] | length == 1'
expect_jq "entries: nothing but hashes, ids, names, dates" \
	'[.entries[].entry | fromjson | keys == ["action","collection","date_added","member","object_sha256"]] | all'
if grep -q "indicator--" "$T/body"; then bad "entries name a STIX id"; else ok; fi

# ---- DELETE, members and keys are leaves ------------------------------------------------------

req DELETE "$C/objects/${O[2]}/" "alice:$ALICE" -H "$ACCEPT"
expect_code "DELETE" 200
SHA2=$(py sha256 "$T/obj2.json")
get "$URL/log/leaves?object_sha256=$SHA2" -
expect_jq "the deleted version has add and delete leaves" \
	'[.leaves[].entry | fromjson | .action] == ["add","delete"] and (.leaves[1].entry | fromjson | .member == "alice")'

"$ACCORD" member add --dir "$NODE" carol >/dev/null 2>&1
"$ACCORD" member key add --dir "$NODE" alice "$T/alice2.key.pub" >"$T/kid2" 2>/dev/null
[ -s "$T/kid2" ] && ok || bad "member key add printed no key id"
"$ACCORD" member key add --dir "$NODE" bob "$T/alice2.key.pub" >/dev/null 2>&1
[ $? = 1 ] && ok || bad "a key registered twice"
"$ACCORD" member key revoke --dir "$NODE" alice "$(head -c 12 "$T/kid2")" 2>/dev/null
[ $? = 0 ] && ok || bad "member key revoke"
"$ACCORD" member remove --dir "$NODE" carol >/dev/null 2>&1

checkpoint two
N2=$(cp_size two)
get "$URL/log/entries?start=$(cp_size one)&count=100" -
expect_jq "new leaves: delete, member-add, key-add, key-revoke, member-remove" \
	'[.entries[].entry | fromjson | .action] == ["delete","member-add","key-add","key-revoke","member-remove"]'
expect_jq "the key leaves name alice" '[.entries[2,3].entry | fromjson | .member] == ["alice","alice"]'
KEYID2=$(cat "$T/kid2")
printf '{"action":"key-revoke","key_id":"%s","member":"alice"}' "$KEYID2" >"$T/rec"
expect_jq "the key-revoke leaf names the record's hash" \
	"(.entries[3].entry | fromjson | .object_sha256) == \"$(py sha256 "$T/rec")\""
get "$URL/log/keys?member=alice" -
expect_jq "alice's keys: one active, one revoked with its leaves" \
	"[.keys[].state] == [\"active\",\"revoked\"] and .keys[1].key_id == \"$KEYID2\" and .keys[1].revoke_index > .keys[1].add_index"
get "$URL/log/keys?member=nobody" -
expect_code "keys of an unknown member" 404

# Consistency between the two checkpoints.
get "$URL/log/proof/consistency?from=$(cp_size one)&to=$N2" -
expect_code "consistency proof" 200
cp "$T/body" "$T/cons.json"
[ "$(py consistency "$T/one.cp" "$T/two.cp" "$T/cons.json")" = ok ] && ok || bad "consistency one -> two does not verify"
# the old objects are still proven in the new tree
prove_object "object 1 at the new size" "$T/obj1.json" alice two

# ---- signatures on ingest ------------------------------------------------------------------

sign_obj() { # key in out
	"$ACCORD" sign --key "$1" "$2" >"$3" 2>"$T/sign.err" || { bad "accord sign: $(cat "$T/sign.err")"; }
}
O[4]=indicator--$(uuid)
indicator "${O[4]}" "$ALICE_ID" >"$T/raw4.json"
sign_obj "$T/alice.key" "$T/raw4.json" "$T/signed4.json"
envelope "$T/env.json" "$(cat "$T/signed4.json")"
post "$C/objects/" "alice:$ALICE" "$T/env.json"
expect_jq "a signed object is stored" '.success_count == 1'
tr -d '\n' <"$T/signed4.json" >"$T/signed4.canon" # accord sign writes canonical lines
checkpoint two_b
prove_object "signed object" "$T/signed4.canon" alice two_b

# tampered after signing
jq -c '.name = "changed"' "$T/signed4.json" >"$T/bad4.json"
O[5]=indicator--$(uuid)
indicator "${O[5]}" "$ALICE_ID" >"$T/raw5.json"
sign_obj "$T/alice.key" "$T/raw5.json" "$T/signed5.json"
jq -c '.name = "tampered"' "$T/signed5.json" >"$T/bad5.json"
envelope "$T/env.json" "$(cat "$T/bad5.json")"
post "$C/objects/" "alice:$ALICE" "$T/env.json"
expect_jq "a tampered signed object is rejected" \
	'.failure_count == 1 and (.failures[0].message | test("signature rejected \\(bad-signature\\)"))'
# signed by a key that is not alice's
O[6]=indicator--$(uuid)
indicator "${O[6]}" "$ALICE_ID" >"$T/raw6.json"
sign_obj "$T/mallory.key" "$T/raw6.json" "$T/signed6.json"
envelope "$T/env.json" "$(cat "$T/signed6.json")"
post "$C/objects/" "alice:$ALICE" "$T/env.json"
expect_jq "an object signed by an unknown key is rejected" \
	'.failure_count == 1 and (.failures[0].message | test("unknown-key"))'
# signed by alice's revoked key
O[7]=indicator--$(uuid)
indicator "${O[7]}" "$ALICE_ID" >"$T/raw7.json"
sign_obj "$T/alice2.key" "$T/raw7.json" "$T/signed7.json"
envelope "$T/env.json" "$(cat "$T/signed7.json")"
post "$C/objects/" "alice:$ALICE" "$T/env.json"
expect_jq "an object signed by a revoked key is rejected" '.failure_count == 1'
# a malformed signature extension
jq -c '.extensions["extension-definition--1e42a916-7cd0-4ddc-9cdd-69ce0bd41b5c"].signature = "xx"' \
	"$T/signed6.json" >"$T/mal.json"
envelope "$T/env.json" "$(cat "$T/mal.json")"
post "$C/objects/" "alice:$ALICE" "$T/env.json"
expect_jq "a malformed signature is rejected" \
	'.failure_count == 1 and (.failures[0].message | test("malformed Accord signature"))'

# ---- a collection that requires signatures -------------------------------------------------

SC=$("$ACCORD" collection add default --title Signed --alias signed --require-signed --dir "$NODE" 2>/dev/null)
"$ACCORD" grant --dir "$NODE" alice signed --read --write >/dev/null 2>&1
O[8]=indicator--$(uuid)
indicator "${O[8]}" "$ALICE_ID" >"$T/raw8.json"
envelope "$T/env.json" "$(cat "$T/raw8.json")" "{\"type\":\"marking-definition\",\"spec_version\":\"2.1\",\"id\":\"$TLP_GREEN\",\"created\":\"2022-10-01T00:00:00.000Z\",\"name\":\"TLP:GREEN\",\"extensions\":{\"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d\":{\"extension_type\":\"property-extension\",\"tlp_2_0\":\"green\"}}}"
post "$R/collections/$SC/objects/" "alice:$ALICE" "$T/env.json"
expect_jq "require-signed: an unsigned object is refused" \
	'(.failures | map(select(.message | test("requires signed"))) | length) == 1'
expect_jq "require-signed: the predefined TLP marking is not refused for lacking a signature" \
	'([.failures[]?.message | select(test("requires signed"))] | length) == 1'
sign_obj "$T/alice.key" "$T/raw8.json" "$T/signed8.json"
envelope "$T/env.json" "$(cat "$T/signed8.json")"
post "$R/collections/$SC/objects/" "alice:$ALICE" "$T/env.json"
expect_jq "require-signed: a signed object is stored" '.success_count == 1'

# ---- artifacts -------------------------------------------------------------------------------

printf 'release bits\n' >"$T/tool.tar.gz"
"$ACCORD" artifact sign "$T/tool.tar.gz" --version 1.0 --key "$T/alice.key" --member alice \
	--out "$T/tool.dsse" >/dev/null 2>"$T/art.err" || bad "artifact sign: $(cat "$T/art.err")"
req POST "$URL/log/artifacts" "alice:$ALICE" -H 'Content-Type: application/json' --data-binary "@$T/tool.dsse"
expect_code "POST /log/artifacts" 201
expect_jq "the artifact leaf" '(.entry | fromjson | .action == "artifact" and .member == "alice" and .collection == "-") and .name == "tool.tar.gz" and .version == "1.0"'
AIDX=$(jq -r .index "$T/body")
req POST "$URL/log/artifacts" "alice:$ALICE" -H 'Content-Type: application/json' --data-binary "@$T/tool.dsse"
expect_code "POST the same envelope again" 200
expect_jq "the same leaf" ".index == $AIDX"
req POST "$URL/log/artifacts" "bob:$BOB" -H 'Content-Type: application/json' --data-binary "@$T/tool.dsse"
expect_code "an artifact from a member without keys" 403
req POST "$URL/log/artifacts" - -H 'Content-Type: application/json' --data-binary "@$T/tool.dsse"
expect_code "an artifact without credentials" 401
FSHA=$(py sha256 "$T/tool.tar.gz")
get "$URL/log/artifacts?sha256=$FSHA" -
expect_jq "find the statement by the file's digest" \
	".artifacts | length == 1 and .[0].index == $AIDX and .[0].member == \"alice\""
jq -r '.artifacts[0].envelope' "$T/body" | tr -d '\n' >"$T/env.stored"
expect_jq "the entry names the stored envelope's hash" \
	"(.artifacts[0].entry | fromjson | .object_sha256) == \"$(py sha256 "$T/env.stored")\""

# ---- restart: the tree and its checkpoints survive ------------------------------------------

checkpoint three
serve_stop || bad "the server did not stop cleanly"
serve_start
C=$R/collections/$COLL
checkpoint four
[ "$(cp_size three)" = "$(cp_size four)" ] && [ "$(sed -n 3p "$T/three.cp")" = "$(sed -n 3p "$T/four.cp")" ] &&
	ok || bad "the checkpoint changed across a restart"
O[9]=indicator--$(uuid)
indicator "${O[9]}" "$BOB_ID" >"$T/raw9.json"
py canon "$T/raw9.json" >"$T/obj9.json"
envelope "$T/env.json" "$(cat "$T/obj9.json")"
post "$C/objects/" "bob:$BOB" "$T/env.json"
expect_jq "stored after the restart" '.success_count == 1'
checkpoint five
get "$URL/log/proof/consistency?from=$(cp_size one)&to=$(cp_size five)" -
cp "$T/body" "$T/cons.json"
[ "$(py consistency "$T/one.cp" "$T/five.cp" "$T/cons.json")" = ok ] && ok || bad "consistency one -> five"
prove_object "object after restart" "$T/obj9.json" bob five
get "$URL/log/entries?start=0&count=1000" -
[ "$(py rebuild "$T/body" "$T/five.cp")" = ok ] && ok || bad "rebuilding the final tree from the entries"

# ---- the extension definitions ----------------------------------------------------------------

get "$URL/extensions/" -
expect_code "GET /extensions/" 200
expect_jq "three objects: the two extensions and the Accord identity" \
	'[.objects[].type] == ["extension-definition","extension-definition","identity"]'
get "$URL/extensions/extension-definition--1e42a916-7cd0-4ddc-9cdd-69ce0bd41b5c" -
expect_jq "the signature extension by id" '.id == "extension-definition--1e42a916-7cd0-4ddc-9cdd-69ce0bd41b5c"'
get "$URL/extensions/extension-definition--00000000-0000-4000-8000-000000000000" -
expect_code "an unknown extension id" 404

# ---- refusals ---------------------------------------------------------------------------------

N=$(cp_size five)
for q in "index=$N&size=$N" "index=0&size=$((N + 1))" "index=x" "index=0&hash=AA" "hash=zz" \
	"index=0&index=1" "index=-1" "index=01"; do
	get "$URL/log/proof/inclusion?$q" -
	expect_code "inclusion $q" 400
done
get "$URL/log/proof/inclusion?hash=$(printf '%064d' 0)" -
expect_code "inclusion of an unknown hash" 404
for q in "from=0&to=$N" "from=5&to=4" "to=3" "from=1&to=$((N + 1))"; do
	get "$URL/log/proof/consistency?$q" -
	expect_code "consistency $q" 400
done
get "$URL/log/proof/consistency?from=$N" -
expect_jq "consistency to the current size by default" ".to == $N and .hashes == []"
for q in "start=0&count=0" "start=0&count=1001" "start=$((N + 1))" "count=5"; do
	get "$URL/log/entries?$q" -
	expect_code "entries $q" 400
done
get "$URL/log/entries?start=$N" -
expect_jq "entries at the end: empty" ".entries == [] and .size == $N"
get "$URL/log/leaves?object_sha256=xyz" -
expect_code "leaves with a bad hash" 400
req POST "$URL/log/checkpoint" - -d x
expect_code "POST /log/checkpoint" 405
req DELETE "$URL/log/entries" -
expect_code "DELETE /log/entries" 405
get "$URL/log/nothing" -
expect_code "an unknown log path" 404
expect_header "log errors are JSON" "^Content-Type: application/json"
"$ACCORD" root add log --title x --dir "$NODE" >/dev/null 2>&1
[ $? = 1 ] && ok || bad "an api root named log was accepted"

finish
