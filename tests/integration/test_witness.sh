#!/usr/bin/env bash
# Witnessing end to end (docs/api.md "Witness", docs/cli.md): node B witnesses
# node A's log. accord witness add/list/remove/key on B; accord log witness
# cosigns A's checkpoint at size n, then again after more objects (the 409
# and consistency-proof path); every cosignature line is verified with
# openssl against the key B serves (the message rebuilt in python3 from
# c2sp.org/tlog-cosignature, not by accord). Refusals: malformed (400), stale
# (400), unknown origin (404), a forged or altered checkpoint (403), a bad
# proof (422), a wrong old size (409 text/x.tlog.size); concurrent
# submissions from one old size: exactly one is cosigned. A split view: a
# copy of A's directory and A both grow to one size with different roots;
# the second is refused (409), reported on B's stderr and served with both
# signed checkpoints at /log/witness/split-views.
. "$(dirname "$0")/taxii_lib.sh"

need() { command -v "$1" >/dev/null 2>&1 || { echo "SKIP: $1 not found"; exit 0; }; }
need python3
need openssl
need jq

# Every server's pid is in $T/<label>.pid; all are stopped at exit.
cleanup_all() {
	local f p
	for f in "$T"/*.pid; do
		[ -f "$f" ] || continue
		p=$(cat "$f")
		kill -TERM "$p" 2>/dev/null
		for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
	done
	rm -rf "$T"
}
trap cleanup_all EXIT

# ---- independent checks (python3 hashlib/base64, openssl) ------------------------------

cat >"$T/w.py" <<'EOF'
# Pieces of C2SP signed notes and cosignatures, written from the specs
# (c2sp.org/signed-note, c2sp.org/tlog-cosignature) for this test.
import base64, hashlib, sys

def keyid(name, typ, pk):
    return hashlib.sha256(name.encode() + b"\n" + bytes([typ]) + pk).digest()[:4]

def pem(pk, out):
    der = bytes.fromhex("302a300506032b6570032100") + pk
    open(out, "w").write("-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PUBLIC KEY-----\n")

cmd = sys.argv[1]
if cmd == "pubpem":  # VERIFIER-KEY-FILE TYPE OUT: PEM of the key, checks the key ID
    name, kid, b64 = open(sys.argv[2]).read().strip().split("+", 2)
    raw = base64.b64decode(b64)
    assert raw[0] == int(sys.argv[3]) and len(raw) == 33, "type or length"
    assert keyid(name, raw[0], raw[1:]).hex() == kid, "key id"
    pem(raw[1:], sys.argv[4])
    print(name)
elif cmd == "cosig":  # CHECKPOINT-NOTE COSIG-LINE-FILE WITNESS-VKEY OUT-DIR: the signed message
    text = open(sys.argv[2], "rb").read().rsplit(b"\n\n", 1)[0] + b"\n"
    line = open(sys.argv[3]).read()
    assert line.startswith("\u2014 ") and line.endswith("\n") and line.count("\n") == 1, "one line"
    _, name, b64 = line.rstrip("\n").split(" ")
    blob = base64.b64decode(b64)
    assert len(blob) == 4 + 8 + 64, "cosignature length %d" % len(blob)
    wname, _, wb64 = open(sys.argv[4]).read().strip().split("+", 2)
    raw = base64.b64decode(wb64)
    assert name == wname, "witness name %s, key %s" % (name, wname)
    assert blob[:4] == keyid(wname, 4, raw[1:]), "cosignature key id"
    t = int.from_bytes(blob[4:12], "big")
    assert t > 1600000000, "timestamp %d" % t
    open(sys.argv[5] + "/msg", "wb").write(b"cosignature/v1\ntime %d\n" % t + text)
    open(sys.argv[5] + "/sig", "wb").write(blob[12:])
    print(t)
elif cmd == "forge":  # CHECKPOINT-NOTE PEM-PRIVATE OUT: re-sign the text with another key, same name
    import subprocess
    data = open(sys.argv[2], "rb").read()
    text = data.rsplit(b"\n\n", 1)[0] + b"\n"
    name = text.split(b"\n")[0].decode()
    open(sys.argv[3] + ".msg", "wb").write(text)
    sig = subprocess.check_output(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", sys.argv[3], "-in", sys.argv[3] + ".msg"])
    der = subprocess.check_output(["openssl", "pkey", "-in", sys.argv[3], "-pubout", "-outform", "DER"])
    pk = der[-32:]
    line = "\u2014 %s %s\n" % (name, base64.b64encode(keyid(name, 1, pk) + sig).decode())
    sys.stdout.buffer.write(text + b"\n" + line.encode())
elif cmd == "alter":  # CHECKPOINT-NOTE: another root, the same signature line
    data = open(sys.argv[2], "rb").read()
    text, sigs = data.rsplit(b"\n\n", 1)
    lines = text.split(b"\n")
    lines[2] = base64.b64encode(hashlib.sha256(lines[2]).digest())
    sys.stdout.buffer.write(b"\n".join(lines) + b"\n\n" + sigs)
EOF
py() { python3 "$T/w.py" "$@"; }

# ---- nodes ------------------------------------------------------------------------------

# init_node DIR NAME: a node; sets SECRET_<NAME> and ID_<NAME> (admin's).
init_node() {
	"$ACCORD" init --dir "$1" --name "$2" >"$T/$2.init" || { echo "accord init $2 failed"; exit 1; }
}
admin_secret() { sed -n 's/^secret: *//p' "$T/$1.init"; }
admin_id() { sed -n 's/^admin: .*(identity \(.*\))$/\1/p' "$T/$1.init"; }
collection() { sed -n 's/^api root: .*(collection \([0-9a-f-]*\),.*/\1/p' "$T/$1.init"; }

# start_node DIR LABEL: serve DIR on a free port; SERVED gets the base URL.
start_node() {
	local dir=$1 label=$2
	: >"$T/$label.out"
	"$ACCORD" serve --dir "$dir" --listen 127.0.0.1:0 >"$T/$label.out" 2>"$T/$label.err" &
	local pid=$!
	echo "$pid" >"$T/$label.pid"
	for _ in $(seq 1 200); do
		grep -q '^accord: serving' "$T/$label.out" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	SERVED=$(sed -n 's|^accord: serving \(.*\)/taxii2/$|\1|p' "$T/$label.out")
	[ -n "$SERVED" ] || { echo "accord serve $label did not start:"; cat "$T/$label.err"; exit 1; }
}
stop_node() {
	local pid
	pid=$(cat "$T/$1.pid")
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null
	rm -f "$T/$1.pid"
}

# add_objects URL LABEL N TAG: post N new indicators to the node's default collection.
add_objects() {
	local url=$1 label=$2 n=$3 objs=() i
	for i in $(seq 1 "$n"); do objs+=("$(indicator "indicator--$(uuid)" "$(admin_id "$label")")"); done
	envelope "$T/env.json" "${objs[@]}"
	post "$url/default/collections/$(collection "$label")/objects/" "admin:$(admin_secret "$label")" "$T/env.json"
	expect_jq "$label: $n objects stored" ".success_count == $n"
}

size_of() { sed -n 2p "$1"; }
root_of() { sed -n 3p "$1"; }

init_node "$T/a" log-a
init_node "$T/b" witness-b
"$ACCORD" node pubkey --dir "$T/a" >"$T/a.vkey"
ORIGIN=$(cut -d+ -f1 "$T/a.vkey")
start_node "$T/a" a
A=$SERVED
start_node "$T/b" b
B=$SERVED

# the witness key: the CLI and the endpoint agree, it is a type-0x04 key of B's origin
"$ACCORD" witness key --dir "$T/b" >"$T/b.wkey"
get "$B/log/witness/key" -
expect_code "GET /log/witness/key" 200
[ "$(cat "$T/body")" = "$(cat "$T/b.wkey")" ] && ok || bad "witness key: CLI $(cat "$T/b.wkey"), served $(cat "$T/body")"
WNAME=$(py pubpem "$T/b.wkey" 4 "$T/b.pem") || bad "witness key $(cat "$T/b.wkey") is not a cosignature key"
[ "$WNAME" = "$(cut -d+ -f1 < <("$ACCORD" node pubkey --dir "$T/b"))" ] && ok || bad "witness name $WNAME is not B's origin"
py pubpem "$T/a.vkey" 1 "$T/a.pem" >/dev/null || bad "A's key $(cat "$T/a.vkey")"

# verify_cosig NOTE LINE-FILE LABEL: LINE is B's cosignature of NOTE (openssl)
verify_cosig() {
	if py cosig "$1" "$2" "$T/b.wkey" "$T" >/dev/null 2>"$T/py.err" &&
		openssl pkeyutl -verify -pubin -inkey "$T/b.pem" -rawin -in "$T/msg" -sigfile "$T/sig" >/dev/null 2>&1; then
		ok
	else
		bad "$3: the cosignature does not verify: $(cat "$T/py.err") $(cat "$2")"
	fi
}
# verify_log_sig NOTE LABEL: the note's first signature is A's (openssl)
verify_log_sig() {
	python3 - "$1" "$T" <<'EOF'
import base64, sys
data = open(sys.argv[1], "rb").read()
text, sigs = data.rsplit(b"\n\n", 1)
line = sigs.decode().split("\n")[0]
open(sys.argv[2] + "/lmsg", "wb").write(text + b"\n")
open(sys.argv[2] + "/lsig", "wb").write(base64.b64decode(line.split(" ")[2])[4:])
EOF
	if openssl pkeyutl -verify -pubin -inkey "$T/a.pem" -rawin -in "$T/lmsg" -sigfile "$T/lsig" >/dev/null 2>&1; then ok; else
		bad "$2: A's signature does not verify"
	fi
}
# submit FILE: POST an add-checkpoint body to B
submit() { req POST "$B/log/witness/add-checkpoint" - --data-binary "@$1"; }
checkpoint_of() { curl -s "$1/log/checkpoint" >"$2"; }

# ---- configuration -----------------------------------------------------------------------

"$ACCORD" log witness "$A" --witness "$B" >"$T/out" 2>"$T/err"
[ $? -eq 1 ] && grep -q "unknown log" "$T/err" && ok || bad "not yet witnessed: want exit 1 'unknown log': $(cat "$T/err")"
"$ACCORD" witness add "$ORIGIN" --key "not+a+key" --dir "$T/b" 2>/dev/null
[ $? -eq 2 ] && ok || bad "witness add with a bad key: want exit 2"
"$ACCORD" witness add "$ORIGIN" --key "$(cat "$T/b.wkey")" --dir "$T/b" 2>/dev/null
[ $? -eq 2 ] && ok || bad "witness add with a cosignature key (type 0x04): want exit 2"
"$ACCORD" witness add "$ORIGIN" --key "$(cat "$T/a.vkey")" --dir "$T/b" 2>"$T/err"
[ $? -eq 0 ] && grep -q "cosigns as $(cat "$T/b.wkey")" "$T/err" && ok || bad "witness add: $(cat "$T/err")"
"$ACCORD" witness add "$ORIGIN" --key "$T/a.vkey" --dir "$T/b" 2>"$T/err"
[ $? -eq 0 ] && grep -q "already witnessed" "$T/err" && ok || bad "witness add again (key file): $(cat "$T/err")"
[ "$("$ACCORD" witness list --dir "$T/b")" = "$ORIGIN	$(cat "$T/a.vkey")	-" ] && ok ||
	bad "witness list: $("$ACCORD" witness list --dir "$T/b")"

# ---- cosign at size n (the running server sees the new configuration) -------------------------

add_objects "$A" log-a 2
checkpoint_of "$A" "$T/cp1"
N1=$(size_of "$T/cp1")
"$ACCORD" log witness "$A" --witness "$B" >"$T/cosig1" 2>"$T/err"
[ $? -eq 0 ] && ok || bad "log witness at size $N1: $(cat "$T/err")"
verify_cosig "$T/cp1" "$T/cosig1" "first cosignature"
get "$B/log/witness/checkpoint?origin=$ORIGIN" -
expect_code "GET /log/witness/checkpoint" 200
[ "$(size_of "$T/body")" = "$N1" ] && [ "$(tail -1 "$T/body")" = "$(cat "$T/cosig1")" ] && ok ||
	bad "witness state after the first cosignature: $(cat "$T/body")"
[ "$("$ACCORD" witness list --dir "$T/b" | cut -f3)" = "$N1" ] && ok || bad "witness list size"

# the same checkpoint again, from the right old size: cosigned again
{ printf 'old %s\n\n' "$N1"; cat "$T/cp1"; } >"$T/body.txt"
submit "$T/body.txt"
expect_code "same checkpoint again" 200
expect_header "cosignature media type" "^Content-Type: text/plain"
verify_cosig "$T/cp1" "$T/body" "second cosignature of the same checkpoint"

# ---- refusals ------------------------------------------------------------------------------

add_objects "$A" log-a 3
checkpoint_of "$A" "$T/cp2"
N2=$(size_of "$T/cp2")

# old size 0 (not B's): 409, text/x.tlog.size, the cosigned size
{ printf 'old 0\n\n'; cat "$T/cp2"; } >"$T/body.txt"
submit "$T/body.txt"
expect_code "wrong old size" 409
expect_header "409 media type" "^Content-Type: text/x\.tlog\.size"
[ "$(cat "$T/body")" = "$N1" ] && ok || bad "409 body $(cat "$T/body"), want $N1"
# a proof that does not prove: 422, state unchanged
{ printf 'old %s\n' "$N1"; for _ in 1 2 3; do printf '%s\n' "$(root_of "$T/cp2")"; done; printf '\n'; cat "$T/cp2"; } >"$T/body.txt"
submit "$T/body.txt"
expect_code "bad consistency proof" 422
# no proof at all from n to n+3: 422
{ printf 'old %s\n\n' "$N1"; cat "$T/cp2"; } >"$T/body.txt"
submit "$T/body.txt"
expect_code "missing consistency proof" 422
# old larger than the checkpoint: 400; the old checkpoint after the new (stale) is 400 too, below
{ printf 'old %s\n\n' "$((N1 + 100))"; cat "$T/cp1"; } >"$T/body.txt"
submit "$T/body.txt"
expect_code "old > size" 400
# malformed bodies: 400
for b in 'old 01\n\n' 'old x\n\n' 'olds 1\n\n' 'old 1\nnot-base64\n\n' 'old 1\n'; do
	{ printf "$b"; cat "$T/cp2"; } >"$T/body.txt"
	submit "$T/body.txt"
	expect_code "malformed body $b" 400
done
printf 'old 0\n\n' >"$T/body.txt"
submit "$T/body.txt"
expect_code "no checkpoint" 400
# unknown origin: B's own checkpoint
add_objects "$B" witness-b 1
checkpoint_of "$B" "$T/bcp"
{ printf 'old 0\n\n'; cat "$T/bcp"; } >"$T/body.txt"
submit "$T/body.txt"
expect_code "unknown origin" 404
# an altered checkpoint (another root, A's signature line): 403
py alter "$T/cp2" >"$T/alt.cp"
{ printf 'old %s\n\n' "$N1"; cat "$T/alt.cp"; } >"$T/body.txt"
submit "$T/body.txt"
expect_code "altered checkpoint" 403
# a forged one: signed by another key under A's name: 403
openssl genpkey -algorithm ed25519 -out "$T/mallory.pem" 2>/dev/null
py forge "$T/cp2" "$T/mallory.pem" >"$T/forged.cp"
{ printf 'old %s\n\n' "$N1"; cat "$T/forged.cp"; } >"$T/body.txt"
submit "$T/body.txt"
expect_code "forged checkpoint" 403
[ "$("$ACCORD" witness list --dir "$T/b" | cut -f3)" = "$N1" ] && ok || bad "a refusal moved the witness state"
# GET on add-checkpoint, POST elsewhere
req GET "$B/log/witness/add-checkpoint" -
expect_code "GET add-checkpoint" 405
expect_header "Allow: POST" "^Allow: POST"
req POST "$B/log/witness/split-views" - --data-binary x
expect_code "POST split-views" 405

# ---- cosign at size n+3: the client's 409 retry with a consistency proof -----------------------

"$ACCORD" log witness "$A" --witness "$B" >"$T/cosig2" 2>"$T/err"
[ $? -eq 0 ] && grep -q "proof from size $N1" "$T/err" && ok || bad "log witness at size $N2: $(cat "$T/err")"
verify_cosig "$T/cp2" "$T/cosig2" "cosignature after a consistency proof"
[ "$("$ACCORD" witness list --dir "$T/b" | cut -f3)" = "$N2" ] && ok || bad "witness state after the proof"
# stale: the old checkpoint from the current old size: 400
{ printf 'old %s\n\n' "$N2"; cat "$T/cp1"; } >"$T/body.txt"
submit "$T/body.txt"
expect_code "stale checkpoint" 400

# concurrent submissions from one old size: exactly one is cosigned
add_objects "$A" log-a 1
checkpoint_of "$A" "$T/cp3"
N3=$(size_of "$T/cp3")
curl -s "$A/log/proof/consistency?from=$N2&to=$N3" | jq -r '.hashes[]' >"$T/proof3"
{ printf 'old %s\n' "$N2"; cat "$T/proof3"; printf '\n'; cat "$T/cp3"; } >"$T/body3.txt"
racers=()
for i in 1 2 3 4 5 6; do
	curl -s -o /dev/null -w '%{http_code}\n' --data-binary "@$T/body3.txt" "$B/log/witness/add-checkpoint" >"$T/race$i" &
	racers+=($!)
done
wait "${racers[@]}"
codes=$(cat "$T"/race? | sort | uniq -c | tr -s ' ' | tr '\n' ';')
[ "$(cat "$T"/race? | grep -c 200)" = 1 ] && [ "$(cat "$T"/race? | grep -c 409)" = 5 ] && ok ||
	bad "concurrent submissions: want one 200 and five 409, got $codes"

# ---- a split view ----------------------------------------------------------------------------

stop_node a
cp -a "$T/a" "$T/a2"
start_node "$T/a" a
A=$SERVED
start_node "$T/a2" a2
A2=$SERVED
cp "$T/log-a.init" "$T/log-a2.init"
add_objects "$A" log-a 2
add_objects "$A2" log-a2 2
checkpoint_of "$A" "$T/cp4"
checkpoint_of "$A2" "$T/cp4x"
N4=$(size_of "$T/cp4")
[ "$N4" = "$(size_of "$T/cp4x")" ] && [ "$(root_of "$T/cp4")" != "$(root_of "$T/cp4x")" ] && ok ||
	bad "the copy should have the same size and another root: $(cat "$T/cp4") / $(cat "$T/cp4x")"
verify_log_sig "$T/cp4x" "the copy's checkpoint"
"$ACCORD" log witness "$A" --witness "$B" >"$T/cosig4" 2>"$T/err"
[ $? -eq 0 ] && ok || bad "log witness at size $N4: $(cat "$T/err")"
verify_cosig "$T/cp4" "$T/cosig4" "cosignature at size $N4"
"$ACCORD" log witness "$A2" --witness "$B" >"$T/out" 2>"$T/err"
[ $? -eq 1 ] && grep -q "split view" "$T/err" && ok || bad "split view: want exit 1 'split view': $(cat "$T/err")"
[ -s "$T/out" ] && bad "split view: cosignature printed: $(cat "$T/out")" || ok
# directly: 409 (not text/x.tlog.size), reported
{ printf 'old %s\n\n' "$N4"; cat "$T/cp4x"; } >"$T/body.txt"
submit "$T/body.txt"
expect_code "split view" 409
no_header "split view is not a size conflict" "^Content-Type: text/x\.tlog\.size"
grep -q "SPLIT VIEW of log $ORIGIN at size $N4" "$T/b.err" && ok || bad "no split-view line on B's stderr: $(cat "$T/b.err")"
get "$B/log/witness/split-views" -
expect_code "GET split-views" 200
expect_jq "one split view kept" ".split_views | length == 1"
expect_jq "its origin and size" ".split_views[0].origin == \"$ORIGIN\" and .split_views[0].size == $N4"
jq -j '.split_views[0].cosigned' "$T/body" >"$T/ev.cosigned"
jq -j '.split_views[0].presented' "$T/body" >"$T/ev.presented"
[ "$(root_of "$T/ev.cosigned")" = "$(root_of "$T/cp4")" ] && [ "$(root_of "$T/ev.presented")" = "$(root_of "$T/cp4x")" ] && ok ||
	bad "split-view evidence roots"
verify_log_sig "$T/ev.cosigned" "evidence (cosigned)"
verify_log_sig "$T/ev.presented" "evidence (presented)"
tail -1 "$T/ev.cosigned" >"$T/ev.line"
verify_cosig "$T/ev.cosigned" "$T/ev.line" "evidence carries B's cosignature"
get "$B/log/witness/checkpoint?origin=$ORIGIN" -
[ "$(root_of "$T/body")" = "$(root_of "$T/cp4")" ] && ok || bad "a split view moved the witness state"

# ---- remove and add again ---------------------------------------------------------------------

"$ACCORD" witness remove "$ORIGIN" --dir "$T/b" 2>/dev/null && ok || bad "witness remove"
"$ACCORD" witness remove "$ORIGIN" --dir "$T/b" 2>/dev/null
[ $? -eq 1 ] && ok || bad "witness remove twice: want exit 1"
[ -z "$("$ACCORD" witness list --dir "$T/b")" ] && ok || bad "witness list after remove"
{ printf 'old %s\n\n' "$N4"; cat "$T/cp4"; } >"$T/body.txt"
submit "$T/body.txt"
expect_code "removed log" 404
"$ACCORD" witness add "$ORIGIN" --key "$(cat "$T/a.vkey")" --dir "$T/b" 2>/dev/null
[ "$("$ACCORD" witness list --dir "$T/b" | cut -f3)" = "$N4" ] && ok || bad "re-added log lost its state"
{ printf 'old 0\n\n'; cat "$T/cp4x"; } >"$T/body.txt"
submit "$T/body.txt"
expect_code "the copy after re-adding: still a conflict" 409
[ "$(cat "$T/body")" = "$N4" ] && ok || bad "409 after re-adding: $(cat "$T/body")"

# the servers stop cleanly, and a sanitizer build reports nothing
for n in a a2 b; do
	stop_node $n || bad "accord serve ($n) did not stop cleanly"
	grep -q "Sanitizer\|runtime error" "$T/$n.err" && bad "$n: $(grep -m3 "Sanitizer\|runtime error" "$T/$n.err")" || ok
done

finish
