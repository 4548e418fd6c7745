#!/usr/bin/env bash
# Node administration as an operator does it, on nodes in a temporary
# directory: member add/list/remove/rotate, root add/list, collection
# add/list, grant, with their errors and exit codes (0 done, 1 what was asked
# failed, 2 usage or I/O); then dump -> restore into a fresh node -> dump
# gives the same bytes, and restore is all-or-nothing.
set -u
ACCORD=${ACCORD:-build/dev/accord}
case $ACCORD in /*) ;; *) ACCORD=$PWD/$ACCORD ;; esac
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
unset ACCORD_DIR ACCORD_USER ACCORD_SECRET
pass=0
fail=0

check() { # name expected-exit actual-exit
	if [ "$2" = "$3" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $1: exit $3, want $2"; cat "$tmp/err" 2>/dev/null; fi
}
expect_grep() { # name pattern file
	if grep -qE -- "$2" "$3"; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $1: no line matching /$2/ in:"; cat "$3"; fi
}
expect_no_grep() { # name pattern file
	if ! grep -qE -- "$2" "$3"; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $1: unexpected /$2/ in:"; cat "$3"; fi
}
same() { # name file1 file2
	if cmp -s "$2" "$3"; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: $1: $2 and $3 differ:"; diff "$2" "$3" | head -20; fi
}
run() { # expected-exit name command...: run with stdout in $tmp/out, stderr in $tmp/err
	local want=$1 name=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	check "$name" "$want" $?
}

N=$tmp/node
"$ACCORD" init --dir "$N" >"$tmp/init" 2>&1 || { echo "FAIL: accord init"; cat "$tmp/init"; exit 1; }
A() { "$ACCORD" "$@"; }

# ---- where the node is: --dir, $ACCORD_DIR, ./accord-node ------------------------------
run 0 "member list --dir" A member list --dir "$N"
expect_grep "admin listed" "^admin +identity--[0-9a-f-]{36} +admin +default/shared:rw$" "$tmp/out"
ACCORD_DIR=$N run 0 "member list via ACCORD_DIR" A member list
expect_grep "ACCORD_DIR node" "^admin " "$tmp/out"
mkdir "$tmp/cwd"
(cd "$tmp/cwd" && "$ACCORD" member list >"$tmp/out" 2>"$tmp/err")
check "no ./accord-node" 2 $?
expect_grep "names ./accord-node and accord init" "accord: member list: ./accord-node: .*accord init" "$tmp/err"
run 2 "not a node" A member list --dir "$tmp/cwd"
expect_grep "not a node directory" "not a node directory" "$tmp/err"

# ---- member add ------------------------------------------------------------------------
run 0 "member add" A member add alice --dir "$N"
expect_grep "secret printed once" "^alice\.[A-Za-z0-9_-]{43}$" "$tmp/out"
alice_secret=$(cat "$tmp/out")
expect_grep "identity announced" "member alice added \(member, identity identity--" "$tmp/err"
run 1 "member add taken" A member add alice --dir "$N"
expect_grep "taken name" "accord: member add: alice: .*already exists" "$tmp/err"
run 1 "member add bad name" A member add 'bad name' --dir "$N"
expect_grep "bad name why" "a member name is 1 to 64" "$tmp/err"
run 2 "member add no name" A member add --dir "$N"
run 2 "member add unknown option" A member add x --bogus --dir "$N"
expect_grep "unknown option" "unknown option '--bogus'" "$tmp/err"
run 2 "member add --dir without value" A member add x --dir
bob_id=identity--6b4f2c51-4e62-4e54-9d3e-1b1a0e6b8f70
printf 's3cret-for-bob\n' | "$ACCORD" member add bob --admin --identity $bob_id --secret-stdin \
	--dir "$N" >"$tmp/out" 2>"$tmp/err"
check "member add --secret-stdin" 0 $?
[ ! -s "$tmp/out" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: secret-stdin printed"; }
run 1 "identity taken" A member add carol --identity $bob_id --dir "$N"
run 1 "bad identity" A member add carol --identity identity--XYZ --dir "$N"
expect_grep "identity format" "an identity is" "$tmp/err"
"$ACCORD" member add eve --secret-stdin --dir "$N" </dev/null >"$tmp/out" 2>"$tmp/err"
check "empty secret on stdin" 2 $?
expect_grep "empty secret" "no secret on standard input" "$tmp/err"
run 0 "member list" A member list --dir "$N"
expect_grep "bob is admin, no access" "^bob +$bob_id +admin +-$" "$tmp/out"
expect_grep "alice has no access" "^alice +identity--[0-9a-f-]+ +member +-$" "$tmp/out"

# ---- root add / list ---------------------------------------------------------------------------
run 0 "root add" A root add intel --title "Intel feeds" --description "Partner feeds" \
	--max-content-length 4096 --dir "$N"
run 1 "root add taken" A root add intel --title X --dir "$N"
expect_grep "root taken" "accord: root add: intel: an api root with this name exists" "$tmp/err"
run 1 "root add bad name" A root add 'bad/name' --title X --dir "$N"
run 1 "root add taxii2" A root add taxii2 --title X --dir "$N"
run 2 "root add no title" A root add other --dir "$N"
expect_grep "title required" "--title is required" "$tmp/err"
run 1 "root add small max" A root add other --title X --max-content-length 12 --dir "$N"
run 1 "root add max not a number" A root add other --title X --max-content-length 1e6 --dir "$N"
run 0 "root list" A root list --dir "$N"
expect_grep "intel listed" "^intel +4096 +Intel feeds$" "$tmp/out"
expect_grep "default listed" "^default +[0-9]+ " "$tmp/out"

# ---- collection add / list -------------------------------------------------------------------
run 0 "collection add" A collection add intel --title Feeds --alias feeds --dir "$N"
expect_grep "prints a UUID" "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$" "$tmp/out"
feeds=$(cat "$tmp/out")
fixed=0f3d0b46-4bc8-4b5e-9a3b-2f6a4d9f1c11
run 0 "collection add --id" A collection add intel --title Two --id $fixed --description D --dir "$N"
expect_grep "prints the id given" "^$fixed$" "$tmp/out"
run 1 "alias taken" A collection add intel --title Dup --alias feeds --dir "$N"
run 1 "id taken" A collection add intel --title Dup --id $fixed --dir "$N"
run 1 "unknown root" A collection add nope --title X --dir "$N"
expect_grep "unknown root" "accord: collection add: nope: no such api root" "$tmp/err"
run 1 "bad id" A collection add intel --title X --id NOT-A-UUID --dir "$N"
run 1 "upper-case id" A collection add intel --title X --id 0F3D0B46-4BC8-4B5E-9A3B-2F6A4D9F1C11 --dir "$N"
run 2 "collection add no title" A collection add intel --dir "$N"
run 0 "same alias, other root" A collection add default --title Also --alias feeds --dir "$N"
run 0 "collection list" A collection list --dir "$N"
[ "$(grep -c . "$tmp/out")" = 5 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: 4 collections + header"; cat "$tmp/out"; }
expect_grep "feeds listed" "^$feeds +intel +feeds +Feeds$" "$tmp/out"
run 0 "collection list ROOT" A collection list intel --dir "$N"
[ "$(grep -c . "$tmp/out")" = 3 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: 2 collections + header"; cat "$tmp/out"; }
run 1 "collection list unknown root" A collection list nope --dir "$N"

# ---- grant ---------------------------------------------------------------------------------
run 1 "ambiguous alias" A grant alice feeds --read --dir "$N"
expect_grep "ambiguous" "several api roots; give ROOT/ALIAS or the id" "$tmp/err"
run 0 "grant ROOT/ALIAS" A grant alice intel/feeds --read --write --dir "$N"
expect_grep "grant output" "^alice intel/feeds read,write$" "$tmp/out"
run 0 "grant by id" A grant alice $fixed --read --dir "$N"
expect_grep "read only" "^alice intel/$fixed read$" "$tmp/out"
run 0 "grant by alias" A grant alice shared --write --dir "$N"
run 1 "grant unknown member" A grant nobody shared --read --dir "$N"
expect_grep "unknown member" "accord: grant: nobody: no such member" "$tmp/err"
run 1 "grant unknown collection" A grant alice nothing --read --dir "$N"
run 2 "grant one argument" A grant alice --dir "$N"
run 0 "member list shows access" A member list --dir "$N"
expect_grep "alice access" "^alice .* member +default/shared:w,intel/feeds:rw,intel/$fixed:r$" "$tmp/out"
run 0 "neither flag removes" A grant alice intel/feeds --dir "$N"
expect_grep "none" "^alice intel/feeds none$" "$tmp/out"
A member list --dir "$N" >"$tmp/out"
expect_no_grep "feeds access gone" "intel/feeds" "$tmp/out"

# ---- rotate, remove ---------------------------------------------------------------------------
run 0 "member rotate" A member rotate alice --dir "$N"
expect_grep "new secret" "^alice\.[A-Za-z0-9_-]{43}$" "$tmp/out"
[ "$(cat "$tmp/out")" != "$alice_secret" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: same secret"; }
printf 'another-secret\n' | "$ACCORD" member rotate alice --secret-stdin --dir "$N" >"$tmp/out" 2>"$tmp/err"
check "rotate --secret-stdin" 0 $?
run 1 "rotate unknown" A member rotate nobody --dir "$N"
run 0 "member remove" A member remove alice --dir "$N"
run 1 "remove again" A member remove alice --dir "$N"
expect_grep "already removed" "no such member \(or it was already removed\)" "$tmp/err"
run 1 "rotate removed" A member rotate alice --dir "$N"
run 1 "name never reused" A member add alice --dir "$N"
run 1 "grant to removed" A grant alice shared --read --dir "$N"
A member list --dir "$N" >"$tmp/out"
expect_no_grep "removed not listed" "^alice " "$tmp/out"
A member list --all --dir "$N" >"$tmp/out"
expect_grep "removed with --all" "^alice .* gone +\(removed\)$" "$tmp/out"
run 2 "remove no name" A member remove --dir "$N"

for c in "member add" "member list" "member remove" "member rotate" "root add" "root list" \
	"collection add" "collection list" grant dump restore; do
	# shellcheck disable=SC2086
	run 0 "help $c" A help $c
	expect_grep "help $c: usage and exit status" "Exit status" "$tmp/out"
done

# ---- dump -> restore -> dump -------------------------------------------------------------------
run 0 "dump" A dump --dir "$N"
cp "$tmp/out" "$tmp/d0"
expect_grep "header first" '^\{"record":"accord-dump","version":2\}$' <(head -1 "$tmp/d0")
expect_grep "api root record" '"name":"intel","record":"api-root","title":"Intel feeds"' "$tmp/d0"
expect_grep "collection record" "\"alias\":\"feeds\",\"api_root\":\"intel\",\"id\":\"$feeds\",\"record\":\"collection\"" "$tmp/d0"
expect_grep "member with hash" '"name":"bob","record":"member","removed":false,"secret_hash":"\$argon2id\$' "$tmp/d0"
expect_grep "removed member" '"name":"alice","record":"member","removed":true\}' "$tmp/d0"
expect_grep "grant record" '"member":"admin","read":true,"record":"grant","write":true' "$tmp/d0"
expect_no_grep "no secret in the dump" "s3cret-for-bob|$alice_secret" "$tmp/d0"
run 0 "dump -o" A dump --dir "$N" -o "$tmp/d0o"
same "dump -o same bytes" "$tmp/d0" "$tmp/d0o"
[ ! -e "$tmp/d0o.partial" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: partial left"; }

# Object versions as a dump has them (canonical lines): two versions of one
# indicator, two objects sharing one date_added, a TLP:RED object with
# Accord's recipients extension, an SCO (its version is its date_added),
# and an object by the removed member.
shared=$(A collection list default --dir "$N" | awk '$3 == "shared" {print $1}')
ind=indicator--33fe3b22-0201-47cf-85d0-97c02164528d
red=marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1
green=marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb
ext=extension-definition--1455b14b-c811-4c23-b770-ccc1788cb7ee
obj() { # collection date member object-json
	jq -cS -n --arg c "$1" --arg d "$2" --argjson m "$3" --argjson o "$4" \
		'{collection: $c, date_added: $d, member: $m, object: $o}'
}
ind_v() { # modified
	printf '{"type":"indicator","spec_version":"2.1","id":"%s","created":"2026-01-02T03:04:05.678Z","modified":"%s","created_by_ref":"%s","pattern":"[ipv4-addr:value = '"'"'198.51.100.7'"'"']","pattern_type":"stix","valid_from":"2026-01-02T03:04:05Z","object_marking_refs":["%s"]}' \
		$ind "$1" $bob_id $green
}
{
	cat "$tmp/d0"
	obj "$shared" 2026-11-01T10:00:00.000001Z '"bob"' "$(ind_v 2026-01-02T03:04:05.678Z)"
	obj "$shared" 2026-11-01T10:00:00.000001Z '"bob"' '{"type":"identity","spec_version":"2.1","id":"'$bob_id'","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"Bob Corp","identity_class":"organization","created_by_ref":"'$bob_id'"}'
	obj "$shared" 2026-11-02T11:00:00.500000Z '"bob"' "$(ind_v 2026-02-01T00:00:00.000Z)"
	obj "$shared" 2026-11-03T12:00:00.000000Z '"bob"' '{"type":"note","spec_version":"2.1","id":"note--0c4e0c3f-5d2f-4bb8-8f1e-6c5f0c2b1a11","created":"2026-11-03T12:00:00.000Z","modified":"2026-11-03T12:00:00.000Z","content":"For the admin only.","object_refs":["'$ind'"],"created_by_ref":"'$bob_id'","object_marking_refs":["'$red'"],"extensions":{"'$ext'":{"extension_type":"property-extension","recipients":["identity--0a4b1a4e-6f55-4b0e-a9c7-5f3c9fb9d2a1"]}}}'
	obj "$shared" 2026-11-04T00:00:00.000000Z '"bob"' '{"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3"}'
	obj "$feeds" 2026-11-05T00:00:00.000000Z '"alice"' '{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern":"[domain-name:value = '"'"'evil.example.com'"'"']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"}'
	obj "$feeds" 2026-11-05T00:00:00.000001Z 'null' '{"type":"malware","spec_version":"2.1","id":"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b","created":"2016-04-06T20:07:09.000Z","modified":"2016-04-06T20:07:09.000Z","name":"Poison Ivy","is_family":true}'
} >"$tmp/d1"

N2=$tmp/node2
"$ACCORD" init --dir "$N2" >/dev/null 2>&1
run 0 "restore into a fresh node" A restore --dir "$N2" "$tmp/d1"
expect_grep "restore summary" "2 api roots, 4 collections, 3 members, .* 7 object versions" "$tmp/err"
[ -f "$N2/accord.db.pre-restore" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: no .pre-restore"; }
run 0 "dump the restored node" A dump --dir "$N2"
cp "$tmp/out" "$tmp/d2"
same "dump -> restore -> dump is the identity" "$tmp/d1" "$tmp/d2"
N3=$tmp/node3
"$ACCORD" init --dir "$N3" >/dev/null 2>&1
run 0 "restore from standard input" A restore --dir "$N3" - <"$tmp/d2"
A dump --dir "$N3" >"$tmp/d3" 2>/dev/null
same "second move" "$tmp/d2" "$tmp/d3"
A member list --dir "$N3" >"$tmp/out"
expect_grep "members moved" "^bob +$bob_id +admin" "$tmp/out"

# the node holds objects now: refused unless --force
run 1 "restore over objects" A restore --dir "$N3" "$tmp/d1"
expect_grep "holds objects" "the node holds objects; restore replaces its database \(--force" "$tmp/err"
run 0 "restore --force" A restore --force --dir "$N3" "$tmp/d1"
A dump --dir "$N3" >"$tmp/d3" 2>/dev/null
same "forced restore" "$tmp/d1" "$tmp/d3"

# all or nothing: a bad line anywhere changes nothing
N4=$tmp/node4
"$ACCORD" init --dir "$N4" >/dev/null 2>&1
A dump --dir "$N4" >"$tmp/d4before" 2>/dev/null
{ head -8 "$tmp/d1"; echo '{"collection": "x", "date_added": "yesterday", "object": {}}'; tail -n +9 "$tmp/d1"; } >"$tmp/bad1"
run 1 "bad line" A restore --dir "$N4" "$tmp/bad1"
expect_grep "bad line with its number" "^accord: restore: .*bad1:9: an object line needs \"date_added\"" "$tmp/err"
{ cat "$tmp/d1"; echo '{"collection": "'$shared'", "date_added": "2026-11-06T00:00:00.000000Z", "member": null, "object": {"type": "indicator", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "spec_version": "2.1", "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z", "pattern": "[ipv4-addr:value = '"'"'1.2.3.4'"'"']", "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z"}}'; echo '{"collection": "00000000-0000-4000-8000-000000000000", "date_added": "2026-11-06T00:00:00.000000Z", "member": null, "object": {"type": "x-a", "id": "x-a--00000000-0000-4000-8000-000000000000"}}'; } >"$tmp/bad2"
run 1 "unknown collection on the last line" A restore --dir "$N4" "$tmp/bad2"
expect_grep "store error with line number" "bad2:$(($(wc -l <"$tmp/d1") + 2)): .*00000000-0000-4000-8000-000000000000" "$tmp/err"
{ echo '{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"}'; } >"$tmp/bad3"
run 1 "not a dump" A restore --dir "$N4" "$tmp/bad3"
expect_grep "not a dump" "bad3:1: not an accord dump" "$tmp/err"
printf '{"record":"accord-dump","version":1}\n{"record":"accord-dump","version":1}\n' >"$tmp/bad4"
run 1 "two headers" A restore --dir "$N4" "$tmp/bad4"
printf '{"record":"accord-dump","version":3}\n' >"$tmp/bad5"
run 1 "future version" A restore --dir "$N4" "$tmp/bad5"
printf '{"record":"accord-dump","version":1}\n{"record":"api-root","name":"x"\n' >"$tmp/bad6"
run 1 "malformed JSON" A restore --dir "$N4" "$tmp/bad6"
expect_grep "malformed with line" "bad6:2: column" "$tmp/err"
A dump --dir "$N4" >"$tmp/d4after" 2>/dev/null
same "failed restores changed nothing" "$tmp/d4before" "$tmp/d4after"
ls "$N4" >"$tmp/out"
expect_no_grep "no leftovers" "restore-|pre-restore" "$tmp/out"
run 2 "restore missing file" A restore --dir "$N4" "$tmp/nope"
run 2 "restore no file" A restore --dir "$N4"
run 2 "dump bad argument" A dump --dir "$N4" extra

echo "test_admin: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
