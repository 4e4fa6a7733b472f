#!/bin/sh
# Installs the Debian 12 packages Safar needs to build, run and test, skipping
# the ones already present. Safe to run again; needs root (or sudo).
#   scripts/install-deps.sh          build + run
#   scripts/install-deps.sh --test   also what the test suite needs (with node,
#                                    npm and chromium for the web app's tests)
set -eu

pkgs="build-essential cmake ninja-build pkg-config
      libmicrohttpd-dev libsqlite3-dev libpq-dev libsodium-dev libjson-c-dev
      libutf8proc-dev iso-codes"
if [ "${1:-}" = "--test" ]; then
	pkgs="$pkgs libcmocka-dev python3 sqlite3 curl clang-format"
	# time and procps: the matching benchmark's smoke test (bench/match_bench.sh)
	pkgs="$pkgs time procps"
	# postgresql: the test suite runs the API tests on a throw-away cluster too
	pkgs="$pkgs postgresql"
	# the web app's tests: node (with npm) and Debian's chromium, driven by
	# playwright-core from tests/browser/package-lock.json; a node that is
	# already there (any packaging) is used as it is
	pkgs="$pkgs chromium"
	command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
	command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
fi

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
