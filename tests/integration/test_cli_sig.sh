#!/usr/bin/env bash
# Drive the signature commands as a member would: accord key gen (modes,
# formats, refusal to overwrite), accord sign on a bundle, JSON Lines and a
# single object (shape kept, canonical, deterministic, all or nothing),
# accord verify-object (ok, tampered, unsigned, wrong key, malformed), and
# accord artifact sign/verify offline (ok, wrong file, wrong key, tampered
# envelope). Secrets never reach the output.
set -u
ACCORD=${ACCORD:-build/dev/accord}
DATA=${ACCORD_TEST_DATA:-tests/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
umask 022

check() { # name expected-exit actual-exit
	if [ "$2" = "$3" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $1: exit $3, want $2"; cat "$tmp/out" 2>/dev/null; fi
}
expect_grep() { # name pattern file
	if grep -qE -- "$2" "$3"; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $1: no line matching /$2/ in:"; cat "$3"; fi
}
expect_no_grep() { # name pattern file
	if ! grep -qE -- "$2" "$3"; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $1: a line matches /$2/ in:"; cat "$3"; fi
}
expect_no_fixed() { # name string file
	if ! grep -qF -- "$2" "$3"; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $1: the text contains the string"; fi
}
ok() { # name condition...
	local name=$1; shift
	if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name"; fi
}
mode() { stat -c %a "$1"; }

cd "$tmp" || exit 1

# ---- accord key gen ---------------------------------------------------------------------
"$ACCORD" key gen --out alice.key >out 2>&1; check "key gen" 0 $?
ok "secret key mode 0600" [ "$(mode alice.key)" = 600 ]
ok "public key mode 0644" [ "$(mode alice.key.pub)" = 644 ]
expect_grep "secret key format" '^PRIVATE\+KEY\+alice\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$' alice.key
expect_grep "public key format" '^alice\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$' alice.key.pub
ok "one line each" [ "$(wc -l <alice.key)" = 1 ] && [ "$(wc -l <alice.key.pub)" = 1 ]
secret_b64=$(cut -d+ -f5- alice.key)
expect_no_fixed "secret never printed" "$secret_b64" out
expect_no_grep "PRIVATE never printed" "PRIVATE" out
expect_grep "key id printed" '^key id: +[0-9a-f]{64}$' out
ok "public key printed" grep -qF -- "$(cat alice.key.pub)" out
alice_id=$(sed -n 's/^key id: *//p' out)
# the key id is the SHA-256 of the raw public key
raw_id=$(cut -d+ -f3- alice.key.pub | base64 -d | tail -c 32 | sha256sum | cut -d' ' -f1)
ok "key id = sha256(public key)" [ "$alice_id" = "$raw_id" ]

cp alice.key alice.key.orig
"$ACCORD" key gen --out alice.key >out 2>&1; check "refuse to overwrite" 2 $?
expect_grep "refusal names the file" "alice.key: exists; refusing to overwrite" out
ok "secret unchanged" cmp -s alice.key alice.key.orig
touch lone.key.pub
"$ACCORD" key gen --out lone.key >out 2>&1; check "refuse when FILE.pub exists" 2 $?
ok "no secret left behind" [ ! -e lone.key ]
"$ACCORD" key gen --out bob.key --name bob-2026 >out 2>&1; check "key gen --name" 0 $?
expect_grep "named key" '^bob-2026\+' bob.key.pub
"$ACCORD" key gen --out "bad name.key" --name "two words" >out 2>&1; check "invalid name" 2 $?
"$ACCORD" key gen >out 2>&1; check "no --out" 2 $?
"$ACCORD" key gen --out x.key --bogus >out 2>&1; check "unknown option" 2 $?
(umask 077 && "$ACCORD" key gen --out strict.key >/dev/null 2>&1); check "key gen under umask 077" 0 $?
ok "secret 0600 under umask 077" [ "$(mode strict.key)" = 600 ]

# ---- accord sign ------------------------------------------------------------------------
cat >bundle.json <<'JSON'
{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
 {"type": "identity", "spec_version": "2.1", "id": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
  "created": "2015-12-21T19:59:11.000Z", "modified": "2015-12-21T19:59:11.000Z", "name": "ACME",
  "identity_class": "organization"},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created_by_ref": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
  "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
  "name": "C2 caf\u00e9", "pattern": "[ipv4-addr:value = '198.51.100.1']", "pattern_type": "stix",
  "valid_from": "2016-04-06T20:03:48Z", "confidence": 85.0},
 {"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--2b3e2c17-3144-5591-9c88-a605220f8c0c",
  "value": "198.51.100.1"}
]}
JSON
"$ACCORD" sign --key alice.key bundle.json >signed.json 2>out; check "sign bundle" 0 $?
ok "signed bundle is one canonical line" [ "$(wc -l <signed.json)" = 1 ]
expect_grep "still a bundle" '^\{"id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":\[' signed.json
ok "three signatures" [ "$(grep -o '"key_id":"'"$alice_id"'"' signed.json | wc -l)" = 3 ]
"$ACCORD" stix validate signed.json >out 2>&1; check "signed bundle is valid STIX" 0 $?
"$ACCORD" sign --key alice.key bundle.json >signed2.json 2>out; check "sign again" 0 $?
ok "deterministic" cmp -s signed.json signed2.json
"$ACCORD" sign --key alice.key signed.json >resigned.json 2>out; check "re-sign" 0 $?
ok "re-signing is idempotent" cmp -s signed.json resigned.json
"$ACCORD" sign --key alice.key - <bundle.json >stdin.json 2>out; check "sign stdin" 0 $?
ok "stdin same" cmp -s signed.json stdin.json

"$ACCORD" verify-object signed.json --pubkey alice.key.pub >out 2>&1; check "verify ok" 0 $?
expect_grep "summary" '^3 objects: 3 signed and valid, 0 failed$' out
"$ACCORD" verify-object signed.json --pubkey bob.key.pub >out 2>&1; check "verify wrong key" 1 $?
expect_grep "unknown key" '^signed.json:/objects/0: identity--311b2d2d-f010-4473-83ec-1edf84858f4c: unknown-key: ' out
"$ACCORD" verify-object signed.json --pubkey bob.key.pub --pubkey alice.key.pub >out 2>&1
check "verify with two keys" 0 $?
"$ACCORD" verify-object bundle.json --pubkey alice.key.pub >out 2>&1; check "verify unsigned" 1 $?
expect_grep "unsigned named" '^bundle.json:/objects/2: ipv4-addr--2b3e2c17-3144-5591-9c88-a605220f8c0c: unsigned: ' out
expect_grep "unsigned summary" '^3 objects: 0 signed and valid, 3 failed$' out

# tampered: a changed indicator value, a changed signature, a changed key id
sed 's/198\.51\.100\.1/198.51.100.9/g' signed.json >tampered.json
"$ACCORD" verify-object tampered.json --pubkey alice.key.pub >out 2>&1; check "verify tampered" 1 $?
expect_grep "bad signature on the indicator" '^tampered.json:/objects/1: indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f: bad-signature: .*alice' out
expect_grep "and on the SCO" '^tampered.json:/objects/2: .*bad-signature' out
expect_no_grep "identity untouched" '/objects/0:' out
python3 - <<'PY'
import json
d = json.load(open("signed.json"))
e = d["objects"][0]["extensions"]["extension-definition--1e42a916-7cd0-4ddc-9cdd-69ce0bd41b5c"]
s = e["signature"]
e["signature"] = ("B" if s[0] == "A" else "A") + s[1:]
d["objects"][1]["extensions"]["extension-definition--1e42a916-7cd0-4ddc-9cdd-69ce0bd41b5c"]["note"] = "x"
json.dump(d, open("tampered2.json", "w"), indent=1, sort_keys=False)
PY
"$ACCORD" verify-object tampered2.json --pubkey alice.key.pub >out 2>&1; check "verify tampered signature" 1 $?
expect_grep "changed signature" '/objects/0: .*bad-signature' out
expect_grep "smuggled property" "/objects/1: .*malformed: unknown property 'note'" out
# Reformatting (pretty-printing, key order) does not matter.
python3 -c 'import json; d=json.load(open("signed.json")); d["objects"]=[dict(reversed(list(o.items()))) for o in d["objects"]]; json.dump(d, open("pretty.json","w"), indent=4)'
"$ACCORD" verify-object pretty.json --pubkey alice.key.pub >out 2>&1; check "verify reformatted" 0 $?

# JSON Lines: shape kept, one canonical object a line; line numbers in failures.
python3 -c 'import json; [print(json.dumps(o)) for o in json.load(open("bundle.json"))["objects"]]' >objs.jsonl
printf '\n' >>objs.jsonl
"$ACCORD" sign --key alice.key objs.jsonl >signed.jsonl 2>out; check "sign JSON Lines" 0 $?
ok "three lines" [ "$(wc -l <signed.jsonl)" = 3 ]
expect_grep "each line an object" '^\{"created".*"type":"identity"\}$' signed.jsonl
"$ACCORD" verify-object signed.jsonl --pubkey alice.key.pub >out 2>&1; check "verify JSON Lines" 0 $?
sed '2s/ACME/ACNE/; 2s/C2 caf/C3 caf/' signed.jsonl >tampered.jsonl
"$ACCORD" verify-object tampered.jsonl --pubkey alice.key.pub >out 2>&1; check "verify tampered JSON Lines" 1 $?
expect_grep "line number" '^tampered.jsonl:2: indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f: bad-signature' out

# A single object and an array keep their shape too.
python3 -c 'import json; print(json.dumps(json.load(open("bundle.json"))["objects"][1]))' >one.json
"$ACCORD" sign --key alice.key one.json >one.signed 2>out; check "sign one object" 0 $?
expect_grep "one object" '^\{.*"type":"indicator"' one.signed
"$ACCORD" verify-object one.signed --pubkey alice.key.pub >out 2>&1; check "verify one object" 0 $?
expect_grep "one summary" '^1 object: 1 signed and valid, 0 failed$' out
python3 -c 'import json; print(json.dumps(json.load(open("bundle.json"))["objects"]))' >arr.json
"$ACCORD" sign --key alice.key arr.json >arr.signed 2>out; check "sign array" 0 $?
expect_grep "array" '^\[\{' arr.signed

# Predefined TLP marking definitions are fixed by STIX: left unsigned, skipped.
python3 - <<'PY'
import json
d = json.load(open("bundle.json"))
d["objects"].insert(0, {"type": "marking-definition", "spec_version": "2.1",
    "id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    "created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp",
    "name": "TLP:GREEN", "definition": {"tlp": "green"}})
json.dump(d, open("tlp.json", "w"))
PY
"$ACCORD" sign --key alice.key tlp.json >tlp.signed 2>out; check "sign with a TLP marking" 0 $?
expect_grep "marking untouched" '"definition":\{"tlp":"green"\},"definition_type":"tlp","id":"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da","name":"TLP:GREEN","spec_version":"2.1","type":"marking-definition"\}' tlp.signed
"$ACCORD" verify-object tlp.signed --pubkey alice.key.pub >out 2>&1; check "verify skips the TLP marking" 0 $?
expect_grep "skipped in the summary" '^4 objects: 3 signed and valid, 0 failed, 1 predefined TLP marking definition skipped$' out

# All or nothing: one object that cannot be signed, nothing written.
python3 - <<'PY'
import json
d = json.load(open("bundle.json"))
d["objects"][2]["x_big"] = 9007199254740993
d["objects"].append({"type": "indicator", "spec_version": "2.0", "id": "indicator--aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"})
json.dump(d, open("unsignable.json", "w"))
PY
"$ACCORD" sign --key alice.key unsignable.json >partial.json 2>out; check "unsignable" 1 $?
ok "nothing written" [ ! -s partial.json ]
expect_grep "big integer named" 'unsignable.json:/objects/2: cannot sign: /x_big: ' out
expect_grep "STIX 2.0 named" 'unsignable.json:/objects/3: cannot sign: /spec_version: ' out

# Usage and input errors.
"$ACCORD" sign bundle.json >out 2>&1; check "sign without --key" 2 $?
"$ACCORD" sign --key nothere.key bundle.json >out 2>&1; check "sign missing key" 2 $?
"$ACCORD" sign --key alice.key.pub bundle.json >out 2>&1; check "sign with a public key" 2 $?
chmod 644 alice.key
"$ACCORD" sign --key alice.key bundle.json >out 2>&1; check "world-readable secret refused" 2 $?
expect_grep "mode named" "accessible by others \(mode 0644\)" out
chmod 600 alice.key
echo '{"type": "bundle", "objects": [' >broken.json
"$ACCORD" sign --key alice.key broken.json >out 2>&1; check "sign malformed JSON" 1 $?
"$ACCORD" verify-object broken.json --pubkey alice.key.pub >out 2>&1; check "verify malformed JSON" 1 $?
"$ACCORD" verify-object signed.json >out 2>&1; check "verify without --pubkey" 2 $?
"$ACCORD" verify-object signed.json --pubkey alice.key >out 2>&1; check "a secret key as --pubkey" 2 $?
expect_no_fixed "no secret in the error" "$secret_b64" out
"$ACCORD" verify-object nothere.json --pubkey alice.key.pub >out 2>&1; check "verify missing file" 2 $?

# ---- accord artifact sign / verify --------------------------------------------------------
printf 'accord release tarball\n' >accord-1.2.3.tar.gz
"$ACCORD" artifact sign accord-1.2.3.tar.gz --version 1.2.3 --key alice.key --out rel.dsse >out 2>&1
check "artifact sign" 0 $?
expect_grep "artifact sign says what" '^rel.dsse: signed accord-1.2.3.tar.gz 1.2.3 \(sha256 [0-9a-f]{64}\) as alice$' out
expect_grep "DSSE payloadType" '"payloadType":"application/vnd.in-toto\+json"' rel.dsse
expect_grep "DSSE keyid" "\"keyid\":\"$alice_id\"" rel.dsse
python3 - <<'PY' >stmt.out
import base64, json
e = json.load(open("rel.dsse"))
print(base64.b64decode(e["payload"]).decode())
PY
digest=$(sha256sum accord-1.2.3.tar.gz | cut -d' ' -f1)
expect_grep "statement" "^\{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicate\":\{\"member\":\"alice\",\"version\":\"1.2.3\"\},\"predicateType\":\"https://accord.example/artifact/v1\",\"subject\":\[\{\"digest\":\{\"sha256\":\"$digest\"\},\"name\":\"accord-1.2.3.tar.gz\"\}\]\}$" stmt.out
"$ACCORD" artifact verify accord-1.2.3.tar.gz --envelope rel.dsse --pubkey alice.key.pub >out 2>&1
check "artifact verify" 0 $?
expect_grep "artifact ok" "^accord-1.2.3.tar.gz: ok: accord-1.2.3.tar.gz 1.2.3 from alice, signed by key alice \($alice_id\)$" out
"$ACCORD" artifact verify accord-1.2.3.tar.gz --envelope rel.dsse --pubkey alice.key.pub --name accord-1.2.3.tar.gz >out 2>&1
check "artifact verify --name" 0 $?
"$ACCORD" artifact verify accord-1.2.3.tar.gz --envelope rel.dsse --pubkey alice.key.pub --name other.tgz >out 2>&1
check "artifact verify other name" 1 $?
# wrong file
cp accord-1.2.3.tar.gz evil.tar.gz && printf 'x' >>evil.tar.gz
"$ACCORD" artifact verify evil.tar.gz --envelope rel.dsse --pubkey alice.key.pub >out 2>&1
check "artifact wrong file" 1 $?
expect_grep "wrong file reason" "evil.tar.gz: subject-mismatch: .*not about this file" out
# wrong key
"$ACCORD" artifact verify accord-1.2.3.tar.gz --envelope rel.dsse --pubkey bob.key.pub >out 2>&1
check "artifact wrong key" 1 $?
expect_grep "wrong key reason" "unknown-key: no signature verifies with a trusted key" out
# tampered envelope (another version in the statement)
python3 - <<'PY'
import base64, json
e = json.load(open("rel.dsse"))
s = base64.b64decode(e["payload"]).replace(b"1.2.3\"}", b"1.2.4\"}")
e["payload"] = base64.b64encode(s).decode()
json.dump(e, open("tampered.dsse", "w"))
PY
"$ACCORD" artifact verify accord-1.2.3.tar.gz --envelope tampered.dsse --pubkey alice.key.pub >out 2>&1
check "artifact tampered" 1 $?
expect_grep "tampered reason" "bad-signature" out
# options and refusals
"$ACCORD" artifact sign accord-1.2.3.tar.gz --version 1.2.3 --key alice.key --out rel.dsse >out 2>&1
check "envelope not overwritten" 2 $?
"$ACCORD" artifact sign accord-1.2.3.tar.gz --name rel --version 2 --member acme --key bob.key --out - >rel2.dsse 2>out
check "artifact sign to stdout" 0 $?
"$ACCORD" artifact verify accord-1.2.3.tar.gz --envelope rel2.dsse --pubkey alice.key.pub --pubkey bob.key.pub >out 2>&1
check "artifact verify with several keys" 0 $?
expect_grep "member and name" "ok: rel 2 from acme, signed by key bob-2026" out
"$ACCORD" artifact sign accord-1.2.3.tar.gz --key alice.key --out x.dsse >out 2>&1; check "no --version" 2 $?
"$ACCORD" artifact sign accord-1.2.3.tar.gz --version $'1\n2' --key alice.key --out x.dsse >out 2>&1
check "control character in version" 1 $?
ok "no envelope on failure" [ ! -e x.dsse ]
"$ACCORD" artifact verify accord-1.2.3.tar.gz --envelope rel.dsse >out 2>&1; check "verify without --pubkey" 2 $?
"$ACCORD" artifact verify nothere --envelope rel.dsse --pubkey alice.key.pub >out 2>&1; check "verify missing file" 2 $?
echo 'not json' >junk.dsse
"$ACCORD" artifact verify accord-1.2.3.tar.gz --envelope junk.dsse --pubkey alice.key.pub >out 2>&1
check "junk envelope" 1 $?
expect_grep "junk reason" "malformed: the envelope is not JSON" out

"$ACCORD" help artifact verify >out 2>&1; check "help artifact verify" 0 $?
"$ACCORD" --help >out 2>&1; check "--help" 0 $?
expect_grep "--help lists verify-object" "verify-object" out

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
