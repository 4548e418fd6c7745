#!/usr/bin/env bash
# accord init and accord serve as commands: files and modes, the secret
# printed once and stored only hashed, exit codes, accord.conf errors with
# their line, and serve's refusals.
. "$(dirname "$0")/taxii_lib.sh"

node_init
for f in accord.conf accord.db node.key; do
	[ -f "$NODE/$f" ] && ok || bad "init did not create $f"
done
[ "$(stat -c %a "$NODE")" = 700 ] && ok || bad "node directory mode $(stat -c %a "$NODE")"
[ "$(stat -c %a "$NODE/node.key")" = 600 ] && ok || bad "node.key mode"
grep -q '^PRIVATE+KEY+test+[0-9a-f]\{8\}+' "$NODE/node.key" && ok || bad "node.key format"
[[ $ADMIN == admin.* ]] && [ ${#ADMIN} = 49 ] && ok || bad "admin secret form: $ADMIN"
! grep -rqF "${ADMIN#admin.}" "$NODE" && ok || bad "the admin secret is on disk"
[ -n "$COLL" ] && ok || bad "no collection id printed"
"$ACCORD" init --dir "$NODE" >"$T/out" 2>&1
[ $? = 1 ] && ok || bad "init over a node: want exit 1"
grep -q "already a node directory" "$T/out" && ok || bad "init over a node: message"
ACCORD_DIR=$T/envnode "$ACCORD" init >/dev/null 2>&1 && [ -f "$T/envnode/accord.conf" ] && ok ||
	bad "init honours \$ACCORD_DIR"
grep -q '^name = envnode' "$T/envnode/accord.conf" && ok || bad "default name is the directory's"

"$ACCORD" serve --dir "$T/nothing" >"$T/out" 2>&1
[ $? = 2 ] && ok || bad "serve without a node: want exit 2"
"$ACCORD" serve --dir "$NODE" --listen nonsense >"$T/out" 2>&1
[ $? = 2 ] && ok || bad "serve --listen nonsense: want exit 2"
cp "$NODE/accord.conf" "$T/conf.bak"
printf '\n[taxii]\nbogus = 1\n' >>"$NODE/accord.conf"
"$ACCORD" serve --dir "$NODE" >"$T/out" 2>&1
[ $? = 2 ] && ok || bad "unknown key: want exit 2"
grep -q 'accord.conf:[0-9]*: \[taxii\] bogus: unknown key' "$T/out" && ok || bad "unknown key message: $(cat "$T/out")"
cp "$T/conf.bak" "$NODE/accord.conf"
sed -i 's/^status_retention = .*/status_retention = 60/' "$NODE/accord.conf"
"$ACCORD" serve --dir "$NODE" >"$T/out" 2>&1
grep -q 'status_retention: must be at least 86400' "$T/out" && ok || bad "status_retention < 24 h accepted"
cp "$T/conf.bak" "$NODE/accord.conf"

serve_start
get "$URL/taxii2/" "admin:$ADMIN"
expect_code "served after init" 200
# A second server on the same port is refused.
PORT=${URL##*:}
"$ACCORD" serve --dir "$NODE" --listen "127.0.0.1:$PORT" >"$T/out" 2>&1
[ $? = 2 ] && ok || bad "second server on a used port: want exit 2"
serve_stop && ok || bad "serve did not exit 0"
finish
