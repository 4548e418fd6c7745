#!/usr/bin/env bash
# The 11 TAXII 2.1 endpoints over real HTTP on 127.0.0.1, and every error
# path: 308 without the trailing slash, 401 (+ WWW-Authenticate), 403, 404,
# 405 (+ Allow), 406, 413, 415, 422, 400; bad input changes nothing.
. "$(dirname "$0")/taxii_lib.sh"

node_init
ALICE=$(member alice)
ALICE_ID=$(member_identity alice)
"$ACCORD" grant --dir "$NODE" alice shared --read --write >/dev/null 2>&1
READER=$(member reader)
"$ACCORD" grant --dir "$NODE" reader shared --read >/dev/null 2>&1
NOBODY=$(member nobody)
FRESH=$(member fresh)
"$ACCORD" root add --dir "$NODE" small --title "Small" --max-content-length 1024 >/dev/null 2>&1
SMALL=$(uuid)
"$ACCORD" collection add --dir "$NODE" small --title "Small" --id "$SMALL" >/dev/null 2>&1
"$ACCORD" grant --dir "$NODE" admin "$SMALL" --read --write >/dev/null 2>&1
serve_start
A=admin:$ADMIN
C=$R/collections/$COLL

# ---- discovery -------------------------------------------------------------
get "$URL/taxii2/" "$A"
expect_code "discovery" 200
expect_header "discovery media type" "^Content-Type: application/taxii\+json;version=2\.1"
expect_jq "discovery title" '.title == "Accord node test"'
expect_jq "discovery api_roots" "(.api_roots | index(\"$R/\")) != null"
expect_jq "discovery default" ".default == \"$R/\""
get "$URL/taxii2/" "bearer:$ADMIN"
expect_code "discovery with Bearer" 200
req HEAD "$URL/taxii2/" "$A" -H "$ACCEPT"
expect_code "HEAD discovery" 200

# ---- 308 to the canonical URL ----------------------------------------------
get "$URL/taxii2" "$A"
expect_code "discovery without slash" 308
expect_header "308 Location" "^Location: /taxii2/"
get "$C/objects?limit=2&match%5Btype%5D=indicator" "$A"
expect_code "objects without slash" 308
expect_header "308 keeps the query" "^Location: /default/collections/$COLL/objects/\?limit=2&match\[type\]=indicator"
expect_jq "308 error body" '.http_status == "308"'
req GET "$C/objects?limit=2" "$A" -L -H "$ACCEPT"
expect_code "following the 308" 200

# ---- api root, collections, collection -----------------------------------------
get "$R/" "$A"
expect_code "api root" 200
expect_jq "api root versions" '.versions == ["application/taxii+json;version=2.1"]'
expect_jq "api root max_content_length" '.max_content_length == 10485760'
expect_jq "api root title" '.title | type == "string"'
get "$URL/small/" "$A"
expect_jq "small api root" '.max_content_length == 1024'
get "$URL/nosuchroot/" "$A"
expect_error "unknown api root" 404
get "$R/collections/" "$A"
expect_code "collections" 200
expect_jq "collections list" "[.collections[].id] == [\"$COLL\"]"
expect_jq "collection resource" '.collections[0] | .can_read and .can_write and .alias == "shared" and .media_types == ["application/stix+json;version=2.1", "application/stix+json;version=2.0"]'
get "$R/collections/" "reader:$READER"
expect_jq "reader sees can_write false" '.collections[0] | .can_read and (.can_write | not)'
get "$R/collections/" "nobody:$NOBODY"
expect_code "collections without grants" 200
expect_jq "collections without grants: none listed" '.collections == null'
get "$C/" "$A"
expect_code "collection" 200
expect_jq "collection id" ".id == \"$COLL\" and .title == \"Shared intelligence\""
get "$R/collections/shared/" "$A"
expect_jq "collection by alias" ".id == \"$COLL\""
get "$C/" "nobody:$NOBODY"
expect_error "collection without any grant is not found" 404
get "$R/collections/$(uuid)/" "$A"
expect_error "unknown collection" 404

# ---- method, media types -------------------------------------------------------
req PUT "$C/objects/" "$A" -H "$ACCEPT"
expect_error "PUT objects" 405
expect_header "405 Allow" "^Allow: GET, HEAD, POST"
req DELETE "$R/collections/" "$A" -H "$ACCEPT"
expect_error "DELETE collections" 405
req GET "$C/objects/" "$A" -H "Accept: application/json"
expect_error "Accept application/json" 406
req GET "$C/objects/" "$A" -H "Accept: application/taxii+json;version=2.0"
expect_error "Accept version 2.0" 406
req GET "$C/objects/" "$A" -H "Accept: application/taxii+json"
expect_code "Accept without version" 200
req GET "$C/objects/" "$A" -H "Accept: text/html, application/taxii+json; version=\"2.1\"; q=0.5"
expect_code "Accept list with parameters" 200
req GET "$C/objects/" "$A" -H "Accept: application/taxii+json;version=2.1;q=0"
expect_error "Accept with q=0" 406

# ---- POST objects ---------------------------------------------------------------
count_objects() {
	get "$C/manifest/?limit=1000" "$A"
	jq '.objects | length' "$T/body"
}
I1=indicator--$(uuid)
I2=indicator--$(uuid)
envelope "$T/env1.json" "$(indicator "$I1" "$ADMIN_ID")" "$(indicator "$I2" "$ADMIN_ID")"
post "$C/objects/" "$A" "$T/env1.json"
expect_code "POST objects" 202
expect_header "POST answer media type" "^Content-Type: application/taxii\+json;version=2\.1"
expect_jq "status complete" '.status == "complete" and .total_count == 2 and .success_count == 2 and .failure_count == 0 and .pending_count == 0'
expect_jq "status successes" "[.successes[].id] | sort == ([\"$I1\", \"$I2\"] | sort)"
expect_jq "status successes carry versions" '[.successes[].version] == ["2024-01-01T00:00:00.000Z", "2024-01-01T00:00:00.000Z"]'
expect_jq "status request_timestamp" '.request_timestamp | test("^[0-9-]+T[0-9:]+\\.[0-9]{6}Z$")'
SID=$(jq -r .id "$T/body")
get "$R/status/$SID/" "$A"
expect_code "GET status" 200
expect_jq "GET status body" ".id == \"$SID\" and .status == \"complete\" and .success_count == 2"
get "$R/status/$SID/" "alice:$ALICE"
expect_error "another member's status" 404
get "$R/status/$(uuid)/" "$A"
expect_error "unknown status" 404
# The exact duplicate is a success, and stores nothing new.
post "$C/objects/" "$A" "$T/env1.json"
expect_jq "duplicate is a success" '.success_count == 2 and .failure_count == 0'
test "$(count_objects)" = 2 && ok || bad "duplicate stored twice"

N0=$(count_objects)
post "$C/objects/" "reader:$READER" "$T/env1.json"
expect_error "POST without write" 403
post "$C/objects/" "nobody:$NOBODY" "$T/env1.json"
expect_error "POST without any grant" 404
req POST "$C/objects/" "$A" -H "$ACCEPT" -H "Content-Type: application/json" --data-binary @"$T/env1.json"
expect_error "POST application/json" 415
req POST "$C/objects/" "$A" -H "$ACCEPT" -H "Content-Type: application/taxii+json;version=2.0" --data-binary @"$T/env1.json"
expect_error "POST version 2.0" 415
req POST "$C/objects/" "$A" -H "$ACCEPT" --data-binary @"$T/env1.json" -H "Content-Type:"
expect_error "POST without Content-Type" 415
printf '{"objects": [' >"$T/broken.json"
post "$C/objects/" "$A" "$T/broken.json"
expect_error "malformed JSON" 422
printf '[1,2]' >"$T/notenv.json"
post "$C/objects/" "$A" "$T/notenv.json"
expect_error "not an envelope" 422
printf '{"objects": {"a": 1}}' >"$T/notenv2.json"
post "$C/objects/" "$A" "$T/notenv2.json"
expect_error "objects not a list" 422
# Oversized: the small root takes 1024 bytes.
head -c 4000 /dev/zero | tr '\0' ' ' >"$T/big.json"
printf '{"objects":[]}' >>"$T/big.json"
post "$URL/small/collections/$SMALL/objects/" "$A" "$T/big.json"
expect_error "oversized body (Content-Length)" 413
post "$URL/small/collections/$SMALL/objects/" "$A" "$T/big.json" -H "Transfer-Encoding: chunked"
expect_error "oversized body (chunked)" 413
printf '{"objects":[]}' >"$T/empty.json"
post "$URL/small/collections/$SMALL/objects/" "$A" "$T/empty.json"
expect_code "empty envelope" 202
expect_jq "empty envelope status" '.total_count == 0'
# Invalid STIX and someone else's created_by_ref are failures in the status.
BAD='{"type":"indicator","spec_version":"2.1","id":"indicator--'$(uuid)'","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","created_by_ref":"'$ADMIN_ID'","pattern":"[ipv4-addr:value = ","pattern_type":"stix"}'
OTHER=indicator--$(uuid)
envelope "$T/mixed.json" "$BAD" "$(indicator "$OTHER" "$ALICE_ID")" '"not an object"' '{"type":"bundle","id":"bundle--'$(uuid)'","objects":[]}'
post "$C/objects/" "$A" "$T/mixed.json"
expect_code "POST with failures" 202
expect_jq "failures counted" '.total_count == 4 and .success_count == 0 and .failure_count == 4'
expect_jq "validator message in failure" '.failures[0].message | test("valid_from|pattern")'
expect_jq "created_by_ref refused" "(.failures[1].id == \"$OTHER\") and (.failures[1].message | test(\"created_by_ref|producer|identity\"))"
test "$(count_objects)" = "$N0" && ok || bad "bad input changed the collection"

# ---- GET objects, object, versions, manifest ------------------------------------------
get "$C/objects/" "$A"
expect_code "GET objects" 200
expect_jq "envelope" ".more == false and ([.objects[].id] | sort == ([\"$I1\", \"$I2\"] | sort))"
expect_header "X-TAXII-Date-Added-First" '^X-TAXII-Date-Added-First: [0-9-]+T[0-9:]+\.[0-9]{6}Z'
expect_header "X-TAXII-Date-Added-Last" '^X-TAXII-Date-Added-Last: [0-9-]+T[0-9:]+\.[0-9]{6}Z'
get "$C/objects/$I1/" "$A"
expect_code "GET object" 200
expect_jq "GET object body" "[.objects[].id] == [\"$I1\"]"
expect_header "object X-TAXII-Date-Added-First" '^X-TAXII-Date-Added-First: '
get "$C/objects/indicator--$(uuid)/" "$A"
expect_error "unknown object" 404
# A second version of I1.
envelope "$T/v2.json" "$(indicator "$I1" "$ADMIN_ID" 2024-02-01T00:00:00.000Z)"
post "$C/objects/" "$A" "$T/v2.json"
expect_jq "second version stored" '.success_count == 1'
get "$C/objects/$I1/versions/" "$A"
expect_code "versions" 200
expect_jq "versions list" '.versions == ["2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"] and .more == false'
expect_header "versions X-TAXII-Date-Added-Last" '^X-TAXII-Date-Added-Last: '
get "$C/objects/indicator--$(uuid)/versions/" "$A"
expect_error "versions of an unknown object" 404
get "$C/objects/$I1/" "$A"
expect_jq "object: last version by default" '[.objects[].modified] == ["2024-02-01T00:00:00.000Z"]'
get "$C/manifest/" "$A"
expect_code "manifest" 200
expect_jq "manifest records" '.objects | length == 2 and all(.[]; (.id | type == "string") and (.date_added | test("\\.[0-9]{6}Z$")) and (.version | type == "string") and .media_type == "application/stix+json;version=2.1")'
expect_header "manifest X-TAXII-Date-Added-First" '^X-TAXII-Date-Added-First: '
get "$C/objects/" "reader:$READER"
expect_code "reader reads" 200
get "$C/manifest/?match[bogus]=1" "$A"
expect_error "unknown match field" 400
get "$C/objects/?limit=0" "$A"
expect_error "limit 0" 400
get "$C/objects/?limit=abc" "$A"
expect_error "limit not a number" 400
get "$C/objects/?added_after=yesterday" "$A"
expect_error "added_after not a timestamp" 400
get "$C/objects/?match[version]=latest" "$A"
expect_error "bad match[version]" 400
get "$C/objects/$I1/?match[type]=indicator" "$A"
expect_error "match[type] on the object endpoint" 400
get "$C/objects/?next=forged" "$A"
expect_error "forged next" 400

# ---- DELETE an object --------------------------------------------------------------
envelope "$T/alice.json" "$(indicator "$OTHER" "$ALICE_ID")"
post "$C/objects/" "alice:$ALICE" "$T/alice.json"
expect_jq "alice publishes" '.success_count == 1'
req DELETE "$C/objects/$OTHER/" "reader:$READER" -H "$ACCEPT"
expect_error "DELETE without write" 403
req DELETE "$C/objects/$OTHER/" "nobody:$NOBODY" -H "$ACCEPT"
expect_error "DELETE without any grant" 404
req DELETE "$C/objects/$I2/" "alice:$ALICE" -H "$ACCEPT"
expect_error "DELETE another member's object" 403
req DELETE "$C/objects/indicator--$(uuid)/" "alice:$ALICE" -H "$ACCEPT"
expect_error "DELETE unknown object" 404
req DELETE "$C/objects/$OTHER/" "alice:$ALICE" -H "$ACCEPT"
expect_code "producer deletes" 200
get "$C/objects/$OTHER/" "$A"
expect_error "deleted object is gone" 404
# Admins delete any object; match[version] picks versions.
req DELETE "$C/objects/$I1/?match[version]=2024-01-01T00:00:00.000Z" "$A" -H "$ACCEPT"
expect_code "admin deletes one version" 200
get "$C/objects/$I1/versions/" "$A"
expect_jq "one version left" '.versions == ["2024-02-01T00:00:00.000Z"]'
req DELETE "$C/objects/$I1/?match[version]=all" "$A" -H "$ACCEPT"
expect_code "admin deletes all versions" 200
get "$C/objects/$I1/" "$A"
expect_error "all versions gone" 404

# A canonical form longer than the body (RFC 8785 writes 1e300 as 1e+300):
# 200 objects, each one byte longer, all stored.
{
	printf '{"objects":['
	for i in $(seq 1 200); do
		[ "$i" -gt 1 ] && printf ','
		printf '{"type":"indicator","spec_version":"2.1","id":"indicator--%s","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","created_by_ref":"%s","name":"n","pattern":"[ipv4-addr:value = '"'"'198.51.100.7'"'"']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z","x_big":1e300}' \
			"$(uuid)" "$ADMIN_ID"
	done
	printf ']}'
} >"$T/grow.json"
post "$C/objects/" "$A" "$T/grow.json"
expect_jq "canonical form longer than the body" '.success_count == 200 and .failure_count == 0'
GID=$(jq -r '.successes[0].id' "$T/body")
get "$C/objects/$GID/" "$A"
expect_jq "stored canonically" '.objects[0].x_big == 1e300'

# ---- unknown paths -------------------------------------------------------------------
get "$URL/" "$A"
expect_error "root path" 404
get "$C/bogus/" "$A"
expect_error "unknown endpoint" 404
get "$URL/taxii2/extra/" "$A"
expect_error "below discovery" 404

# ---- rotation and removal take effect at the next request (cache included) --
get "$C/objects/" "alice:$ALICE"
expect_code "alice before rotation (now cached)" 200
"$ACCORD" member rotate --dir "$NODE" alice >"$T/rotated" 2>/dev/null
ALICE2=$(head -1 "$T/rotated")
get "$C/objects/" "alice:$ALICE"
expect_error "alice's old secret after rotation" 401
get "$C/objects/" "alice:$ALICE2"
expect_code "alice's new secret" 200
get "$C/objects/" "reader:$READER"
expect_code "reader before removal (now cached)" 200
"$ACCORD" member remove --dir "$NODE" reader >/dev/null 2>&1
get "$C/objects/" "reader:$READER"
expect_error "removed member" 401

# ---- authentication ---------------------------------------------------------
get "$C/objects/" -
expect_error "no credentials" 401
expect_header "401 WWW-Authenticate Basic" '^WWW-Authenticate: Basic realm="accord"'
expect_header "401 WWW-Authenticate Bearer" '^WWW-Authenticate: Bearer'
get "$C/objects/" "admin:wrong-secret"
expect_error "wrong secret" 401
get "$C/objects/" "ghost:$ADMIN"
expect_error "unknown member" 401
get "$C/objects/" "bearer:not-a-secret"
expect_error "bad bearer" 401
req GET "$C/objects/" - -H "$ACCEPT" -H "Authorization: Digest abc"
expect_error "other scheme" 401
req GET "$C/objects/" - -H "$ACCEPT" -H "Authorization: Basic %%%"
expect_error "malformed basic" 401

# Repeated failures are slowed down: the member name is refused without
# verification (429 + Retry-After) ...
# (Each further failure doubles the wait, so a slow machine reaches it too.)
for _ in $(seq 1 12); do
	get "$C/objects/" "admin:wrong-again"
	[ "$CODE" = 429 ] && break
done
expect_error "back-off after repeated failures" 429
expect_header "429 Retry-After" "^Retry-After: [0-9]+"
get "$C/objects/" "ghost2:nope"
get "$R/collections/" "fresh:$FRESH"
expect_error "back-off refuses an unverified secret from this address" 429
# ... but a client that proved its secret before (verification cache) goes on.
get "$C/objects/" "admin:$ADMIN"
expect_code "cached credentials are not throttled" 200

serve_stop && ok || bad "serve did not exit 0 on SIGTERM"


finish
