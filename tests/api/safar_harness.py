"""Test harness for Safar's HTTP API (Python 3 standard library only).

Every tests/api/test_*.py file starts one `safar serve` against a fresh
database for all its tests (see ApiTestCase):

    SAFAR_BIN=build/debug/safar python3 tests/api/test_persons.py

The server's database holds the admin from `safar init` and three users
(USERS below) with API tokens; tests sign in with `login()` (cookie + CSRF)
or use bearer tokens (`server.client("cw_thr")`). `server.snapshot()` reads
the database directly so a test can check that a refused request changed
nothing.

The store: SQLite files by default; with SAFAR_TEST_DB=postgres each Server
gets a new PostgreSQL database (CREATE DATABASE, dropped at cleanup) on the
cluster of SAFAR_PG_URL (scripts/pg-test-cluster.sh provides one), or, when
that is unset, on a private throw-away cluster this process starts.
`server.query()` and `server.execute()` take SQLite-style ? parameters on
both stores.
"""

import datetime
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pg_cluster  # noqa: E402

# "sqlite" (default) or "postgres"
STORE = os.environ.get("SAFAR_TEST_DB", "sqlite")
if STORE not in ("sqlite", "postgres"):
    raise SystemExit("SAFAR_TEST_DB must be sqlite or postgres, not %r" % STORE)

PASSWORD = "Correct-Horse-Battery-Staple-42"
API = "/api/v1"

# name -> (roles, offices, display name)
USERS = {
    "cw_thr": ("caseworker", "THR", "Maryam Rahimi"),
    "cw_mhd": ("caseworker", "MHD", "Reza Karimi"),
    "sup_thr": ("supervisor", "THR", "Farid Hosseini"),
}

# Tables whose rows change on every request (last_seen_at, last_used_at):
# only their row counts are compared, not their contents.
VOLATILE_TABLES = {"sessions", "api_tokens"}

# Tables that record access rather than data (sign-in throttling, the end of
# the audit hash chain), left out of snapshots; and audit entries about
# access (sign-ins, refusals, reads of a file), which a refused request
# rightly leaves: only the other audit entries count as a change.
ACCESS_TABLES = {"login_failures", "audit_head"}
ACCESS_AUDIT = "action NOT LIKE 'auth.%' AND action NOT LIKE '%.read'"

PROBLEM_JSON = "application/problem+json"


def find_binary():
    """The safar binary: $SAFAR_BIN, else the first build that has one."""
    path = os.environ.get("SAFAR_BIN")
    if path:
        return os.path.abspath(path)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for sub in ("build/debug", "build/asan", "build/release", "build"):
        cand = os.path.join(root, sub, "safar")
        if os.access(cand, os.X_OK):
            return cand
    raise RuntimeError("safar binary not found: set SAFAR_BIN=path/to/safar")


_private_cluster = None


def pg_maintenance_url():
    """SAFAR_PG_URL, or a private cluster started on first use and stopped
    when this process exits."""
    global _private_cluster
    url = os.environ.get("SAFAR_PG_URL")
    if url:
        return url
    if _private_cluster is None:
        import atexit
        _private_cluster = pg_cluster.Cluster()
        atexit.register(_private_cluster.stop)
        _private_cluster.start()
    return _private_cluster.url


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def today():
    return datetime.datetime.now(datetime.timezone.utc).date()


def iso(d):
    return d.isoformat()


class Response:
    """What came back: status, headers (case-insensitive get), body bytes."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    def header_all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    @property
    def content_type(self):
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError as e:
            raise AssertionError("response is not JSON (%s): %r" % (e, self.body[:300]))

    def __repr__(self):
        return "<%d %s %s>" % (self.status, self.content_type, self.body[:400])


class Client:
    """One HTTP/1.1 keep-alive connection to the server, acting as one caller:
    a bearer token, a signed-in cookie session (with its CSRF token) or
    nobody."""

    def __init__(self, port, token=None):
        self.port = port
        self.token = token
        self.cookie = None  # "safar_session=..."
        self.csrf = None
        self.conn = None
        self.last_login = None

    def _connect(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def close(self):
        if self.conn:
            self.conn.close()
            self.conn = None

    def __del__(self):
        self.close()

    def request(self, method, path, body=None, raw=None, headers=None, csrf=True, auth=True):
        """body: a Python value sent as JSON; raw: bytes sent as they are.
        path without a leading /api/v1 gets it prepended."""
        if not path.startswith("/"):
            path = "/" + path
        if not path.startswith("/api/"):
            path = API + path
        hdrs = {}
        data = None
        if raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        if auth and self.token:
            hdrs["Authorization"] = "Bearer " + self.token
        if auth and self.cookie:
            hdrs["Cookie"] = self.cookie
            if csrf and self.csrf and method not in ("GET", "HEAD", "OPTIONS"):
                hdrs["X-CSRF-Token"] = self.csrf
        if headers:
            hdrs.update(headers)
        for attempt in (1, 2):
            if self.conn is None:
                self._connect()
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                r = self.conn.getresponse()
                payload = r.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection before it
                # read this request: nothing was processed, send it again.
                self.close()
                if attempt == 2:
                    raise
        resp = Response(r.status, r.getheaders(), payload)
        if (resp.header("Connection") or "").lower() == "close":
            self.close()
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def login(self, username, password=PASSWORD):
        """Signs in with a password; keeps the session cookie and the CSRF
        token for the following requests. Returns the response."""
        r = self.request("POST", "/auth/login", body={"username": username, "password": password})
        self.last_login = r
        if r.status == 200:
            for v in r.header_all("Set-Cookie"):
                first = v.split(";")[0].strip()
                if first.startswith("safar_session="):
                    self.cookie = first
            self.csrf = r.json.get("csrf_token")
        return r

    # JSON shortcuts that assert the expected status.
    def ok(self, method, path, body=None, status=200):
        r = self.request(method, path, body=body)
        if r.status != status:
            raise AssertionError("%s %s: expected %d, got %r" % (method, path, status, r))
        return r.json if r.body else None


class Server:
    """A fresh database (init + users + tokens) and `safar serve` on a free
    port. stop() sends SIGTERM and returns the exit status."""

    def __init__(self, users=USERS, keep=False, db=None, pg_url=None):
        """db: an existing database to serve (initialised by another
        Server); by default a new one is made and initialised. pg_url: the
        maintenance URL of the PostgreSQL cluster to make it on (default
        SAFAR_PG_URL or the private cluster)."""
        self.bin = find_binary()
        self.dir = tempfile.mkdtemp(prefix="safar-api-")
        self.kind = STORE
        self.pg = None
        self.pg_name = None
        self.pg_url = None
        if db:
            self.db = db
        elif STORE == "postgres":
            maintenance = self.pg_url = pg_url or pg_maintenance_url()
            self.pg_name = "safar_test_" + uuid.uuid4().hex[:12]
            admin = pg_cluster.PgConnection(maintenance)
            admin.query('CREATE DATABASE "%s"' % self.pg_name)
            admin.close()
            self.db = pg_cluster.with_database(maintenance, self.pg_name)
        else:
            self.db = os.path.join(self.dir, "safar.db")
        self.pwfile = os.path.join(self.dir, "password")
        with open(self.pwfile, "w") as f:
            f.write(PASSWORD)
        self.tokens = {}
        self.user_ids = {}
        self.proc = None
        self.port = None
        self.ready_ms = None
        self.keep = keep or os.environ.get("SAFAR_KEEP_TMP") == "1"
        self.users = dict(users)
        if db:
            return
        self.cli("init", "--db", self.db, "--password-file", self.pwfile)
        for name, (roles, offices, display) in self.users.items():
            self.add_user(name, roles, offices, display)
        for name in ["admin"] + list(self.users):
            self.tokens[name] = self.create_token(name)

    # --- command line -----------------------------------------------------

    def cli(self, *args, check=True, stdin=None):
        """Runs `safar ARGS`; returns the CompletedProcess (text)."""
        p = subprocess.run([self.bin] + list(args), capture_output=True, text=True,
                           input=stdin, timeout=120)
        if check and p.returncode != 0:
            raise AssertionError("safar %s exited %d\nstdout: %s\nstderr: %s" % (
                " ".join(args), p.returncode, p.stdout, p.stderr))
        return p

    def add_user(self, name, roles, offices=None, display=None):
        args = ["user", "add", "--db", self.db, "--username", name, "--role", roles,
                "--password-file", self.pwfile]
        if offices:
            args += ["--office", offices]
        if display:
            args += ["--display-name", display]
        self.cli(*args)

    def create_token(self, user):
        p = self.cli("token", "create", "--db", self.db, "--user", user, "--name", "api-tests")
        words = p.stdout.split()
        if not words:
            raise AssertionError("safar token create printed no token")
        return words[-1]

    # --- the server -------------------------------------------------------

    def start(self, extra_args=()):
        for attempt in range(3):
            self.port = free_port()
            self.stderr_path = os.path.join(self.dir, "serve.stderr")
            self.stderr = open(self.stderr_path, "wb")
            t0 = time.monotonic()
            self.proc = subprocess.Popen(
                [self.bin, "serve", "--db", self.db, "--listen", "127.0.0.1:%d" % self.port,
                 "--quiet"] + list(extra_args),
                stdout=subprocess.DEVNULL, stderr=self.stderr)
            if self._wait_ready(t0):
                return self
            rc = self.proc.wait(timeout=10) if self.proc.poll() is not None else None
            log = self.read_stderr()
            if rc is not None and attempt < 2 and ("in use" in log.lower() or "bind" in log.lower()):
                continue  # lost the race for the port: try another one
            self._kill()
            raise AssertionError("safar serve did not become ready (exit %r)\n%s" % (rc, log))
        raise AssertionError("could not start safar serve")

    def _wait_ready(self, t0, deadline_s=30.0):
        while time.monotonic() - t0 < deadline_s:
            if self.proc.poll() is not None:
                return False
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", API + "/health")
                r = c.getresponse()
                r.read()
                c.close()
                if r.status == 200:
                    self.ready_ms = (time.monotonic() - t0) * 1000.0
                    return True
            except OSError:
                pass
            time.sleep(0.005)
        return False

    def read_stderr(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Stops the server with sig; returns its exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._kill()
            rc = "did not stop within %ds" % timeout
        self.stderr.close()
        return rc

    def _kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def cleanup(self):
        self._kill()
        if self.pg:
            self.pg.close()
            self.pg = None
        if self.pg_name and not self.keep:
            try:
                admin = pg_cluster.PgConnection(self.pg_url or pg_maintenance_url())
                admin.query('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % self.pg_name)
                admin.close()
            except (OSError, pg_cluster.PgError) as e:
                sys.stderr.write("could not drop test database %s: %s\n" % (self.pg_name, e))
            self.pg_name = None
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    # --- callers ----------------------------------------------------------

    def client(self, user=None):
        """A bearer-token client for user ("admin", "cw_thr", ...), or an
        anonymous one with user None."""
        return Client(self.port, self.tokens[user] if user else None)

    def login(self, user, password=PASSWORD):
        c = Client(self.port)
        r = c.login(user, password)
        if r.status != 200:
            raise AssertionError("login %s: %r" % (user, r))
        return c

    # --- the database, read directly --------------------------------------

    def _pg(self):
        if self.pg is None:
            self.pg = pg_cluster.PgConnection(self.db)
        return self.pg

    def query(self, sql, params=()):
        """Read-only query against the live database (WAL allows it)."""
        if self.kind == "postgres":
            if sql.strip().upper() == "PRAGMA INTEGRITY_CHECK":
                # No such check on a server database: that it answers and
                # holds its tables is what can be said.
                n = self._pg().query("SELECT count(*) FROM schema_migrations")[0][0]
                return [("ok",)] if n > 0 else [("no schema",)]
            return self._pg().query(sql, params)
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=10)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def execute(self, sql, params=()):
        """Writes to the live database behind the server's back: only for
        tests that need time to pass (ageing a session)."""
        if self.kind == "postgres":
            c = self._pg()
            c.query(sql, params)
            return c.rowcount
        con = sqlite3.connect(self.db, timeout=10)
        try:
            with con:
                return con.execute(sql, params).rowcount
        finally:
            con.close()

    def snapshot(self):
        """Row count and content digest of every table (only the count for
        VOLATILE_TABLES): equal snapshots mean nothing was written."""
        if self.kind == "postgres":
            return self._pg_snapshot()
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=10)
        try:
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            snap = {}
            for t in tables:
                if t in ACCESS_TABLES:
                    continue
                where = " WHERE " + ACCESS_AUDIT if t == "audit_log" else ""
                # sorted here: WITHOUT ROWID tables have no rowid to order by
                rows = sorted(con.execute('SELECT * FROM "%s"%s' % (t, where)).fetchall(), key=repr)
                if t in VOLATILE_TABLES:
                    snap[t] = (len(rows),)
                else:
                    snap[t] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
            return snap
        finally:
            con.close()


    def _pg_snapshot(self):
        c = self._pg()
        tables = [r[0] for r in c.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")]
        snap = {}
        for t in tables:
            if t in ACCESS_TABLES:
                continue
            where = " WHERE " + ACCESS_AUDIT if t == "audit_log" else ""
            rows = sorted(c.query('SELECT * FROM "%s"%s' % (t, where)), key=repr)
            if t in VOLATILE_TABLES:
                snap[t] = (len(rows),)
            else:
                snap[t] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return snap


def snapshot_diff(before, after):
    out = []
    for t in sorted(set(before) | set(after)):
        b, a = before.get(t), after.get(t)
        if b != a:
            out.append("%s: %s rows -> %s rows%s" % (
                t, b[0] if b else "-", a[0] if a else "-",
                " (contents changed)" if a and b and a[0] == b[0] else ""))
    return out


class ApiTestCase(unittest.TestCase):
    """One server for every test of the class (started in setUpClass,
    stopped with SIGTERM in tearDownClass, which checks exit status 0)."""

    server = None
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        try:
            cls.server.start()
        except BaseException:
            cls.server.cleanup()
            raise
        sys.stderr.write("[%s] safar serve ready in %.0f ms\n" % (cls.__name__, cls.server.ready_ms))
        cls.anon = cls.server.client()
        cls.admin = cls.server.client("admin")
        cls.cw = cls.server.client("cw_thr")
        cls.cw_mhd = cls.server.client("cw_mhd")
        cls.sup = cls.server.client("sup_thr")

    @classmethod
    def tearDownClass(cls):
        srv = cls.server
        if srv is None:
            return
        for c in (cls.anon, cls.admin, cls.cw, cls.cw_mhd, cls.sup):
            c.close()
        rc = srv.stop()
        log = srv.read_stderr()
        srv.cleanup()
        if rc != 0:
            raise AssertionError("safar serve exited %r after SIGTERM (expected 0)\n%s" % (rc, log))

    # --- assertions about what a user sees --------------------------------

    def assertStatus(self, r, status, msg=None):
        if r.status != status:
            self.fail("expected HTTP %d, got %r%s" % (status, r, " (%s)" % msg if msg else ""))

    def assertProblem(self, r, status, field=None, message=None, msg=None):
        """r is an RFC 9457 problem with this status; when field is given, one
        of its errors names that field (exactly, or as a prefix ending in
        '.' or '['); message: a substring of that error's message (or of
        title/detail when no field). Returns the problem object."""
        self.assertStatus(r, status, msg)
        self.assertEqual(r.content_type, PROBLEM_JSON, "Content-Type of %r" % r)
        p = r.json
        self.assertIsInstance(p, dict)
        self.assertEqual(p.get("status"), status, "problem status member: %r" % p)
        self.assertIsInstance(p.get("title"), str, "problem title: %r" % p)
        self.assertTrue(p["title"], "problem title is empty: %r" % p)
        if "type" in p:
            self.assertIsInstance(p["type"], str)
        errors = p.get("errors")
        if errors is not None:
            self.assertIsInstance(errors, list)
            for e in errors:
                self.assertIsInstance(e.get("field"), str, "error without field: %r" % p)
                self.assertIsInstance(e.get("message"), str, "error without message: %r" % p)
                self.assertTrue(e["message"], "error with empty message: %r" % p)
        if field is not None:
            named = [e for e in (errors or []) if field_matches(e["field"], field)]
            if not named:
                self.fail("no error names field %r in %r" % (field, p))
            if message is not None:
                if not any(message in e["message"] for e in named):
                    self.fail("no error for %r says %r: %r" % (field, message, p))
        elif message is not None:
            text = " ".join([p.get("title") or "", p.get("detail") or ""] +
                            [e["message"] for e in errors or []])
            self.assertIn(message, text, "problem %r" % p)
        return p

    def assertUnchanged(self, before, what=""):
        after = self.server.snapshot()
        diff = snapshot_diff(before, after)
        if diff:
            self.fail("the database changed%s: %s" % (" after " + what if what else "",
                                                      "; ".join(diff)))

    # --- data builders ----------------------------------------------------

    def new_person(self, client=None, **fields):
        body = {"given_name": "Ahmad", "family_name": "Ahmadi", "sex": "M"}
        body.update(fields)
        r = (client or self.cw).post("/persons", body)
        if r.status != 201:
            self.fail("creating person %r: %r" % (body, r))
        return r.json


def field_matches(actual, wanted):
    return actual == wanted or actual.startswith(wanted + ".") or actual.startswith(wanted + "[")


def main():
    unittest.main(verbosity=int(os.environ.get("SAFAR_TEST_VERBOSITY", "2")))
