#!/bin/sh
# Installs what is missing, builds Safar (release), creates ./data/safar.db on
# the first run (printing the admin's user name and password once, then
# adding demo data) and serves on http://127.0.0.1:8080.
#   scripts/start.sh                       as above
#   SAFAR_LISTEN=0.0.0.0:8080 scripts/start.sh   another address
#   scripts/start.sh --threads 4           extra flags go to `safar serve`
set -eu
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target safar
safar=build/release/safar
db=data/safar.db

if [ ! -e "$db" ]; then
	mkdir -p data
	echo "== first run: creating $db" >&2
	# Prints "admin user: admin" and "admin password: ..." (shown only now).
	"$safar" init --db "$db"
	echo "== adding demo data (synthetic families and cases)" >&2
	if ! "$safar" demo --db "$db"; then
		echo "demo data failed; remove $db and run this again" >&2
		exit 1
	fi
	echo "== open http://${SAFAR_LISTEN:-127.0.0.1:8080}/ in a browser and sign in as the admin above (the API: /api/v1, docs/api.md)" >&2
fi

exec "$safar" serve --db "$db" --listen "${SAFAR_LISTEN:-127.0.0.1:8080}" "$@"
