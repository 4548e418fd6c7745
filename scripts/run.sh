#!/bin/sh
# `make run`: a working Accord node on http://127.0.0.1:8000 with sample
# intelligence in it.
#
# 1. Creates ./run-node (accord init) unless it exists.
# 2. Makes the three member companies of examples/sample-intel.json members
#    of the node (kestrel, meridian, tidewater: each with its STIX identity,
#    read and write on the collection "shared" of api root "default").
# 3. Starts `accord serve` on 127.0.0.1:8000 and, the first time, publishes
#    each company's objects with `accord push` under its own name (a member
#    can only publish objects whose created_by_ref is its identity).
# 4. Prints the discovery URL, a member secret and three commands to try,
#    then serves until Ctrl-C.
#
# Environment: ACCORD (the binary, default build/release/accord),
# ACCORD_RUN_DIR (default ./run-node), ACCORD_RUN_LISTEN (default
# 127.0.0.1:8000).
set -eu
cd "$(dirname "$0")/.."
ACCORD=${ACCORD:-build/release/accord}
NODE=${ACCORD_RUN_DIR:-./run-node}
LISTEN=${ACCORD_RUN_LISTEN:-127.0.0.1:8000}
BASE="http://$LISTEN"
ROOT="$BASE/default/"
SAMPLE=examples/sample-intel.json
ACC=$(command -v "$ACCORD" || echo "$ACCORD")

die() { echo "run: $*" >&2; exit 1; }
[ -x "$ACCORD" ] || die "$ACCORD is missing: run 'make' first"
command -v jq >/dev/null || die "jq is missing: run 'sh scripts/install-deps.sh'"

if [ ! -f "$NODE/accord.conf" ]; then
	echo "== accord init --dir $NODE"
	# the admin's secret is not needed here: admins can rotate it later
	"$ACCORD" init --dir "$NODE" --name demo >/dev/null
fi

# member NAME IDENTITY: make sure it exists with access to "shared" and
# print a fresh secret (a new member's, or a rotated one).
member() {
	if "$ACCORD" member list --dir "$NODE" | awk '{print $1}' | grep -qx "$1"; then
		"$ACCORD" member rotate "$1" --dir "$NODE" 2>/dev/null
	else
		"$ACCORD" member add "$1" --identity "$2" --dir "$NODE" 2>/dev/null
		"$ACCORD" grant "$1" shared --read --write --dir "$NODE" >/dev/null
	fi
}

# The member companies: identities that created themselves, in file order.
companies=$(jq -r '.objects[] | select(.type == "identity" and .created_by_ref == .id)
	| "\(.id) \(.name)"' "$SAMPLE")
tmp=$(mktemp -d)
server=""
cleanup() {
	if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
		kill -TERM "$server" 2>/dev/null || true
		wait "$server" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Members first: the node's database is changed before the server opens it.
echo "$companies" | while read -r id name; do
	short=$(echo "$name" | awk '{print tolower($1)}')
	secret=$(member "$short" "$id")
	echo "$short $secret $name" >>"$tmp/secrets"
done
collection=$("$ACCORD" collection list default --dir "$NODE" | awk '$3 == "shared" {print $1}')

echo "== accord serve --dir $NODE --listen $LISTEN (log: $NODE/serve.log)"
: >"$NODE/serve.log" # emptied here: never mistake the last run's line for this one's
"$ACCORD" serve --dir "$NODE" --listen "$LISTEN" >>"$NODE/serve.log" 2>&1 &
server=$!
i=0
until grep -q "serving" "$NODE/serve.log" 2>/dev/null; do
	kill -0 "$server" 2>/dev/null || { cat "$NODE/serve.log" >&2; server=""; die "accord serve did not start (is $LISTEN in use?)"; }
	i=$((i + 1))
	[ $i -lt 100 ] || die "accord serve did not start within 10 s"
	sleep 0.1
done

loaded_mark="$NODE/.sample-loaded"
if [ ! -f "$loaded_mark" ]; then
	total=0
	while read -r short secret name; do
		id=$(echo "$companies" | awk -v n="$name" '{ i = $1; $1 = ""; sub(/^ /, ""); if ($0 == n) print i }')
		jq -c --arg id "$id" '.objects[] | select(.created_by_ref == $id and .type != "marking-definition")' \
			"$SAMPLE" >"$tmp/$short.jsonl"
		n=$(wc -l <"$tmp/$short.jsonl")
		echo "== accord push $ROOT shared ($n objects of $name, as member $short)"
		ACCORD_SECRET=$secret "$ACCORD" push "$ROOT" shared "$tmp/$short.jsonl" --quiet ||
			die "publishing the sample objects of $name failed (see above)"
		total=$((total + n))
	done <"$tmp/secrets"
	echo "$total" >"$loaded_mark"
fi
read -r first_name first_secret first_company <"$tmp/secrets"

cat <<EOF

Accord is serving TAXII 2.1 at $BASE/taxii2/   (node directory: $NODE)
Sample intelligence: $(cat "$loaded_mark") objects from $SAMPLE (TLP:CLEAR to TLP:RED)
in api root $ROOT, collection "shared" ($collection).

Member "$first_name" ($first_company), secret (shown once, rotated on every make run):
  $first_secret

Try:
  curl -s -H 'Accept: application/taxii+json;version=2.1' -u '$first_name:$first_secret' $BASE/taxii2/
  ACCORD_SECRET='$first_secret' $ACC pull $ROOT shared --type indicator -o indicators.json
  ACCORD_SECRET='$first_secret' $ACC push $ROOT shared examples/push-example.json

Also: '$ACC taxii discover $BASE' and 'docs/cli.md'. Ctrl-C stops the server.
EOF
wait "$server" || true
server=""
