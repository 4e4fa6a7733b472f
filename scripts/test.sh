#!/bin/sh
# The whole test suite: installs what is missing, builds and runs every test
# (cmocka unit tests, the API tests against a real `safar serve`, the web
# app's node tests and its browser test in headless chromium) in the
# debug build, then again under AddressSanitizer + UndefinedBehaviorSanitizer,
# and checks the formatting of the C sources. Exits non-zero on any failure.
# Each ctest run happens inside a throw-away PostgreSQL cluster
# (tests/api/pg_cluster.py, stopped afterwards pass or fail), so the store
# tests and the API suite run on SQLite and on PostgreSQL (labels: pg).
#   scripts/test.sh                 everything
#   SAFAR_TEST_PRESETS=debug scripts/test.sh   only the debug build
#   SAFAR_TEST_PG=0 scripts/test.sh            SQLite only (ctest -LE pg)
#   scripts/test.sh -R api          extra arguments go to ctest
set -eu
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test

# The browser tests' playwright-core (tests/browser/package-lock.json); they
# fail rather than skip when it or chromium is missing.
if [ ! -d tests/browser/node_modules/playwright-core ]; then
	echo "== npm ci in tests/browser" >&2
	(cd tests/browser && npm ci --no-audit --no-fund)
fi
export SAFAR_BROWSER_TESTS_REQUIRED=1

jobs=$(nproc 2>/dev/null || echo 2)
presets=${SAFAR_TEST_PRESETS:-debug asan}
failed=""

# Sanitizers: leaks count as failures, the first error stops the program.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

for preset in $presets; do
	echo "== $preset: configure and build" >&2
	if ! { cmake --preset "$preset" >/dev/null && cmake --build --preset "$preset"; }; then
		failed="$failed $preset-build"
		continue
	fi
	echo "== $preset: tests" >&2
	# ctest prints a line per test and the summary ("100% tests passed, 0
	# tests failed out of N", then the failed tests' names).
	if [ "${SAFAR_TEST_PG:-1}" = 0 ]; then
		ctest_ok=true
		ctest --preset "$preset" --parallel "$jobs" -LE pg "$@" || ctest_ok=false
	else
		ctest_ok=true
		python3 tests/api/pg_cluster.py run -- \
			ctest --preset "$preset" --parallel "$jobs" "$@" || ctest_ok=false
	fi
	if ! $ctest_ok; then
		failed="$failed $preset-tests"
	fi
done

if command -v clang-format >/dev/null 2>&1; then
	echo "== clang-format" >&2
	files=$(find src tests bench -name '*.[ch]' | sort)
	# shellcheck disable=SC2086
	if [ -n "$files" ] && ! clang-format --dry-run --Werror $files; then
		echo "formatting differs: run clang-format -i on the files above" >&2
		failed="$failed format"
	fi
else
	echo "== clang-format not installed: formatting not checked" >&2
fi

if [ -n "$failed" ]; then
	echo "FAILED:$failed" >&2
	exit 1
fi
echo "all tests passed" >&2
