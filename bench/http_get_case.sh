#!/bin/sh
# GET /api/v1/cases/{id} with a bearer token under wrk, beside nginx serving
# a static file of the same size in the same run; then safar's resident
# memory. See bench/README.md.
#   bench/http_get_case.sh
#   BENCH_DURATION=30s BENCH_CONNECTIONS=64 BENCH_THREADS=2 bench/http_get_case.sh
#   SAFAR_BIN=path/to/safar bench/http_get_case.sh   (skip the release build)
set -eu
cd "$(dirname "$0")/.."

duration=${BENCH_DURATION:-10s}
threads=${BENCH_THREADS:-2}
conns=${BENCH_CONNECTIONS:-64}

need=""
command -v wrk >/dev/null 2>&1 || need="$need wrk"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need="$need nginx"
command -v curl >/dev/null 2>&1 || need="$need curl"
command -v python3 >/dev/null 2>&1 || need="$need python3"
if [ -n "$need" ]; then
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	echo "installing:$need" >&2
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [ -n "${SAFAR_BIN:-}" ]; then
	safar=$SAFAR_BIN
else
	scripts/install-deps.sh
	cmake --preset release >/dev/null
	cmake --build --preset release --target safar >/dev/null
	safar=build/release/safar
fi

tmp=$(mktemp -d /tmp/safar-bench.XXXXXX)
chmod 755 "$tmp" # nginx workers (user nobody) read the static file
safar_pid=""
nginx_pid=""
cleanup() {
	[ -n "$safar_pid" ] && kill "$safar_pid" 2>/dev/null && wait "$safar_pid" 2>/dev/null
	[ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_http() { # url
	i=0
	until curl -fs -o /dev/null "$1"; do
		i=$((i + 1))
		if [ $i -gt 500 ]; then
			echo "no answer from $1" >&2
			exit 1
		fi
		sleep 0.01
	done
}

# --- safar: a database with one family's case, a token, the server ---------
db=$tmp/safar.db
printf 'Herat-Mashhad-Road-1405' >"$tmp/pw"
"$safar" init --db "$db" --password-file "$tmp/pw" >/dev/null
"$safar" user add --db "$db" --username bench --display-name "Bench Caseworker" \
	--role caseworker --office THR --password-file "$tmp/pw" >/dev/null
token=$("$safar" token create --db "$db" --user bench --name bench 2>/dev/null | tail -n 1)

sport=$(free_port)
"$safar" serve --db "$db" --listen "127.0.0.1:$sport" --quiet 2>"$tmp/safar.log" &
safar_pid=$!
wait_http "http://127.0.0.1:$sport/api/v1/health"

api() { # method path [json]
	curl -fsS -X "$1" -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
		${3:+--data "$3"} "http://127.0.0.1:$sport/api/v1$2"
}
id_of() { python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'; }

p1=$(api POST /persons '{"given_name": "Ahmad", "family_name": "Ahmadi", "father_name": "Karim",
	"given_name_native": "احمد", "family_name_native": "احمدی", "sex": "M",
	"birth_date": "1984-05-02", "nationality": "AFG", "phone": "+989121234567",
	"province_of_residence": "IR-23", "province_of_origin": "AF-HER",
	"documents": [{"type": "amayesh", "number": "AM-55501234"}]}' | id_of)
p2=$(api POST /persons '{"given_name": "Zahra", "family_name": "Ahmadi", "sex": "F",
	"given_name_native": "زهرا", "birth_date": "1988-03-21"}' | id_of)
case_id=$(api POST /cases "{\"program\": \"AVRR\", \"principal_person_id\": $p1,
	\"members\": [{\"person_id\": $p2, \"relationship\": \"spouse\"}],
	\"destination_country\": \"AFG\"}" | id_of)
api POST "/cases/$case_id/transitions" '{"to": "counselling", "version": 1}' >/dev/null
case_url="http://127.0.0.1:$sport/api/v1/cases/$case_id"
api GET "/cases/$case_id" >"$tmp/case.json"
size=$(wc -c <"$tmp/case.json")

# --- nginx: a static file of the same bytes --------------------------------
mkdir -p "$tmp/www"
chmod 755 "$tmp/www"
cp "$tmp/case.json" "$tmp/www/case.json"
chmod 644 "$tmp/www/case.json"
nport=$(free_port)
cat >"$tmp/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	default_type application/json;
	keepalive_requests 1000000;
	client_body_temp_path $tmp/nginx-body;
	proxy_temp_path $tmp/nginx-proxy;
	fastcgi_temp_path $tmp/nginx-fastcgi;
	uwsgi_temp_path $tmp/nginx-uwsgi;
	scgi_temp_path $tmp/nginx-scgi;
	server {
		listen 127.0.0.1:$nport;
		root $tmp/www;
	}
}
CONF
"$NGINX" -p "$tmp" -c "$tmp/nginx.conf" 2>"$tmp/nginx.log" &
nginx_pid=$!
nginx_url="http://127.0.0.1:$nport/case.json"
wait_http "$nginx_url"

# --- the run -----------------------------------------------------------------
run_wrk() { # label url [header]
	if [ -n "${3:-}" ]; then
		wrk -t"$threads" -c"$conns" -d2s -H "$3" "$2" >/dev/null # warm-up
		wrk -t"$threads" -c"$conns" -d"$duration" -H "$3" "$2" >"$tmp/wrk-$1.txt"
	else
		wrk -t"$threads" -c"$conns" -d2s "$2" >/dev/null
		wrk -t"$threads" -c"$conns" -d"$duration" "$2" >"$tmp/wrk-$1.txt"
	fi
	if grep -q "Non-2xx" "$tmp/wrk-$1.txt"; then
		echo "warning: $1 answered errors:" >&2
		grep "Non-2xx" "$tmp/wrk-$1.txt" >&2
	fi
	awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk-$1.txt"
}

echo "GET /api/v1/cases/$case_id ($size bytes), wrk -t$threads -c$conns -d$duration, $(nproc) CPUs"
safar_rps=$(run_wrk safar "$case_url" "Authorization: Bearer $token")
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$safar_pid/status")
nginx_rps=$(run_wrk nginx "$nginx_url")

python3 - "$safar_rps" "$nginx_rps" "$rss_kb" <<'PY'
import sys
safar, nginx, rss_kb = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
ratio = safar / nginx if nginx else 0.0
rss = rss_kb / 1024.0
print("safar  requests/s: %10.0f" % safar)
print("nginx  requests/s: %10.0f   (static file of the same size)" % nginx)
print("ratio safar/nginx: %10.2f   (aim: at least 0.50)%s" % (ratio, "" if ratio >= 0.5 else "  BELOW AIM"))
print("safar RSS after  : %10.1f MB (aim: at most 30 MB)%s" % (rss, "" if rss <= 30 else "  ABOVE AIM"))
PY
