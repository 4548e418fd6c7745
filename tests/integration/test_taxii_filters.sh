#!/usr/bin/env bash
# TAXII 2.1 filters and pagination over HTTP: added_after, match[id|type|
# version|spec_version] (first, last, all, exact versions, the latest
# spec_version default), limit capped by [taxii] max_page_size, more, next
# (stateless: it survives a server restart; bound to its filters,
# collection, object and endpoint; forged tokens refused) and the
# X-TAXII-Date-Added-First/Last headers on every page.
. "$(dirname "$0")/taxii_lib.sh"

node_init
sed -i 's/^max_page_size = .*/max_page_size = 4/' "$NODE/accord.conf"
SECOND=$(uuid)
"$ACCORD" collection add --dir "$NODE" default --title Second --id "$SECOND" >/dev/null 2>&1
"$ACCORD" grant --dir "$NODE" admin "$SECOND" --read --write >/dev/null 2>&1
serve_start
A=admin:$ADMIN
C=$R/collections/$COLL

# Five indicators; X has three versions, Y two; M is malware; O20 has a
# STIX 2.0 version that is newer than its 2.1 version.
X=indicator--$(uuid)
Y=indicator--$(uuid)
Z=indicator--$(uuid)
M=malware--$(uuid)
O20=indicator--$(uuid)
malware() {
	printf '{"type":"malware","spec_version":"2.1","id":"%s","created":"2024-01-01T00:00:00.000Z","modified":"%s","created_by_ref":"%s","name":"m","is_family":false}' "$1" "$2" "$ADMIN_ID"
}
ind20() {
	printf '{"type":"indicator","id":"%s","created":"2024-01-01T00:00:00.000Z","modified":"%s","created_by_ref":"%s","labels":["malicious-activity"],"pattern":"[ipv4-addr:value = '"'"'198.51.100.9'"'"']","valid_from":"2024-01-01T00:00:00Z"}' "$1" "$2" "$ADMIN_ID"
}
i=0
for obj in "$(indicator "$X" "$ADMIN_ID" 2024-01-01T00:00:00.000Z)" \
	"$(indicator "$Y" "$ADMIN_ID" 2024-01-01T00:00:00.000Z)" \
	"$(indicator "$X" "$ADMIN_ID" 2024-02-01T00:00:00.000Z)" \
	"$(malware "$M" 2024-01-01T00:00:00.000Z)" \
	"$(indicator "$Z" "$ADMIN_ID" 2024-01-01T00:00:00.000Z)" \
	"$(indicator "$X" "$ADMIN_ID" 2024-03-01T00:00:00.000Z)" \
	"$(indicator "$Y" "$ADMIN_ID" 2024-02-01T00:00:00.000Z)" \
	"$(indicator "$O20" "$ADMIN_ID" 2024-01-01T00:00:00.000Z)" \
	"$(ind20 "$O20" 2024-06-01T00:00:00.000Z)"; do
	envelope "$T/e$i.json" "$obj"
	post "$C/objects/" "$A" "$T/e$i.json"
	[ "$(jq .success_count "$T/body")" = 1 ] || bad "setup object $i: $(cat "$T/body")"
	i=$((i + 1))
done

ids() { jq -c '[.objects[]?.id]' "$T/body"; }
# Default: the last version of each object, in date_added order.
get "$C/manifest/" "$A"
expect_jq "manifest default: one record per object" "[.objects[].id] == [\"$M\", \"$Z\", \"$X\", \"$Y\"]"
expect_jq "manifest: capped by max_page_size (4)" '.more == true and (.objects | length) == 4'
get "$C/objects/?limit=100" "$A"
expect_jq "limit capped at max_page_size" '(.objects | length) == 4 and .more == true'
# match[id]
get "$C/objects/?match[id]=$X,$Y" "$A"
expect_jq "match[id] list" "[.objects[].id] == [\"$X\", \"$Y\"] and .more == false"
expect_jq "match[id]: last versions" '[.objects[].modified] == ["2024-03-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"]'
get "$C/objects/?match[id]=$X&match[id]=$Z" "$A"
expect_jq "match[id] repeated" "[.objects[].id] == [\"$Z\", \"$X\"]"
# match[type]
get "$C/objects/?match[type]=malware" "$A"
expect_jq "match[type]" "[.objects[].id] == [\"$M\"]"
get "$C/objects/?match[type]=malware,indicator&match[id]=$M,$Z" "$A"
expect_jq "match[type] and match[id] combine with AND" "[.objects[].id] == [\"$M\", \"$Z\"]"
get "$C/objects/?match[type]=campaign" "$A"
expect_code "no match" 200
expect_jq "no match: empty envelope" '.more == false and .objects == null'
no_header "no X-TAXII-Date-Added-First on an empty page" '^X-TAXII-Date-Added-First'
# match[version]
get "$C/objects/?match[id]=$X&match[version]=first" "$A"
expect_jq "match[version]=first" '[.objects[].modified] == ["2024-01-01T00:00:00.000Z"]'
get "$C/objects/?match[id]=$X&match[version]=all" "$A"
expect_jq "match[version]=all" '[.objects[].modified] == ["2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z"]'
get "$C/objects/?match[id]=$X&match[version]=2024-02-01T00:00:00.000Z" "$A"
expect_jq "match[version] exact" '[.objects[].modified] == ["2024-02-01T00:00:00.000Z"]'
get "$C/objects/?match[id]=$X&match[version]=first,last" "$A"
expect_jq "match[version]=first,last" '[.objects[].modified] == ["2024-01-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z"]'
get "$C/objects/?match[id]=$X&match[version]=2023-01-01T00:00:00Z" "$A"
expect_jq "match[version] exact, none" '.objects == null'
get "$C/objects/$X/?match[version]=all" "$A"
expect_jq "object endpoint: match[version]=all" '(.objects | length) == 3'
get "$C/objects/$X/?match[version]=2023-01-01T00:00:00Z" "$A"
expect_error "object endpoint: no version matches" 404
# match[spec_version] and the latest-spec-version default
get "$C/objects/$O20/" "$A"
expect_jq "default: latest spec_version (2.1), its last version" '[.objects[].modified] == ["2024-01-01T00:00:00.000Z"] and .objects[0].spec_version == "2.1"'
get "$C/objects/$O20/?match[spec_version]=2.0" "$A"
expect_jq "match[spec_version]=2.0" '[.objects[].modified] == ["2024-06-01T00:00:00.000Z"] and (.objects[0] | has("spec_version") | not)'
get "$C/objects/$O20/?match[spec_version]=2.0,2.1&match[version]=all" "$A"
expect_jq "match[spec_version]=2.0,2.1 all versions" '(.objects | length) == 2'
get "$C/manifest/?match[id]=$O20&match[spec_version]=2.0" "$A"
expect_jq "manifest media_type of a 2.0 object" '.objects[0].media_type == "application/stix+json;version=2.0"'
get "$C/objects/$O20/versions/?match[spec_version]=2.0,2.1" "$A"
expect_jq "versions with match[spec_version]" '.versions == ["2024-01-01T00:00:00.000Z", "2024-06-01T00:00:00.000Z"]'
get "$C/objects/$O20/versions/" "$A"
expect_jq "versions default: latest spec_version only" '.versions == ["2024-01-01T00:00:00.000Z"]'
get "$C/objects/?match[spec_version]=2.x" "$A"
expect_error "bad match[spec_version]" 400

# added_after: strictly after, microsecond precision.
get "$C/manifest/?match[version]=all&limit=4" "$A"
D2=$(jq -r '.objects[1].date_added' "$T/body")
FIRST=$(grep -i '^X-TAXII-Date-Added-First' "$T/headers" | tr -d '\r' | cut -d' ' -f2)
LAST=$(grep -i '^X-TAXII-Date-Added-Last' "$T/headers" | tr -d '\r' | cut -d' ' -f2)
expect_jq "X-TAXII-Date-Added-First is the first record's date_added" ".objects[0].date_added == \"$FIRST\""
expect_jq "X-TAXII-Date-Added-Last is the last record's date_added" ".objects[3].date_added == \"$LAST\""
get "$C/manifest/?match[version]=all&added_after=$D2" "$A"
expect_jq "added_after is strict" "[.objects[].date_added] | all(. > \"$D2\")"
expect_jq "added_after skips two" '(.objects | length) == 4 and .more == true'
get "$C/objects/$X/versions/?added_after=$D2" "$A"
expect_jq "versions with added_after" '.versions == ["2024-02-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z"]'

# Paging with next through every version (8: O20's STIX 2.0 version is left
# out by the latest-spec-version default): each exactly once, headers on
# every page, and the token survives a restart of the server.
seen=$T/seen
: >"$seen"
get "$C/manifest/?match[version]=all&limit=2" "$A"
pages=1
while :; do
	jq -r '.objects[] | "\(.id) \(.version)"' "$T/body" >>"$seen"
	expect_header "page $pages: X-TAXII-Date-Added-First" '^X-TAXII-Date-Added-First: [0-9-]+T[0-9:]+\.[0-9]{6}Z'
	expect_header "page $pages: X-TAXII-Date-Added-Last" '^X-TAXII-Date-Added-Last: [0-9-]+T[0-9:]+\.[0-9]{6}Z'
	[ "$(jq -r .more "$T/body")" = true ] || break
	NEXT=$(jq -r .next "$T/body")
	if [ "$pages" = 2 ]; then
		serve_stop
		serve_start
		C=$R/collections/$COLL
	fi
	get "$C/manifest/?match[version]=all&limit=2&next=$NEXT" "$A"
	expect_code "next page $pages" 200
	pages=$((pages + 1))
	[ $pages -lt 20 ] || break
done
test "$(wc -l <"$seen")" = 8 && ok || bad "paging saw $(wc -l <"$seen") versions, want 8"
test "$(sort -u "$seen" | wc -l)" = 8 && ok || bad "paging saw duplicates"
test "$pages" = 4 && ok || bad "paging took $pages pages, want 4"

# next binds its request.
get "$C/objects/?match[version]=all&limit=2" "$A"
NEXT=$(jq -r .next "$T/body")
get "$C/objects/?match[version]=all&limit=3&next=$NEXT" "$A"
expect_code "next with another limit" 200
get "$C/objects/?next=$NEXT" "$A"
expect_code "next alone continues with its filters" 200
expect_jq "next alone: all versions" '(.objects | length) == 4'
get "$C/objects/?match[version]=first&next=$NEXT" "$A"
expect_error "next with other filters" 400
get "$C/objects/?match[version]=all&match[type]=indicator&next=$NEXT" "$A"
expect_error "next with an extra filter" 400
get "$R/collections/$SECOND/objects/?match[version]=all&next=$NEXT" "$A"
expect_error "next in another collection" 400
get "$C/manifest/?match[version]=all&next=$NEXT" "$A"
expect_error "next of objects on the manifest" 400
FORGED=$(printf '%s' "$NEXT" | sed 's/^\(.\{20\}\)./\1A/;t;s/^/x/')
[ "$FORGED" = "$NEXT" ] && FORGED=$(printf '%s' "$NEXT" | sed 's/^\(.\{20\}\)./\1B/')
get "$C/objects/?match[version]=all&next=$FORGED" "$A"
expect_error "forged next" 400
get "$C/objects/?match[version]=all&next=$NEXT&next=$NEXT" "$A"
expect_error "next twice" 400
get "$C/objects/$X/?match[version]=all&limit=1" "$A"
ONEXT=$(jq -r .next "$T/body")
get "$C/objects/$Y/?match[version]=all&limit=1&next=$ONEXT" "$A"
expect_error "next of another object" 400
get "$C/objects/$X/?match[version]=all&limit=1&next=$ONEXT" "$A"
expect_jq "object endpoint pages with next" '[.objects[].modified] == ["2024-02-01T00:00:00.000Z"] and .more == true'
get "$C/objects/$X/versions/?limit=1" "$A"
expect_jq "versions page 1" '.versions == ["2024-01-01T00:00:00.000Z"] and .more == true and (.next | type == "string")'
VNEXT=$(jq -r .next "$T/body")
get "$C/objects/$X/versions/?limit=5&next=$VNEXT" "$A"
expect_jq "versions page 2" '.versions == ["2024-02-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z"] and .more == false'

serve_stop && ok || bad "serve did not exit 0"
finish
