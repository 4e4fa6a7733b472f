"""Several `safar serve` processes on one PostgreSQL database, and a
PostgreSQL restart under a running server (issue 4). PostgreSQL only: on
SQLite (the default run) every test is skipped.

These tests use a private throw-away cluster (pg_cluster.Cluster), since one
of them stops and starts the server, which must not disturb the other test
files sharing the suite's cluster.
"""

import datetime
import os
import re
import subprocess
import threading
import time
import unittest

import pg_cluster
from safar_harness import STORE, Client, Server, main

MIGRATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src",
                          "store", "migrations", "postgres")


def migration_numbers():
    """The numbers of the PostgreSQL migrations in the source tree."""
    return sorted(int(m.group(1)) for m in
                  (re.match(r"(\d{4})_.*\.sql$", n) for n in os.listdir(MIGRATIONS)) if m)


needs_postgres = unittest.skipUnless(STORE == "postgres",
                                     "PostgreSQL only (SAFAR_TEST_DB=postgres)")


def in_threads(fns):
    """Runs each fn in its own thread, all released at once; their results."""
    barrier = threading.Barrier(len(fns))
    results = [None] * len(fns)
    errors = []

    def run(i, fn):
        try:
            barrier.wait(10)
            results[i] = fn()
        except BaseException as e:  # reported below, not lost in the thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    if errors:
        raise errors[0]
    return results


class ServerPair:
    """Two servers, one database on a private cluster."""

    def __init__(self):
        self.cluster = pg_cluster.Cluster().start()
        self.a = self.b = None
        try:
            self.a = Server(pg_url=self.cluster.url)
            self.b = Server(users=self.a.users, db=self.a.db)
            self.b.tokens = dict(self.a.tokens)
            self.a.start()
            self.b.start()
        except BaseException:
            self.close()
            raise

    def close(self):
        rcs = []
        for s in (self.b, self.a):
            if s:
                if s.proc:
                    rcs.append((s.stop(), s.read_stderr()))
                s.cleanup()
        self.cluster.stop()
        return rcs


@needs_postgres
class TwoServersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pair = ServerPair()
        cls.a, cls.b = cls.pair.a, cls.pair.b

    @classmethod
    def tearDownClass(cls):
        for rc, log in cls.pair.close():
            if rc != 0:
                raise AssertionError("safar serve exited %r after SIGTERM\n%s" % (rc, log))

    def person(self, client, **kw):
        body = {"given_name": "Ahmad", "family_name": "Ahmadi", "sex": "M"}
        body.update(kw)
        r = client.post("/persons", body)
        self.assertEqual(r.status, 201, r)
        return r.json

    def test_a_session_made_on_one_server_works_on_the_other(self):
        on_a = self.a.login("cw_thr")
        on_b = Client(self.b.port)
        on_b.cookie, on_b.csrf = on_a.cookie, on_a.csrf
        r = on_b.get("/me")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["username"], "cw_thr")
        # a write with the CSRF token of the sign-in on the other server
        r = on_b.post("/persons", {"given_name": "Zahra", "sex": "F"})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(on_a.get("/persons/%d" % r.json["id"]).status, 200)
        # signing out on one ends the session on both
        self.assertEqual(on_b.post("/auth/logout").status, 204)
        self.assertEqual(on_a.get("/me").status, 401)
        on_a.close()
        on_b.close()

    def test_conflicting_updates_through_two_servers_one_wins(self):
        ca, cb = self.a.client("cw_thr"), self.b.client("cw_thr")
        p = self.person(ca)
        r = ca.post("/cases", {"program": "AVRR", "principal_person_id": p["id"]})
        self.assertEqual(r.status, 201, r)
        case = r.json
        for round_ in range(10):
            v = ca.get("/cases/%d" % case["id"]).json["version"]
            patch = lambda c, prio: (lambda: c.patch("/cases/%d" % case["id"],
                                                     {"version": v, "priority": prio}))
            ra, rb = in_threads([patch(ca, "high"), patch(cb, "urgent")])
            statuses = sorted([ra.status, rb.status])
            self.assertEqual(statuses, [200, 409], "round %d: %r %r" % (round_, ra, rb))
            winner, loser = (ra, rb) if ra.status == 200 else (rb, ra)
            self.assertEqual(winner.json["version"], v + 1)
            self.assertEqual(loser.json.get("current_version"), v + 1, loser)
            now = ca.get("/cases/%d" % case["id"]).json
            self.assertEqual(now["version"], v + 1)
            self.assertEqual(now["priority"], winner.json["priority"])
        # transitions race the same way
        v = ca.get("/cases/%d" % case["id"]).json["version"]
        go = lambda c: (lambda: c.post("/cases/%d/transitions" % case["id"],
                                       {"to": "counselling", "version": v}))
        ra, rb = in_threads([go(ca), go(cb)])
        self.assertEqual(sorted([ra.status, rb.status]), [200, 409], (ra, rb))
        history = ca.get("/cases/%d" % case["id"]).json["history"]
        self.assertEqual([h["to"] for h in history], ["registered", "counselling"])
        ca.close()
        cb.close()

    def test_cases_created_at_once_through_both_servers_get_gapless_refs(self):
        setup = self.a.client("cw_thr")
        people = [self.person(setup, given_name="Person%s" % chr(65 + i)) for i in range(8)]
        setup.close()
        per_thread, threads = 25, 8  # 200 cases, 4 threads on each server

        def worker(i):
            srv = self.a if i % 2 == 0 else self.b
            c = srv.client("cw_thr")

            def run():
                out = []
                for _ in range(per_thread):
                    r = c.post("/cases", {"program": "MOVEMENT",
                                          "principal_person_id": people[i]["id"]})
                    if r.status != 201:
                        raise AssertionError("creating a case: %r" % r)
                    out.append(r.json["ref"])
                c.close()
                return out
            return run

        refs = [ref for refs in in_threads([worker(i) for i in range(threads)]) for ref in refs]
        self.assertEqual(len(refs), 200)
        self.assertEqual(len(set(refs)), 200, "refs are distinct")
        year = datetime.datetime.now(datetime.timezone.utc).year
        prefix = "MOVEMENT-THR-%d-" % year
        self.assertTrue(all(r.startswith(prefix) for r in refs), refs[:3])
        numbers = sorted(int(r[len(prefix):]) for r in refs)
        self.assertEqual(numbers, list(range(1, 201)), "numbers 1..200, no gap")


@needs_postgres
class StartTest(unittest.TestCase):
    """init refuses an initialised database; an unreachable PostgreSQL is a
    clear error at start."""

    def test_init_refuses_an_initialised_database(self):
        srv = Server(users={})
        try:
            p = srv.cli("init", "--db", srv.db, "--password-file", srv.pwfile, check=False)
            self.assertEqual(p.returncode, 1, p)
            self.assertIn("already holds a Safar database", p.stderr)
            self.assertEqual(p.stdout, "")
            self.assertEqual(srv.query("SELECT count(*) FROM users")[0][0], 1)
            # migrate and the other commands work on it
            p = srv.cli("migrate", "--db", srv.db)
            self.assertIn("schema", p.stdout + p.stderr)
        finally:
            srv.cleanup()

    def test_servers_starting_at_once_migrate_once(self):
        """Each server migrates at start; several at once take turns."""
        cluster = pg_cluster.Cluster().start()
        try:
            admin = pg_cluster.PgConnection(cluster.url)
            admin.query("CREATE DATABASE fresh")
            admin.close()
            url = pg_cluster.with_database(cluster.url, "fresh")
            srv = Server(users={}, db=url)
            procs = [subprocess.Popen([srv.bin, "migrate", "--db", url], text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                     for _ in range(4)]
            outs = [p.communicate(timeout=60) for p in procs]
            self.assertEqual([p.returncode for p in procs], [0] * 4, outs)
            applied_all = "applied %d migrations" % len(migration_numbers())
            self.assertEqual(sum(applied_all in o + e for o, e in outs), 1, outs)
            c = pg_cluster.PgConnection(url)
            self.assertEqual(c.query("SELECT version FROM schema_migrations ORDER BY 1"),
                             [(n,) for n in migration_numbers()])
            c.close()
            srv.cleanup()
        finally:
            cluster.stop()

    def test_an_unreachable_server_is_a_clear_error(self):
        url = "postgresql://safar:Pa55word@127.0.0.1:%d/safar" % pg_cluster.free_port()
        srv = Server(users={}, db=url)
        try:
            port = str(pg_cluster.free_port())
            for args in (("serve", "--db", url, "--listen", "127.0.0.1:" + port),
                         ("migrate", "--db", url), ("user", "list", "--db", url),
                         ("init", "--db", url, "--password-file", srv.pwfile)):
                t0 = time.monotonic()
                p = srv.cli(*args, check=False)
                self.assertEqual(p.returncode, 1, (args, p))
                self.assertLess(time.monotonic() - t0, 10, args)
                self.assertIn("cannot connect to PostgreSQL at postgresql://safar:***@127.0.0.1",
                              p.stderr, args)
                self.assertIn("Connection refused", p.stderr, args)
                self.assertNotIn("Pa55word", p.stderr + p.stdout, args)
        finally:
            srv.cleanup()


@needs_postgres
class RestartTest(unittest.TestCase):
    """PostgreSQL stops and starts again under running servers."""

    def test_requests_fail_with_503_while_down_and_work_after(self):
        pair = ServerPair()
        try:
            ca, cb = pair.a.client("cw_thr"), pair.b.client("cw_thr")
            for c in (ca, cb):
                self.assertEqual(c.get("/me").status, 200)
                self.assertEqual(c.post("/persons", {"given_name": "Before",
                                                     "sex": "F"}).status, 201)
            session = pair.a.login("sup_thr")
            pids = (pair.a.proc.pid, pair.b.proc.pid)

            pair.cluster.server_stop("fast")
            for c in (ca, cb, session):
                for method, path, body in (("GET", "/me", None),
                                           ("GET", "/persons?limit=5", None),
                                           ("POST", "/persons", {"given_name": "During",
                                                                 "sex": "M"}),
                                           ("GET", "/health", None)):
                    r = c.request(method, path, body=body)
                    self.assertEqual(r.status, 503, "%s %s while down: %r" % (method, path, r))
                    self.assertEqual(r.content_type, "application/problem+json")
                    self.assertTrue(r.header("Retry-After"), r.headers)
                    if path != "/health":
                        self.assertIn("database", r.json["detail"], r)
            # a new sign-in is refused cleanly too
            r = Client(pair.a.port).login("cw_thr")
            self.assertEqual(r.status, 503, r)

            pair.cluster.server_start()
            deadline = time.monotonic() + 30
            statuses = []
            while time.monotonic() < deadline:
                statuses = [c.get("/me").status for c in (ca, cb, session)]
                if statuses == [200, 200, 200]:
                    break
                time.sleep(0.2)
            self.assertEqual(statuses, [200, 200, 200], "answers again after the restart")
            for c in (ca, cb):
                for _ in range(6):  # several requests: every worker thread reconnects
                    r = c.post("/persons", {"given_name": "After", "sex": "F"})
                    self.assertEqual(r.status, 201, r)
            self.assertEqual(Client(pair.b.port).login("cw_thr").status, 200)
            self.assertEqual(session.post("/persons", {"given_name": "Again",
                                                       "sex": "M"}).status, 201)
            # the same processes all along
            self.assertEqual((pair.a.proc.pid, pair.b.proc.pid), pids)
            self.assertIsNone(pair.a.proc.poll())
            self.assertIsNone(pair.b.proc.poll())
            n = pair.a.query("SELECT count(*) FROM persons WHERE given_name = 'During'")[0][0]
            self.assertEqual(n, 0, "nothing was written while the database was down")
            for c in (ca, cb, session):
                c.close()
        finally:
            for rc, log in pair.close():
                self.assertEqual(rc, 0, log)


if __name__ == "__main__":
    main()
