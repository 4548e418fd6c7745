#!/bin/sh
# Install the Debian 12 packages Accord needs to build, test and benchmark,
# only those missing, without prompts. Runs as root, or through sudo.
set -eu

PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev
libjansson-dev libsodium-dev libssl-dev libcmocka-dev libsqlite3-dev sqlite3
libmicrohttpd-dev libcurl4-openssl-dev libinih-dev libpcre2-dev libutf8proc-dev libvectorscan-dev curl jq
wrk nginx-light python3 openssl"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
