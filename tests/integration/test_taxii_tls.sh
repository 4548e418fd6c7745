#!/usr/bin/env bash
# HTTPS: `accord init --tls` makes a self-signed certificate (mode 0600 key)
# and accord serve speaks TLS 1.2 and 1.3 only; the node key is mode 0600.
. "$(dirname "$0")/taxii_lib.sh"

node_init --tls
[ "$(stat -c %a "$NODE/node.key")" = 600 ] && ok || bad "node.key mode $(stat -c %a "$NODE/node.key")"
[ "$(stat -c %a "$NODE/tls/key.pem")" = 600 ] && ok || bad "tls/key.pem mode"
grep -q '^cert = tls/cert.pem' "$NODE/accord.conf" && ok || bad "[tls] cert not configured"
grep -qv "$ADMIN" "$NODE/accord.conf" && ! grep -rq "$ADMIN" "$NODE" && ok || bad "the admin secret is stored in clear"
openssl x509 -in "$NODE/tls/cert.pem" -noout -ext subjectAltName 2>/dev/null | grep -q 'IP Address:127.0.0.1' && ok || bad "certificate lacks IP:127.0.0.1"
serve_start
case "$URL" in https://*) ok ;; *) bad "serving $URL, not https" ;; esac
get "$URL/taxii2/" "admin:$ADMIN" --cacert "$NODE/tls/cert.pem"
expect_code "HTTPS discovery (certificate verified)" 200
expect_jq "discovery URLs are https" '.api_roots[0] | startswith("https://")'
get "$URL/taxii2/" "admin:$ADMIN" -k --tlsv1.2 --tls-max 1.2
expect_code "TLS 1.2" 200
get "$URL/taxii2/" "admin:$ADMIN" -k --tlsv1.3
expect_code "TLS 1.3" 200
# TLS 1.1 (the client lowered to security level 0 so that it would try).
echo | timeout 10 openssl s_client -connect "${URL#https://}" -tls1_1 \
	-cipher 'DEFAULT:@SECLEVEL=0' >"$T/s11" 2>&1
grep -q '^New, TLSv1' "$T/s11" && bad "TLS 1.1 handshake accepted" || ok
echo | timeout 10 openssl s_client -connect "${URL#https://}" -tls1_2 >"$T/s12" 2>&1
grep -q '^New, TLSv1.2' "$T/s12" && ok || bad "openssl s_client -tls1_2 failed"
curl -s -o /dev/null -w '%{http_code}' "http://${URL#https://}/taxii2/" >"$T/plain" 2>/dev/null
[ "$(cat "$T/plain")" != 200 ] && ok || bad "plain HTTP answered on the HTTPS port"
serve_stop && ok || bad "serve did not exit 0"
finish
