#!/usr/bin/env bash
# The permission and TLP matrices through every endpoint: what each
# requester may see of objects marked TLP:CLEAR, GREEN, AMBER, AMBER+STRICT,
# RED (alone and with Accord's recipients extension naming a member), and
# unmarked (AMBER by default), through objects, object, versions, manifest,
# pagination and status; DELETE's rules; nothing leaks.
. "$(dirname "$0")/taxii_lib.sh"

node_init
ALICE=$(member alice)
BOB=$(member bob)
CAROL=$(member carol)
DAVE=$(member dave)
ALICE_ID=$(member_identity alice)
BOB_ID=$(member_identity bob)
for m in alice bob; do "$ACCORD" grant --dir "$NODE" $m shared --read --write >/dev/null 2>&1; done
"$ACCORD" grant --dir "$NODE" carol shared --read >/dev/null 2>&1
serve_start
C=$R/collections/$COLL

RECIP_EXT=extension-definition--1455b14b-c811-4c23-b770-ccc1788cb7ee
declare -A OBJ
for t in CLEAR GREEN AMBER AMBER_STRICT RED RED_BOB NONE; do OBJ[$t]=indicator--$(uuid); done
objs=()
for t in CLEAR GREEN AMBER AMBER_STRICT RED; do
	m=TLP_$t
	objs+=("$(indicator "${OBJ[$t]}" "$ALICE_ID" 2024-01-01T00:00:00.000Z "${!m}")")
done
objs+=("$(indicator "${OBJ[RED_BOB]}" "$ALICE_ID" 2024-01-01T00:00:00.000Z "$TLP_RED" |
	sed "s/}\$/,\"extensions\":{\"$RECIP_EXT\":{\"extension_type\":\"property-extension\",\"recipients\":[\"$BOB_ID\"]}}}/")")
objs+=("$(indicator "${OBJ[NONE]}" "$ALICE_ID")")
envelope "$T/all.json" "${objs[@]}"
post "$C/objects/" "alice:$ALICE" "$T/all.json"
expect_jq "alice publishes 7 objects" '.success_count == 7'
SID=$(jq -r .id "$T/body")

# Who sees what (1 = visible).
declare -A SEES=(
	[alice]="CLEAR GREEN AMBER AMBER_STRICT RED RED_BOB NONE"
	[bob]="CLEAR GREEN AMBER AMBER_STRICT RED_BOB NONE"
	[carol]="CLEAR GREEN AMBER AMBER_STRICT NONE"
	[admin]="CLEAR GREEN AMBER AMBER_STRICT NONE"
)
declare -A SECRET=([alice]=$ALICE [bob]=$BOB [carol]=$CAROL [admin]=$ADMIN [dave]=$DAVE)

for who in alice bob carol admin; do
	cred=$who:${SECRET[$who]}
	want=$(for t in ${SEES[$who]}; do echo "${OBJ[$t]}"; done | sort | jq -R . | jq -sc .)
	n=$(echo "${SEES[$who]}" | wc -w)
	get "$C/objects/?limit=100" "$cred"
	expect_jq "$who: objects" "([.objects[].id] | sort) == $want"
	get "$C/manifest/?limit=100" "$cred"
	expect_jq "$who: manifest" "([.objects[].id] | sort) == $want"
	get "$C/objects/?limit=100&match[version]=all" "$cred"
	expect_jq "$who: objects, all versions" "([.objects[].id] | sort) == $want"
	# Pagination: limit 1, every page one visible object, no empty tail.
	seen=0
	next=
	for _ in $(seq 1 10); do
		url="$C/objects/?limit=1"
		[ -n "$next" ] && url="$url&next=$next"
		get "$url" "$cred"
		seen=$((seen + $(jq '.objects | length' "$T/body")))
		next=$(jq -r '.next // empty' "$T/body")
		[ -n "$next" ] || break
	done
	test "$seen" = "$n" && ok || bad "$who: paging saw $seen objects, want $n"
	for t in CLEAR GREEN AMBER AMBER_STRICT RED RED_BOB NONE; do
		id=${OBJ[$t]}
		if [[ " ${SEES[$who]} " == *" $t "* ]]; then code=200; else code=404; fi
		get "$C/objects/$id/" "$cred"
		expect_code "$who: GET object TLP $t" $code
		get "$C/objects/$id/versions/" "$cred"
		expect_code "$who: versions TLP $t" $code
		get "$C/manifest/?match[id]=$id" "$cred"
		if [ $code = 200 ]; then
			expect_jq "$who: manifest match[id] TLP $t" '(.objects | length) == 1'
		else
			expect_jq "$who: manifest match[id] TLP $t hidden" '.objects == null'
		fi
	done
done

# dave has no grant: the collection does not exist for him.
for ep in "" objects/ manifest/ "objects/${OBJ[CLEAR]}/" "objects/${OBJ[CLEAR]}/versions/"; do
	get "$C/$ep" "dave:$DAVE"
	expect_error "dave: $ep" 404
done
get "$R/collections/" "dave:$DAVE"
expect_jq "dave: no collections listed" '.collections == null'

# Status: only its poster (and admins) read it; the counts are alice's own.
get "$R/status/$SID/" "bob:$BOB"
expect_error "bob: alice's status" 404
get "$R/status/$SID/" "alice:$ALICE"
expect_jq "alice: her status" '.success_count == 7'
get "$R/status/$SID/" "admin:$ADMIN"
expect_code "admin: any status" 200

# A newer RED version hides the object from bob: no older version poses as
# the current one.
V2=indicator--$(uuid)
envelope "$T/v1.json" "$(indicator "$V2" "$ALICE_ID" 2024-01-01T00:00:00.000Z "$TLP_GREEN")"
post "$C/objects/" "alice:$ALICE" "$T/v1.json"
envelope "$T/v2.json" "$(indicator "$V2" "$ALICE_ID" 2024-05-01T00:00:00.000Z "$TLP_RED")"
post "$C/objects/" "alice:$ALICE" "$T/v2.json"
get "$C/objects/$V2/" "bob:$BOB"
expect_error "bob: object whose last version is RED" 404
get "$C/objects/?match[id]=$V2" "bob:$BOB"
expect_jq "bob: not listed either" '.objects == null'
get "$C/objects/$V2/" "alice:$ALICE"
expect_jq "alice: her RED last version" '.objects[0].modified == "2024-05-01T00:00:00.000Z"'

# Nobody publishes in another's name, nor new versions of another's object.
envelope "$T/forge.json" "$(indicator "${OBJ[GREEN]}" "$BOB_ID" 2024-09-01T00:00:00.000Z "$TLP_GREEN")" \
	"$(indicator "indicator--$(uuid)" "$ALICE_ID")"
post "$C/objects/" "bob:$BOB" "$T/forge.json"
expect_jq "bob: new version of alice's object, and one in her name: both refused" '.success_count == 0 and .failure_count == 2'

# DELETE: HIDE (404) for objects the requester cannot read, 403 for
# objects it reads but did not produce, 200 for the producer and admins.
req DELETE "$C/objects/${OBJ[RED]}/" "bob:$BOB" -H "$ACCEPT"
expect_error "bob: DELETE a RED object he cannot read" 404
req DELETE "$C/objects/${OBJ[GREEN]}/" "bob:$BOB" -H "$ACCEPT"
expect_error "bob: DELETE alice's GREEN object" 403
req DELETE "$C/objects/${OBJ[GREEN]}/" "carol:$CAROL" -H "$ACCEPT"
expect_error "carol (read only): DELETE" 403
req DELETE "$C/objects/${OBJ[RED]}/" "admin:$ADMIN" -H "$ACCEPT"
expect_code "admin: DELETE a RED object" 200
get "$C/objects/${OBJ[RED]}/" "alice:$ALICE"
expect_error "deleted by admin" 404
req DELETE "$C/objects/${OBJ[GREEN]}/" "alice:$ALICE" -H "$ACCEPT"
expect_code "alice: DELETE her object" 200

serve_stop && ok || bad "serve did not exit 0"
finish
