#!/usr/bin/env python3
"""SQLite and PostgreSQL side by side: the same safar binary, data and wrk
runs against each store. See bench/README.md; run through bench/stores.sh.

1. GET /api/v1/cases/{id} with a bearer token (wrk -t2 -c64, like
   bench/http_get_case.sh);
2. case transitions, 16 clients (wrk -t16 -c16 with bench/transitions.lua):
   each client moves its own 50 AVRR cases in turn between "withdrawn" and
   "counselling" with the version of the previous response, so every
   request is a version-checked UPDATE, a history row, an audit row and
   the whole case read back, in one transaction.

PostgreSQL is a throw-away cluster on loopback (tests/api/pg_cluster.py) on
the same machine, with synchronous_commit=off: like SQLite's WAL with
synchronous=NORMAL, a power cut may lose the last commits but never corrupts
(fsync stays on).
"""

import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "api"))
import pg_cluster  # noqa: E402

DURATION = os.environ.get("BENCH_DURATION", "10s")
GET_THREADS = int(os.environ.get("BENCH_THREADS", "2"))
GET_CONNS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
WRITERS = int(os.environ.get("BENCH_WRITERS", "16"))
CASES_PER_WRITER = int(os.environ.get("BENCH_CASES_PER_WRITER", "50"))
STORES = os.environ.get("BENCH_STORES", "sqlite postgresql").split()
PASSWORD = "Herat-Mashhad-Road-1405"


class Api:
    def __init__(self, port, token):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.token = token

    def call(self, method, path, body=None, want=(200, 201)):
        data = json.dumps(body).encode() if body is not None else None
        self.conn.request(method, "/api/v1" + path, body=data, headers={
            "Authorization": "Bearer " + self.token, "Content-Type": "application/json"})
        r = self.conn.getresponse()
        payload = r.read()
        if r.status not in want:
            raise RuntimeError("%s %s: %d %s" % (method, path, r.status, payload[:300]))
        return json.loads(payload) if payload else None


def run(*args, **kw):
    return subprocess.run(list(args), check=True, capture_output=True, text=True, **kw)


def wait_health(port, proc):
    for _ in range(1000):
        if proc.poll() is not None:
            raise RuntimeError("safar serve exited %d" % proc.returncode)
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/api/v1/health")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.01)
    raise RuntimeError("safar serve did not answer")


def wrk(args, env=None):
    """Runs wrk; (requests/s, average latency text, non-2xx count, output)."""
    p = subprocess.run(["wrk"] + args, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError("wrk failed: %s%s" % (p.stdout, p.stderr))
    out = p.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = re.search(r"Latency\s+(\S+)", out).group(1)
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, lat, int(m.group(1)) if m else 0, out


def bench_store(kind, safar, tmp, cluster):
    if kind == "sqlite":
        db = os.path.join(tmp, "bench.db")
    else:
        admin = pg_cluster.PgConnection(cluster.url)
        admin.query("CREATE DATABASE safar_bench")
        admin.close()
        db = pg_cluster.with_database(cluster.url, "safar_bench")
        if os.environ.get("BENCH_PG_TCP") != "1":
            # the unix socket, as on a server with PostgreSQL beside safar
            db = "postgresql://safar@/safar_bench?host=%s&port=%d" % (cluster.dir, cluster.port)
    pw = os.path.join(tmp, "pw")
    with open(pw, "w") as f:
        f.write(PASSWORD)
    run(safar, "init", "--db", db, "--password-file", pw)
    run(safar, "user", "add", "--db", db, "--username", "bench", "--display-name",
        "Bench Caseworker", "--role", "caseworker", "--office", "THR", "--password-file", pw)
    run(safar, "user", "add", "--db", db, "--username", "benchsup", "--display-name",
        "Bench Supervisor", "--role", "supervisor", "--office", "THR", "--password-file", pw)
    token = run(safar, "token", "create", "--db", db, "--user", "bench").stdout.split()[-1]
    sup = run(safar, "token", "create", "--db", db, "--user", "benchsup").stdout.split()[-1]

    port = pg_cluster.free_port()
    log = open(os.path.join(tmp, "safar-%s.log" % kind), "wb")
    extra = os.environ.get("BENCH_SERVE_ARGS", "").split()
    proc = subprocess.Popen([safar, "serve", "--db", db, "--listen", "127.0.0.1:%d" % port,
                             "--quiet"] + extra, stdout=subprocess.DEVNULL, stderr=log)
    result = {}
    try:
        wait_health(port, proc)
        api = Api(port, token)
        # the case of bench/http_get_case.sh
        p1 = api.call("POST", "/persons", {
            "given_name": "Ahmad", "family_name": "Ahmadi", "father_name": "Karim",
            "given_name_native": "احمد", "family_name_native": "احمدی", "sex": "M",
            "birth_date": "1984-05-02", "nationality": "AFG", "phone": "+989121234567",
            "province_of_residence": "IR-23", "province_of_origin": "AF-HER",
            "documents": [{"type": "amayesh", "number": "AM-55501234"}]})["id"]
        p2 = api.call("POST", "/persons", {"given_name": "Zahra", "family_name": "Ahmadi",
                                           "sex": "F", "given_name_native": "زهرا",
                                           "birth_date": "1988-03-21"})["id"]
        case = api.call("POST", "/cases", {
            "program": "AVRR", "principal_person_id": p1,
            "members": [{"person_id": p2, "relationship": "spouse"}],
            "destination_country": "AFG"})["id"]
        api.call("POST", "/cases/%d/transitions" % case, {"to": "counselling", "version": 1})
        # the cases the writers move
        principals = [api.call("POST", "/persons", {"given_name": "Writer",
                                                    "family_name": "N%d" % i,
                                                    "sex": "F"})["id"]
                      for i in range(WRITERS)]
        ids = [api.call("POST", "/cases", {"program": "AVRR",
                                          "principal_person_id": principals[i % WRITERS]})["id"]
               for i in range(WRITERS * CASES_PER_WRITER)]

        url = "http://127.0.0.1:%d/api/v1/cases/%d" % (port, case)
        hdr = "Authorization: Bearer " + token
        wrk(["-t%d" % GET_THREADS, "-c%d" % GET_CONNS, "-d2s", "-H", hdr, url])  # warm-up
        rps, lat, bad, _ = wrk(["-t%d" % GET_THREADS, "-c%d" % GET_CONNS, "-d" + DURATION,
                                "-H", hdr, url])
        result["get_rps"], result["get_lat"], result["get_bad"] = rps, lat, bad

        env = dict(os.environ, BENCH_TOKEN=sup, BENCH_CASES=",".join(map(str, ids)),
                   BENCH_PER_THREAD=str(CASES_PER_WRITER))
        rps, lat, bad, out = wrk(["-t%d" % WRITERS, "-c%d" % WRITERS, "-d" + DURATION,
                                  "-s", os.path.join(ROOT, "bench", "transitions.lua"),
                                  "http://127.0.0.1:%d" % port], env=env)
        ok = int(re.search(r"transitions_ok (\d+)", out).group(1))
        failed = int(re.search(r"transitions_failed (\d+)", out).group(1))
        secs = float(re.search(r"requests in ([\d.]+)s", out).group(1))
        result.update(tr_rps=ok / secs, tr_lat=lat, tr_ok=ok, tr_failed=failed)
        with open("/proc/%d/status" % proc.pid) as f:
            rss = re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)
        result["rss_mb"] = int(rss) / 1024.0
        # every transition left its history row
        check = Api(port, sup)
        hist = sum(len(check.call("GET", "/cases/%d" % i)["history"]) - 1 for i in ids)
        # wrk stops counting at the deadline: up to one answer per client
        # may have been sent but not counted
        result["history_ok"] = ok <= hist <= ok + WRITERS
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
    return result


def main():
    safar = os.environ.get("SAFAR_BIN") or os.path.join(ROOT, "build", "release", "safar")
    tmp = tempfile.mkdtemp(prefix="safar-bench-stores-")
    cluster = None
    results = {}
    try:
        if "postgresql" in STORES:
            cluster = pg_cluster.Cluster(settings="-c synchronous_commit=off").start()
        for kind in STORES:
            results[kind] = bench_store(kind, safar, tmp, cluster)
    finally:
        if cluster:
            cluster.stop()
        subprocess.run(["rm", "-rf", tmp])

    cols = STORES
    print("safar %s, %d CPUs, wrk %s per run" % (os.path.basename(safar), os.cpu_count(),
                                                  DURATION))
    print("%-44s" % "" + "".join("%14s" % c for c in cols))

    def row(label, fmt, key):
        print("%-44s" % label + "".join("%14s" % (fmt % results[c][key]) for c in cols))
    row("GET /cases/{id} (-t%d -c%d) requests/s" % (GET_THREADS, GET_CONNS), "%.0f", "get_rps")
    row("  average latency", "%s", "get_lat")
    row("  non-2xx answers", "%d", "get_bad")
    row("case transitions, %d clients: per second" % WRITERS, "%.0f", "tr_rps")
    row("  average latency", "%s", "tr_lat")
    row("  refused (should be 0)", "%d", "tr_failed")
    row("  every transition in the history", "%s", "history_ok")
    row("safar RSS after the runs (MB)", "%.1f", "rss_mb")


if __name__ == "__main__":
    main()
