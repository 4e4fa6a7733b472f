#!/bin/sh
# Name matching and bulk import, measured beside PostgreSQL 15 pg_trgm,
# SQLite FTS5 (trigram tokenizer) and `sqlite3 .import`, on the same
# synthetic registry and queries. See bench/README.md.
#   bench/match_bench.sh                 N=2000, 50 queries per kind
#   bench/match_bench.sh 1000000         the full run (by hand)
#   BENCH_QUERIES=300 BENCH_CLIENTS="1 8" bench/match_bench.sh 100000
#   BENCH_SMOKE=1 bench/match_bench.sh   CI: small, no PostgreSQL, no timing claims
#   SAFAR_BIN=path/to/safar              skip the release build
#   BENCH_DELTA=2000                     rows of the later list (default 1% of N)
#   BENCH_REF_QUERIES=40                 queries per kind for pg_trgm and FTS5
#   BENCH_PG=0                           without PostgreSQL; BENCH_KEEP=1 keeps the files
# It prints figures; it never fails on them (only when something breaks).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

n=${1:-${BENCH_N:-2000}}
per_kind=${BENCH_QUERIES:-50}
# the reference systems may be asked only the first K queries of each kind
# (slow at a million rows); safar is measured on those too, beside the full set
ref_kind=${BENCH_REF_QUERIES:-$per_kind}
clients=${BENCH_CLIENTS:-"1 8"}
smoke=${BENCH_SMOKE:-0}
with_pg=${BENCH_PG:-1}
[ "$smoke" = 1 ] && with_pg=0
seed=${BENCH_SEED:-1}

say() { echo "== $*" >&2; }

need=""
[ -x /usr/bin/time ] || need="$need time"
command -v sqlite3 >/dev/null 2>&1 || need="$need sqlite3"
command -v cc >/dev/null 2>&1 || need="$need gcc"
[ -f /usr/include/sqlite3.h ] || need="$need libsqlite3-dev"
if [ "$with_pg" = 1 ]; then
	[ -x /usr/lib/postgresql/15/bin/initdb ] || need="$need postgresql-15"
	[ -f /usr/share/postgresql/15/extension/pg_trgm.control ] || need="$need postgresql-contrib"
	[ -f /usr/include/postgresql/libpq-fe.h ] || need="$need libpq-dev"
fi
if [ -n "$need" ]; then
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	say "installing:$need"
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

if [ -n "${SAFAR_BIN:-}" ]; then
	safar=$SAFAR_BIN
else
	scripts/install-deps.sh
	cmake --preset release >/dev/null
	cmake --build --preset release --target safar >/dev/null
	safar=$root/build/release/safar
fi

tmp=$(mktemp -d /tmp/safar-match-bench.XXXXXX)
chmod 755 "$tmp"
data=$tmp/data
safar_pid=""
pg_started=""
cleanup() {
	[ -n "$safar_pid" ] && kill "$safar_pid" 2>/dev/null && wait "$safar_pid" 2>/dev/null
	if [ -n "$pg_started" ]; then
		runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$tmp/pg" -m immediate \
			stop >/dev/null 2>&1 || true
	fi
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the data ----
say "generating $n persons, $per_kind queries per kind"
python3 bench/match_gen.py --n "$n" --queries "$per_kind" --seed "$seed" \
	--delta "${BENCH_DELTA:-0}" --out "$data"
pg_inc=""
pg_lib=""
if [ "$with_pg" = 1 ]; then
	pg_inc="-DHAVE_LIBPQ -I/usr/include/postgresql"
	pg_lib="-lpq"
fi
# shellcheck disable=SC2086
cc -O2 -Wall -Wextra -Wno-unused-parameter $pg_inc -o "$tmp/match_load" bench/match_load.c \
	$pg_lib -lsqlite3 -lpthread

echo "Correct-Horse-Battery-Staple-42" >"$tmp/pw"
mb() { echo "$1" | awk '{printf "%.1f", $1 / 1024}'; }
# elapsed seconds and peak RSS (MB) from a /usr/bin/time -v log
elapsed() { awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0;
	for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$1"; }
peak() { mb "$(awk -F': ' '/Maximum resident set size/ {print $2}' "$1")"; }
note() { python3 bench/match_eval.py note "$data" "$@"; }
# Runs a command under /usr/bin/time -v (log $1) and samples its anonymous
# resident memory into $1.anon (max KiB): the RSS that time reports also
# counts the memory-mapped database file, which is page cache, not memory
# safar allocated.
timed() {
	log=$1
	shift
	/usr/bin/time -v -o "$log" "$@" &
	tpid=$!
	max=0
	while kill -0 "$tpid" 2>/dev/null; do
		for p in $(pgrep -P "$tpid" 2>/dev/null); do
			a=$(awk '/RssAnon/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
			[ -n "$a" ] && [ "$a" -gt "$max" ] && max=$a
		done
		sleep 0.2
	done
	echo "$max" >"$log.anon"
	wait "$tpid"
}
bytes=$(wc -c <"$data/persons.csv")

# ---- import ----
# The registry itself is imported with its match keys; the duplicate check
# (a search per row) is measured on the later list below, and on the
# registry too for small sizes or with BENCH_IMPORT_DUPS=1.
dups=${BENCH_IMPORT_DUPS:-}
[ -z "$dups" ] && { [ "$n" -le 20000 ] && dups=1 || dups=0; }
dupflag="--no-duplicates"
[ "$dups" = 1 ] && dupflag=""
say "safar import persons ($n rows, $(mb $((bytes / 1024))) MB${dupflag:+, $dupflag})"
"$safar" init --db "$tmp/safar.db" --password-file "$tmp/pw" >/dev/null
# shellcheck disable=SC2086
timed "$tmp/import.time" "$safar" import persons "$data/persons.csv" \
	--db "$tmp/safar.db" --office THR --report "$tmp/import-report.csv" $dupflag >"$tmp/import.out"
cat "$tmp/import.out" >&2
s=$(elapsed "$tmp/import.time")
note "safar import${dupflag:+ $dupflag}" "rows=$n" "seconds=$s" \
	"rows_per_s=$(echo "$n $s" | awk '{printf "%.0f", $1 / $2}')" \
	"user_s=$(awk -F': ' '/User time/ {print $2}' "$tmp/import.time")" \
	"peak_rss_mb=$(peak "$tmp/import.time")" "peak_anon_mb=$(mb "$(cat "$tmp/import.time.anon")")" \
	"duplicates_flagged=$(grep -c ',(duplicate),' "$tmp/import-report.csv" || true)" \
	"db_mb=$(mb $(($(wc -c <"$tmp/safar.db") / 1024)))"

say "sqlite3 .import of the same file into a bare table"
/usr/bin/time -v -o "$tmp/sqlite3.time" sqlite3 "$tmp/bare.db" \
	".mode csv" ".import '$data/persons.csv' bare" ".timer off"
s=$(elapsed "$tmp/sqlite3.time")
note "sqlite3 .import (bare table)" "rows=$n" "seconds=$s" \
	"rows_per_s=$(echo "$n $s" | awk '{printf "%.0f", $1 / ($2 > 0 ? $2 : 0.01)}')" \
	"peak_rss_mb=$(peak "$tmp/sqlite3.time")"

say "safar import of a later list against the registry (duplicates)"
nd=$(($(wc -l <"$data/delta.csv") - 1))
timed "$tmp/delta.time" "$safar" import persons "$data/delta.csv" \
	--db "$tmp/safar.db" --office THR --report "$tmp/delta-report.csv" >&2
s=$(elapsed "$tmp/delta.time")
note "safar import, duplicate check" "rows=$nd" "seconds=$s" \
	"rows_per_s=$(echo "$nd $s" | awk '{printf "%.0f", $1 / ($2 > 0 ? $2 : 0.01)}')" \
	"peak_rss_mb=$(peak "$tmp/delta.time")" "peak_anon_mb=$(mb "$(cat "$tmp/delta.time.anon")")"
python3 bench/match_eval.py dups "$data" "$tmp/delta-report.csv" "$tmp/safar.db" \
	"safar duplicates (delta import)"

# ---- search: safar over HTTP ----
# the delta rows are in the registry now too: that only adds homonyms
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token=$("$safar" token create --db "$tmp/safar.db" --user admin --name bench 2>/dev/null)
"$safar" serve --db "$tmp/safar.db" --listen "127.0.0.1:$port" --quiet 2>"$tmp/serve.log" &
safar_pid=$!
i=0
until curl -fs "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 ||
	python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/api/v1/health')" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 300 ] && { cat "$tmp/serve.log" >&2; exit 1; }
	sleep 0.1
done
# a warm-up pass over the name queries, not measured
python3 bench/match_eval.py queries "$data" safar name "$tmp/q-safar-warm.tsv"
"$tmp/match_load" http "127.0.0.1:$port" "$token" "$tmp/q-safar-warm.tsv" 2 "$tmp/r-warm.tsv"
for mode in name full; do
	python3 bench/match_eval.py queries "$data" safar "$mode" "$tmp/q-safar-$mode.tsv"
	for c in $clients; do
		"$tmp/match_load" http "127.0.0.1:$port" "$token" "$tmp/q-safar-$mode.tsv" "$c" \
			"$tmp/r-safar-$mode-$c.tsv"
		python3 bench/match_eval.py score "$data" "$tmp/r-safar-$mode-$c.tsv" \
			"safar $mode, $c client(s)" --mode "$mode"
	done
	if [ "$ref_kind" != "$per_kind" ]; then
		python3 bench/match_eval.py queries "$data" safar "$mode" "$tmp/q-safar-$mode-sub.tsv" \
			--per-kind "$ref_kind"
		"$tmp/match_load" http "127.0.0.1:$port" "$token" "$tmp/q-safar-$mode-sub.tsv" 1 \
			"$tmp/r-safar-$mode-sub.tsv"
		python3 bench/match_eval.py score "$data" "$tmp/r-safar-$mode-sub.tsv" \
			"safar $mode, 1 client, subset" --mode "$mode"
	fi
done
# candidate recall: the 200 best candidates, whatever their rank
python3 bench/match_eval.py queries "$data" safar name "$tmp/q-safar-cand.tsv" --limit 200
"$tmp/match_load" http "127.0.0.1:$port" "$token" "$tmp/q-safar-cand.tsv" 1 "$tmp/r-safar-cand.tsv"
python3 bench/match_eval.py score "$data" "$tmp/r-safar-cand.tsv" "safar name, limit 200 (candidates)" \
	--mode name
rss=$(awk '/VmRSS/ {print $2}' "/proc/$safar_pid/status")
note "safar serve after the queries" "rss_mb=$(mb "$rss")"
kill "$safar_pid"
wait "$safar_pid" 2>/dev/null || true
safar_pid=""

# ---- SQLite FTS5 trigram ----
say "SQLite FTS5 (trigram) index"
s=$(python3 bench/match_eval.py fts-load "$data" "$tmp/fts.db")
note "sqlite fts5 trigram build" "seconds=$s"
for mode in name full; do
	python3 bench/match_eval.py queries "$data" fts "$mode" "$tmp/q-fts-$mode.tsv" \
		--per-kind "$ref_kind"
	for c in $clients; do
		"$tmp/match_load" fts "$tmp/fts.db" "$mode" "$tmp/q-fts-$mode.tsv" "$c" \
			"$tmp/r-fts-$mode-$c.tsv"
		python3 bench/match_eval.py score "$data" "$tmp/r-fts-$mode-$c.tsv" \
			"sqlite fts5 trigram $mode, $c client(s)" --mode "$mode"
	done
done

# ---- PostgreSQL 15 pg_trgm ----
if [ "$with_pg" = 1 ]; then
	say "PostgreSQL 15 with pg_trgm (a throw-away cluster run as user postgres)"
	pgbin=/usr/lib/postgresql/15/bin
	mkdir -p "$tmp/pg" "$tmp/pgsock"
	chown postgres "$tmp/pg" "$tmp/pgsock"
	runuser -u postgres -- "$pgbin/initdb" -D "$tmp/pg" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
	pgport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	runuser -u postgres -- "$pgbin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg/log" -w -o \
		"-p $pgport -k $tmp/pgsock -c listen_addresses='' -c shared_buffers=2GB -c work_mem=64MB -c maintenance_work_mem=2GB -c fsync=off -c synchronous_commit=off -c max_connections=40" \
		start >/dev/null
	pg_started=1
	conninfo="host=$tmp/pgsock port=$pgport dbname=postgres user=postgres"
	python3 bench/match_eval.py pg-rows "$data" "$tmp/pg-rows.csv"
	chmod 644 "$tmp/pg-rows.csv"
	psql -q -X -v ON_ERROR_STOP=1 "$conninfo" <<-EOF
		CREATE EXTENSION pg_trgm;
		CREATE TABLE persons (id bigint PRIMARY KEY, name_lat text, name_fa text,
			father_lat text, father_fa text, birth_year int);
	EOF
	t0=$(date +%s.%N)
	psql -q -X -v ON_ERROR_STOP=1 "$conninfo" -c "\\copy persons FROM '$tmp/pg-rows.csv' CSV"
	t1=$(date +%s.%N)
	psql -q -X -v ON_ERROR_STOP=1 "$conninfo" <<-EOF
		CREATE INDEX persons_lat_trgm ON persons USING gin (name_lat gin_trgm_ops);
		CREATE INDEX persons_fa_trgm ON persons USING gin (name_fa gin_trgm_ops);
		ANALYZE persons;
	EOF
	t2=$(date +%s.%N)
	note "postgresql copy + gin indexes" "copy_seconds=$(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}')" \
		"index_seconds=$(echo "$t1 $t2" | awk '{printf "%.1f", $2 - $1}')"
	for mode in name full; do
		python3 bench/match_eval.py queries "$data" pg "$mode" "$tmp/q-pg-$mode.tsv" \
			--per-kind "$ref_kind"
		for c in $clients; do
			"$tmp/match_load" pg "$conninfo" "$mode" "$tmp/q-pg-$mode.tsv" "$c" \
				"$tmp/r-pg-$mode-$c.tsv"
			python3 bench/match_eval.py score "$data" "$tmp/r-pg-$mode-$c.tsv" \
				"postgresql pg_trgm $mode, $c client(s)" --mode "$mode"
		done
	done
fi

say "summary (N=$n, $per_kind queries per kind (references: $ref_kind), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
python3 bench/match_eval.py summary "$data"
