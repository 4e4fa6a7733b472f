#!/bin/sh
# Runs a command beside a throw-away PostgreSQL cluster: installs PostgreSQL
# from Debian's packages if missing, starts a cluster on loopback (initdb in
# a temporary directory, a free port, the unix socket in that directory; as
# root the server runs as the `postgres` user), runs the command with
# SAFAR_PG_URL set (role `safar`, may create databases), then stops the
# cluster and removes it, pass or fail. Exits with the command's status.
#   scripts/pg-test-cluster.sh ctest --preset debug -L pg
#   scripts/pg-test-cluster.sh sh -c 'SAFAR_TEST_DB=postgres python3 tests/api/test_cases.py'
# (scripts/test.sh does the same for the whole suite.)
set -eu
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
	echo "usage: scripts/pg-test-cluster.sh COMMAND [ARGS...]" >&2
	exit 2
fi
scripts/install-deps.sh --test
exec python3 tests/api/pg_cluster.py run -- "$@"
