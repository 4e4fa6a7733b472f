#!/bin/sh
# The GET-case benchmark and a write benchmark (case transitions, 16
# clients) on SQLite and on PostgreSQL side by side. See bench/README.md.
#   bench/stores.sh
#   BENCH_DURATION=30s bench/stores.sh
#   SAFAR_BIN=path/to/safar bench/stores.sh      (skip the release build)
#   BENCH_STORES=postgresql bench/stores.sh      (one store only)
set -eu
cd "$(dirname "$0")/.."

need=""
command -v wrk >/dev/null 2>&1 || need="$need wrk"
command -v python3 >/dev/null 2>&1 || need="$need python3"
if [ -n "$need" ]; then
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	echo "installing:$need" >&2
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
# PostgreSQL (the server, for the throw-away cluster) comes with the test deps.
scripts/install-deps.sh --test

if [ -z "${SAFAR_BIN:-}" ]; then
	cmake --preset release >/dev/null
	cmake --build --preset release --target safar >/dev/null
	SAFAR_BIN=build/release/safar
	export SAFAR_BIN
fi
exec python3 bench/stores.py
