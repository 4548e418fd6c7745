#!/usr/bin/env bash
# Anonymous reads of public collections: a request without an Authorization
# header sees the TLP:CLEAR objects of a collection made public (accord
# collection add --public, accord collection set) through every read
# endpoint - and nothing else: not the GREEN, AMBER, AMBER+STRICT, RED or
# unmarked objects beside them (in pages, counts, `more`, `next`, the
# X-TAXII-Date-Added-* headers), not a private collection (the same 401 as an
# unknown one), not POST, DELETE or status. Bad credentials stay a 401;
# `collection set --private` closes it again.
. "$(dirname "$0")/taxii_lib.sh"

node_init
ALICE=$(member alice)
CAROL=$(member carol)
ALICE_ID=$(member_identity alice)
"$ACCORD" collection add default --title "Public intelligence" --alias pub --public \
	--dir "$NODE" >"$T/pub.id" 2>"$T/pub.err" && ok || bad "collection add --public: $(cat "$T/pub.err")"
PUB=$(cat "$T/pub.id")
grep -q 'anyone may read its TLP:CLEAR objects' "$T/pub.err" && ok || bad "collection add --public says so"
"$ACCORD" collection list --dir "$NODE" >"$T/list" 2>&1
grep -qE "^$PUB +default +pub +Public intelligence \(public\)$" "$T/list" && ok ||
	bad "collection list marks the public one: $(cat "$T/list")"
grep -qE "^$COLL .*\(public\)" "$T/list" && bad "collection list: the private one is not public" || ok
for c in shared pub; do "$ACCORD" grant --dir "$NODE" alice $c --read --write >/dev/null 2>&1; done
serve_start
P=$R/collections/$PUB # public
S=$R/collections/$COLL # private

# The same six objects in each collection, CLEAR first and the others after
# it, so that leaked dates or counts would show; V has two CLEAR versions,
# W a CLEAR version and then a GREEN one.
TYPES="CLEAR GREEN AMBER AMBER_STRICT RED NONE"
declare -A OP OS
for c in P S; do
	objs=()
	for t in $TYPES; do
		id=indicator--$(uuid)
		if [ $c = P ]; then OP[$t]=$id; else OS[$t]=$id; fi
		m=TLP_$t
		[ $t = NONE ] && mark= || mark=${!m}
		objs+=("$(indicator "$id" "$ALICE_ID" 2024-01-01T00:00:00.000Z "$mark")")
	done
	envelope "$T/$c.json" "${objs[@]}"
	post "${!c}/objects/" "alice:$ALICE" "$T/$c.json"
	expect_jq "alice publishes 6 objects in $c" '.success_count == 6'
done
SID=$(jq -r .id "$T/body")
V=indicator--$(uuid)
W=indicator--$(uuid)
envelope "$T/v.json" "$(indicator "$V" "$ALICE_ID" 2024-01-01T00:00:00.000Z "$TLP_CLEAR")" \
	"$(indicator "$W" "$ALICE_ID" 2024-01-01T00:00:00.000Z "$TLP_CLEAR")"
post "$P/objects/" "alice:$ALICE" "$T/v.json"
envelope "$T/v2.json" "$(indicator "$V" "$ALICE_ID" 2024-02-01T00:00:00.000Z "$TLP_CLEAR")" \
	"$(indicator "$W" "$ALICE_ID" 2024-02-01T00:00:00.000Z "$TLP_GREEN")" \
	"$(indicator "indicator--$(uuid)" "$ALICE_ID" 2024-01-01T00:00:00.000Z "$TLP_AMBER")"
post "$P/objects/" "alice:$ALICE" "$T/v2.json"
expect_jq "alice publishes the new versions" '.success_count == 3'

# What anonymous requesters see in the public collection: the CLEAR object
# and V (W's last version is GREEN: no older CLEAR one poses as current).
CLEAR_IDS=$(printf '%s\n' "${OP[CLEAR]}" "$V" | sort | jq -R . | jq -sc .)

# ---- discovery, api root, collections, collection ------------------------
get "$URL/taxii2/" -
expect_code "anonymous discovery" 200
expect_jq "discovery lists the api root of the public collection" \
	"(.api_roots == [\"$R/\"]) and .default == \"$R/\""
get "$R/" -
expect_code "anonymous api root" 200
expect_jq "api root information" '(.title | type == "string") and .max_content_length > 0'
get "$R/collections/" -
expect_code "anonymous collections" 200
expect_jq "collections: the public one only, read only" \
	"([.collections[].id] == [\"$PUB\"]) and .collections[0].can_read == true and .collections[0].can_write == false"
get "$P/" -
expect_jq "anonymous collection" ".id == \"$PUB\" and .can_read == true and .can_write == false"
get "$R/collections/pub/" -
expect_jq "anonymous collection by alias" ".id == \"$PUB\""

# ---- objects, manifest, object, versions ---------------------------------
get "$P/objects/?limit=100" -
expect_jq "anonymous objects: CLEAR only" "([.objects[].id] | sort) == $CLEAR_IDS and .more == false"
expect_jq "objects: each the last version" '[.objects[].modified] | sort == ["2024-01-01T00:00:00.000Z","2024-02-01T00:00:00.000Z"]'
cp "$T/headers" "$T/objects.headers"
get "$P/manifest/?limit=100" -
expect_jq "anonymous manifest: CLEAR only" "([.objects[].id] | sort) == $CLEAR_IDS"
last=$(jq -r '[.objects[].date_added] | max' "$T/body")
first=$(jq -r '[.objects[].date_added] | min' "$T/body")
grep -qi "^X-TAXII-Date-Added-Last: $last" "$T/objects.headers" && ok ||
	bad "objects: X-TAXII-Date-Added-Last is not the last CLEAR record's ($last): $(tr '\r\n' '  ' <"$T/objects.headers")"
grep -qi "^X-TAXII-Date-Added-First: $first" "$T/objects.headers" && ok ||
	bad "objects: X-TAXII-Date-Added-First is not the first CLEAR record's ($first)"
expect_header "manifest: X-TAXII-Date-Added-Last" "^X-TAXII-Date-Added-Last: $last"
get "$P/objects/?limit=2" -
expect_jq "limit = the number of CLEAR objects: no more" '(.objects | length) == 2 and .more == false and .next == null'
get "$P/objects/?limit=100&match[version]=all" -
expect_jq "all versions: V twice, W's CLEAR version" \
	"([.objects[].id] | sort) == ([\"$V\",\"$V\",\"${OP[CLEAR]}\",\"$W\"] | sort)"
get "$P/objects/?match[id]=$W" -
expect_jq "W (last version GREEN) is not listed" '.objects == null and .more == false'
get "$P/manifest/?match[type]=indicator&match[version]=all&limit=100" -
expect_jq "manifest, all versions: 4 CLEAR records" '(.objects | length) == 4'

for t in $TYPES; do
	id=${OP[$t]}
	if [ $t = CLEAR ]; then code=200; else code=404; fi
	get "$P/objects/$id/" -
	expect_code "anonymous GET object TLP $t" $code
	[ $code = 200 ] && expect_jq "object TLP $t" ".objects[0].id == \"$id\""
	[ $code = 404 ] && no_header "object TLP $t: no date header" '^X-TAXII-Date-Added'
	get "$P/objects/$id/versions/" -
	expect_code "anonymous versions TLP $t" $code
	get "$P/manifest/?match[id]=$id" -
	if [ $code = 200 ]; then
		expect_jq "manifest match[id] TLP $t" '(.objects | length) == 1'
	else
		expect_jq "manifest match[id] TLP $t hidden" '.objects == null and .more == false'
		no_header "manifest match[id] TLP $t: no date header" '^X-TAXII-Date-Added'
	fi
	# The private collection's objects do not exist for anonymous requesters.
	get "$S/objects/${OS[$t]}/" -
	expect_error "anonymous GET private object TLP $t" 401
done
get "$P/objects/$V/versions/" -
expect_jq "versions of V" '.versions == ["2024-01-01T00:00:00.000Z","2024-02-01T00:00:00.000Z"]'
get "$P/objects/$V/?match[version]=all" -
expect_jq "object V, all versions" '(.objects | length) == 2'
get "$P/objects/$W/" -
expect_error "W: its last version is GREEN" 404
get "$P/objects/$W/versions/" -
expect_jq "versions of W: its CLEAR version only" '.versions == ["2024-01-01T00:00:00.000Z"]'
req HEAD "$P/objects/" - -H "$ACCEPT"
expect_code "anonymous HEAD objects" 200

# Paging with limit=1: one CLEAR record a page, no empty tail, every page's
# date headers those of its record.
for ep in objects manifest; do
	seen=()
	next=
	pages=0
	for _ in $(seq 1 10); do
		url="$P/$ep/?limit=1"
		[ -n "$next" ] && url="$url&next=$next"
		get "$url" -
		pages=$((pages + 1))
		n=$(jq '.objects | length' "$T/body")
		[ "$n" = 1 ] && ok || bad "$ep page $pages: $n records"
		seen+=("$(jq -r '.objects[0].id' "$T/body")")
		if [ $ep = manifest ]; then
			d=$(jq -r '.objects[0].date_added' "$T/body")
			expect_header "$ep page $pages: First" "^X-TAXII-Date-Added-First: $d"
			expect_header "$ep page $pages: Last" "^X-TAXII-Date-Added-Last: $d"
		fi
		next=$(jq -r '.next // empty' "$T/body")
		[ -n "$next" ] || break
	done
	got=$(printf '%s\n' "${seen[@]}" | sort | jq -R . | jq -sc .)
	[ "$got" = "$CLEAR_IDS" ] && [ $pages = 2 ] && ok ||
		bad "$ep paging: $pages pages, $got, want $CLEAR_IDS"
done
# next tokens seal their cursor (version 2): the store's row sequence in it
# would count the rows added between two pages, in every collection and at
# every TLP level.
get "$P/objects/?limit=1" -
next=$(jq -r '.next // empty' "$T/body")
b64=$(printf '%s' "$next" | tr -- '-_' '+/')
while [ $((${#b64} % 4)) != 0 ]; do b64="$b64="; done
v=$(printf '%s' "$b64" | base64 -d 2>/dev/null | od -An -tx1 -N1 | tr -d ' ')
[ "$v" = 02 ] && ok || bad "next token version: $v, want 02"
get "$P/objects/$V/versions/?limit=1" -
next=$(jq -r '.next // empty' "$T/body")
get "$P/objects/$V/versions/?limit=1&next=$next" -
expect_jq "versions paging" '.versions == ["2024-02-01T00:00:00.000Z"] and .more == false'

# A member's token, used anonymously, continues with CLEAR only: alice's
# first page holds the CLEAR object; after it she sees the other nine.
get "$P/objects/?limit=1" "alice:$ALICE"
expect_jq "alice's first page: the CLEAR object" ".objects[0].id == \"${OP[CLEAR]}\" and .more == true"
next=$(jq -r .next "$T/body")
get "$P/objects/?limit=100&next=$next" -
expect_jq "alice's token, anonymously: V only" "[.objects[].id] == [\"$V\"] and .more == false"
get "$P/objects/?limit=100&next=$next" "alice:$ALICE"
expect_jq "alice's token, by alice: the other eight" '(.objects | length) == 8'

# ---- what anonymous requesters may not do -------------------------------
# A private collection answers exactly like a collection that does not exist.
for ep in "" objects/ manifest/ "objects/${OS[CLEAR]}/" "objects/${OS[CLEAR]}/versions/"; do
	get "$S/$ep" -
	expect_error "anonymous private $ep" 401
	expect_header "anonymous private $ep: WWW-Authenticate" '^WWW-Authenticate: Basic realm="accord"'
	cp "$T/body" "$T/private.body"
	get "$R/collections/00000000-0000-4000-8000-000000000000/$ep" -
	cmp -s "$T/body" "$T/private.body" && ok || bad "private and unknown collection differ: $ep"
done
get "$URL/nosuchroot/collections/" -
expect_error "anonymous, unknown api root" 401
get "$URL/nosuchroot/" -
expect_error "anonymous, unknown api root information" 401
req GET "$S/objects/" - -H "Accept: text/html"
expect_error "anonymous private with a bad Accept: 401, not 406" 401
req GET "$P/objects/" - -H "Accept: text/html"
expect_error "anonymous public with a bad Accept" 406
post "$P/objects/" - "$T/v.json"
expect_error "anonymous POST to the public collection" 401
expect_header "POST: WWW-Authenticate" '^WWW-Authenticate: Basic realm="accord"'
req DELETE "$P/objects/${OP[CLEAR]}/" - -H "$ACCEPT"
expect_error "anonymous DELETE in the public collection" 401
get "$R/status/$SID/" -
expect_error "anonymous status" 401
get "$P/objects/${OP[CLEAR]}/" "alice:$ALICE"
expect_code "the CLEAR object is still there" 200

# ---- credentials: never downgraded, never less than anonymous -------------
get "$P/objects/" "alice:wrong-secret"
expect_error "wrong secret on the public collection" 401
get "$P/objects/" "ghost:$ALICE"
expect_error "unknown member on the public collection" 401
req GET "$P/objects/" - -H "$ACCEPT" -H "Authorization: Basic %%%"
expect_error "malformed Authorization on the public collection" 401
get "$URL/taxii2/" "alice:wrong-secret"
expect_error "wrong secret on discovery" 401
get "$P/objects/?limit=100" "alice:$ALICE"
expect_jq "alice (read grant) reads all of hers" '(.objects | length) == 9'
# carol has no grant: the public collection reads for her as for anyone.
get "$R/collections/" "carol:$CAROL"
expect_jq "carol: the public collection listed, read only" \
	"([.collections[].id] == [\"$PUB\"]) and .collections[0].can_read == true and .collections[0].can_write == false"
get "$P/objects/?limit=100" "carol:$CAROL"
expect_jq "carol: CLEAR only" "([.objects[].id] | sort) == $CLEAR_IDS"
get "$P/objects/${OP[GREEN]}/" "carol:$CAROL"
expect_error "carol: GREEN hidden" 404
post "$P/objects/" "carol:$CAROL" "$T/v.json"
expect_error "carol: POST without a write grant" 403
get "$S/objects/" "carol:$CAROL"
expect_error "carol: the private collection" 404

# ---- collection set --private closes it -------------------------------------
"$ACCORD" collection set pub --private --dir "$NODE" >"$T/set.out" 2>&1
grep -qx "default $PUB private" "$T/set.out" && ok || bad "collection set --private: $(cat "$T/set.out")"
for u in "$URL/taxii2/" "$R/" "$R/collections/" "$P/" "$P/objects/" "$P/manifest/" \
	"$P/objects/${OP[CLEAR]}/" "$P/objects/$V/versions/"; do
	get "$u" -
	expect_error "private again: anonymous $u" 401
done
get "$P/objects/?limit=100" "alice:$ALICE"
expect_code "private again: alice still reads" 200
get "$P/objects/" "carol:$CAROL"
expect_error "private again: carol without a grant" 404
"$ACCORD" collection list --dir "$NODE" | grep -q '(public)' && bad "still listed public" || ok
"$ACCORD" collection set "default/pub" --public --dir "$NODE" >/dev/null 2>&1 && ok || bad "collection set ROOT/ALIAS --public"
get "$P/objects/${OP[CLEAR]}/" -
expect_code "public again" 200
"$ACCORD" collection set nosuch --public --dir "$NODE" 2>/dev/null
[ $? = 1 ] && ok || bad "collection set: an unknown collection is exit 1"

serve_stop && ok || bad "serve did not exit 0"
finish
