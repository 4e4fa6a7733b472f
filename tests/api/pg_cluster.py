"""A throw-away PostgreSQL cluster for the tests, and a minimal client.

Cluster: initdb in a temporary directory, the server on a free loopback
port with its unix socket in that directory, trust authentication, a login
role `safar` that may create databases; stop() removes everything. As root
the server runs as the `postgres` user (PostgreSQL refuses to run as root).

    python3 tests/api/pg_cluster.py run -- COMMAND ARGS...

starts a cluster (unless SAFAR_PG_URL is set already: then it just runs
COMMAND), runs COMMAND with SAFAR_PG_URL (a URL for the role
`safar` on the database `postgres`, for creating test databases) and
SAFAR_PG_CLUSTER (its directory) in the environment, stops the cluster
whatever happens, and exits with COMMAND's status. scripts/pg-test-cluster.sh
wraps it and installs PostgreSQL first.

PgConnection speaks just enough of the PostgreSQL wire protocol (version 3,
trust authentication, simple queries, text results) for the tests to create
databases and look at rows: Python's standard library has no client.
"""

import glob
import os
import pwd
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse

INT_OIDS = {20, 21, 23, 26}  # int8, int2, int4, oid
BOOL_OID = 16


class PgError(Exception):
    def __init__(self, fields):
        self.fields = fields
        self.sqlstate = fields.get("C")
        super().__init__("%s: %s (SQLSTATE %s)" % (fields.get("S", "ERROR"), fields.get("M"),
                                                  self.sqlstate))


def quote(v):
    """An SQL literal for a Python value (the tests' own values only)."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def bind(sql, params):
    """Replaces each ? outside quotes with the next parameter as a literal."""
    if not params:
        return sql
    out, i, n, it = [], 0, len(sql), iter(params)
    while i < n:
        c = sql[i]
        if c == "'":
            j = sql.index("'", i + 1) + 1
            out.append(sql[i:j])
            i = j
            continue
        out.append(quote(next(it)) if c == "?" else c)
        i += 1
    return "".join(out)


class PgConnection:
    """One connection; query() returns a list of row tuples (ints for
    integer columns, None for NULL, str for the rest)."""

    def __init__(self, url, timeout=30):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname or "127.0.0.1", u.port or 5432),
                                             timeout=timeout)
        self.buf = b""
        user = urllib.parse.unquote(u.username or "postgres")
        dbname = urllib.parse.unquote(u.path.lstrip("/") or user)
        body = struct.pack("!i", 196608)
        for k, v in (("user", user), ("database", dbname), ("client_encoding", "UTF8")):
            body += k.encode() + b"\0" + v.encode() + b"\0"
        body += b"\0"
        self.sock.sendall(struct.pack("!i", len(body) + 4) + body)
        while True:
            t, data = self._read()
            if t == b"R":
                (code,) = struct.unpack("!i", data[:4])
                if code != 0:
                    raise RuntimeError("the test cluster must use trust authentication "
                                       "(server asked for method %d)" % code)
            elif t == b"E":
                raise PgError(self._fields(data))
            elif t == b"Z":
                break

    def _recv(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("PostgreSQL closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def _read(self):
        head = self._recv(5)
        (length,) = struct.unpack("!i", head[1:5])
        return head[:1], self._recv(length - 4)

    @staticmethod
    def _fields(data):
        out = {}
        for part in data.split(b"\0"):
            if part:
                out[chr(part[0])] = part[1:].decode("utf-8", "replace")
        return out

    def query(self, sql, params=()):
        """Runs sql (simple protocol); rows of the last statement that
        returned any. Raises PgError on an error."""
        sql = bind(sql, params)
        data = sql.encode("utf-8") + b"\0"
        self.sock.sendall(b"Q" + struct.pack("!i", len(data) + 4) + data)
        rows, oids, error, self.rowcount = [], [], None, -1
        while True:
            t, data = self._read()
            if t == b"T":
                (n,) = struct.unpack("!h", data[:2])
                pos, oids, rows = 2, [], []
                for _ in range(n):
                    end = data.index(b"\0", pos)
                    pos = end + 1
                    oids.append(struct.unpack("!i", data[pos + 6:pos + 10])[0])
                    pos += 18
            elif t == b"D":
                (n,) = struct.unpack("!h", data[:2])
                pos, row = 2, []
                for k in range(n):
                    (ln,) = struct.unpack("!i", data[pos:pos + 4])
                    pos += 4
                    if ln < 0:
                        row.append(None)
                        continue
                    v = data[pos:pos + ln].decode("utf-8")
                    pos += ln
                    if oids[k] in INT_OIDS:
                        v = int(v)
                    elif oids[k] == BOOL_OID:
                        v = v == "t"
                    row.append(v)
                rows.append(tuple(row))
            elif t == b"C":
                tag = data.rstrip(b"\0").decode()
                m = re.search(r" (\d+)$", tag)
                self.rowcount = int(m.group(1)) if m else -1
            elif t == b"E":
                error = PgError(self._fields(data))
            elif t == b"Z":
                break
        if error:
            raise error
        return rows

    def close(self):
        if self.sock:
            try:
                self.sock.sendall(b"X" + struct.pack("!i", 4))
            except OSError:
                pass
            self.sock.close()
            self.sock = None

    def __del__(self):
        self.close()


def pg_bindir():
    """Where initdb and pg_ctl are (Debian keeps them out of PATH)."""
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                    key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0,
                    reverse=True):
        if os.access(os.path.join(d, "initdb"), os.X_OK):
            return d
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(os.path.realpath(initdb))
    raise RuntimeError("PostgreSQL's initdb not found: run scripts/install-deps.sh --test "
                       "(Debian packages postgresql, libpq-dev)")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# For tests: nothing survives a crash, and nothing needs to.
TEST_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


class Cluster:
    def __init__(self, settings=TEST_SETTINGS):
        """settings: extra postgres -c options (see TEST_SETTINGS)."""
        self.settings = settings
        self.bindir = pg_bindir()
        self.dir = tempfile.mkdtemp(prefix="safar-pg-")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "postgres.log")
        self.port = None
        self.runas = None
        if os.geteuid() == 0:
            for name in ("postgres", "nobody"):
                try:
                    pw = pwd.getpwnam(name)
                except KeyError:
                    continue
                self.runas = name
                os.chown(self.dir, pw.pw_uid, pw.pw_gid)
                break
            if not self.runas:
                raise RuntimeError("running as root and no `postgres` user to run "
                                   "PostgreSQL as")

    def _run(self, *args, check=True):
        cmd = [os.path.join(self.bindir, args[0])] + list(args[1:])
        if self.runas:
            cmd = ["runuser", "-u", self.runas, "--"] + cmd
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=self.dir)
        if check and p.returncode != 0:
            raise RuntimeError("%s failed (%d):\n%s%s\n%s" % (
                " ".join(cmd), p.returncode, p.stdout, p.stderr, self.read_log()))
        return p

    def read_log(self):
        try:
            with open(self.log, encoding="utf-8", errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def init(self):
        self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        return self

    def server_start(self):
        """Starts the server (on the port it had, or a free one)."""
        for attempt in range(5):
            port = self.port or free_port()
            opts = ("-c listen_addresses=127.0.0.1 -p %d -c unix_socket_directories=%s "
                    "-c max_connections=300 %s" % (port, self.dir, self.settings))
            p = self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60",
                          "-o", opts, "start", check=False)
            if p.returncode == 0:
                self.port = port
                return self
            if self.port:  # restarting on its own port: do not wander off
                time.sleep(0.5)
                continue
        raise RuntimeError("PostgreSQL did not start:\n%s%s\n%s" % (p.stdout, p.stderr,
                                                                   self.read_log()))

    def server_stop(self, mode="fast"):
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop", check=False)

    def start(self):
        self.init()
        self.server_start()
        c = PgConnection(self.admin_url)
        c.query("CREATE ROLE safar LOGIN CREATEDB")
        c.close()
        return self

    @property
    def admin_url(self):
        return "postgresql://postgres@127.0.0.1:%d/postgres" % self.port

    @property
    def url(self):
        """For the login role safar, on the maintenance database."""
        return "postgresql://safar@127.0.0.1:%d/postgres" % self.port

    def stop(self):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self.server_stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def with_database(maintenance_url, name):
    """The URL of database `name` on the server of maintenance_url."""
    u = urllib.parse.urlparse(maintenance_url)
    return urllib.parse.urlunparse(u._replace(path="/" + name))


def main(argv):
    if len(argv) < 3 or argv[1] != "run" or "--" not in argv:
        sys.stderr.write("usage: pg_cluster.py run -- COMMAND [ARGS...]\n")
        return 2
    cmd = argv[argv.index("--") + 1:]
    if not cmd:
        sys.stderr.write("pg_cluster.py: no command given\n")
        return 2
    if os.environ.get("SAFAR_PG_URL"):  # a cluster is already there: use it
        return subprocess.call(cmd)
    t0 = time.monotonic()
    cluster = Cluster()
    # SIGTERM / SIGINT stop the cluster too: finally below runs.
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    try:
        cluster.start()
        sys.stderr.write("PostgreSQL test cluster on 127.0.0.1:%d (%s), ready in %.1f s\n" % (
            cluster.port, cluster.dir, time.monotonic() - t0))
        env = dict(os.environ, SAFAR_PG_URL=cluster.url, SAFAR_PG_CLUSTER=cluster.dir)
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 130
    finally:
        cluster.stop()
        sys.stderr.write("PostgreSQL test cluster stopped and removed\n")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
