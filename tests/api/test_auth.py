"""Signing in: passwords, cookie sessions with CSRF, bearer tokens, /me,
logout, and a clean shutdown on SIGTERM / SIGINT."""

import os
import signal
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safar_harness import (PASSWORD, ApiTestCase, Client, Server, main)  # noqa: E402

WRONG = "wrong user name or password"
CSRF = "missing or wrong CSRF token"


class AuthTest(ApiTestCase):

    def test_health_is_public(self):
        r = self.anon.get("/health")
        self.assertStatus(r, 200)
        self.assertEqual(r.content_type, "application/json")

    def test_login_wrong_password_is_401(self):
        c = Client(self.server.port)
        r = c.login("cw_thr", "not-the-password")
        self.assertProblem(r, 401, message=WRONG)
        self.assertEqual(r.header_all("Set-Cookie"), [], "no cookie for a failed login")

    def test_login_unknown_user_and_disabled_user_say_the_same(self):
        self.server.add_user("leaver", "caseworker", "THR", "Left The Office")
        c = Client(self.server.port)
        self.assertStatus(c.login("leaver"), 200)
        self.server.cli("user", "disable", "--db", self.server.db, "--username", "leaver")
        wrong = Client(self.server.port).login("cw_thr", "bad password")
        unknown = Client(self.server.port).login("nobody-here", PASSWORD)
        disabled = Client(self.server.port).login("leaver", PASSWORD)
        for r in (wrong, unknown, disabled):
            self.assertProblem(r, 401, message=WRONG)
        # nobody can tell which of the three it was
        self.assertEqual(wrong.json.get("detail"), unknown.json.get("detail"))
        self.assertEqual(wrong.json.get("detail"), disabled.json.get("detail"))
        # and the session the disabled user had no longer works
        self.assertProblem(c.get("/me"), 401)

    def test_login_bad_bodies(self):
        c = Client(self.server.port)
        self.assertProblem(c.post("/auth/login", {"username": "cw_thr"}), 400, field="password")
        self.assertProblem(c.post("/auth/login", {"username": 7, "password": PASSWORD}), 400,
                           field="username")
        self.assertProblem(c.request("POST", "/auth/login", raw=b"{username"), 400)

    def test_login_sets_a_session_cookie_and_returns_csrf_token(self):
        c = Client(self.server.port)
        r = c.login("cw_thr")
        self.assertStatus(r, 200)
        body = r.json
        self.assertIsInstance(body.get("csrf_token"), str)
        self.assertGreaterEqual(len(body["csrf_token"]), 16)
        self.assertEqual(body["user"]["username"], "cw_thr")
        cookies = [v for v in r.header_all("Set-Cookie") if v.startswith("safar_session=")]
        self.assertEqual(len(cookies), 1, r.headers)
        attrs = [a.strip().lower() for a in cookies[0].split(";")]
        secret = attrs[0].split("=", 1)[1]
        self.assertGreaterEqual(len(secret), 20, "session secret too short")
        self.assertIn("httponly", attrs)
        self.assertIn("samesite=strict", attrs)
        self.assertIn("path=/", attrs)
        self.assertNotIn("secure", attrs, "plain HTTP on loopback: no Secure flag")
        # The cookie is enough for reading.
        me = c.get("/me")
        self.assertStatus(me, 200)
        self.assertEqual(me.json["username"], "cw_thr")
        # Only the SHA-256 of the secret is stored.
        rows = self.server.query("SELECT token_hash FROM sessions")
        self.assertTrue(rows)
        self.assertNotIn(secret, [r[0] for r in rows])

    def test_me_shape(self):
        for client, username, roles, offices, perms in (
                (self.cw, "cw_thr", ["caseworker"], ["THR"], {"person.write", "case.transition"}),
                (self.sup, "sup_thr", ["supervisor"], ["THR"], {"case.approve"}),
                (self.cw_mhd, "cw_mhd", ["caseworker"], ["MHD"], {"person.read"})):
            me = client.ok("GET", "/me")
            self.assertEqual(set(me) >= {"id", "username", "display_name", "roles", "permissions",
                                         "offices", "locale"}, True, me)
            self.assertIsInstance(me["id"], int)
            self.assertEqual(me["username"], username)
            self.assertEqual(me["roles"], roles)
            self.assertEqual(me["offices"], offices)
            self.assertTrue(perms <= set(me["permissions"]), me["permissions"])
            self.assertIsInstance(me["locale"], str)
        me = self.cw.ok("GET", "/me")
        self.assertEqual(me["display_name"], "Maryam Rahimi")
        self.assertNotIn("case.approve", me["permissions"])
        self.assertNotIn("office.manage", me["permissions"])
        admin = self.admin.ok("GET", "/me")
        self.assertEqual(admin["username"], "admin")
        self.assertIn("admin", admin["roles"])
        self.assertIn("office.manage", admin["permissions"])
        self.assertNotIn("password_hash", admin)

    def test_not_signed_in_is_401(self):
        for path in ("/me", "/persons", "/cases", "/workflows", "/offices"):
            self.assertProblem(self.anon.get(path), 401, msg=path)
        self.assertProblem(self.anon.post("/persons", {"given_name": "A", "sex": "F"}), 401)

    def test_bad_bearer_token_is_401(self):
        for token in ("nope", self.server.tokens["cw_thr"] + "x", ""):
            c = Client(self.server.port, token)
            self.assertProblem(c.get("/me"), 401, msg=token)
        r = self.anon.get("/me", headers={"Authorization": "Basic Y3dfdGhyOng="})
        self.assertProblem(r, 401)

    def test_bearer_token_needs_no_csrf(self):
        before = self.server.query("SELECT count(*) FROM persons")[0][0]
        r = self.cw.post("/persons", {"given_name": "Token", "sex": "F"})
        self.assertStatus(r, 201)
        self.assertEqual(self.server.query("SELECT count(*) FROM persons")[0][0], before + 1)

    def test_revoked_token_is_401(self):
        token = self.server.create_token("cw_mhd")
        c = Client(self.server.port, token)
        self.assertStatus(c.get("/me"), 200)
        tid = self.server.query("SELECT max(id) FROM api_tokens")[0][0]
        self.server.cli("token", "revoke", "--db", self.server.db, "--id", str(tid))
        self.assertProblem(c.get("/me"), 401)

    def test_cookie_post_needs_csrf_header(self):
        c = self.server.login("cw_thr")
        body = {"given_name": "Csrf", "family_name": "Check", "sex": "M"}
        before = self.server.snapshot()
        r = c.post("/persons", body, csrf=False)
        self.assertProblem(r, 403, message=CSRF)
        r = c.post("/persons", body, csrf=False, headers={"X-CSRF-Token": "0" * 32})
        self.assertProblem(r, 403, message=CSRF)
        r = c.patch("/persons/1", {"version": 1, "given_name": "X"}, csrf=False)
        self.assertProblem(r, 403, message=CSRF)
        self.assertUnchanged(before, "requests without the CSRF token")
        r = c.post("/persons", body)
        self.assertStatus(r, 201)
        self.assertEqual(r.json["given_name"], "Csrf")

    def test_csrf_token_of_another_session_is_refused(self):
        a = self.server.login("cw_thr")
        b = self.server.login("cw_thr")
        self.assertNotEqual(a.csrf, b.csrf)
        r = a.post("/persons", {"given_name": "Mixed", "sex": "F"}, csrf=False,
                   headers={"X-CSRF-Token": b.csrf})
        self.assertProblem(r, 403, message=CSRF)

    def test_logout_ends_the_session(self):
        c = self.server.login("sup_thr")
        self.assertStatus(c.get("/me"), 200)
        r = c.post("/auth/logout")
        self.assertStatus(r, 204)
        self.assertEqual(r.body, b"")
        cleared = [v for v in r.header_all("Set-Cookie") if v.startswith("safar_session=")]
        self.assertEqual(len(cleared), 1, "logout clears the cookie: %r" % r.headers)
        low = cleared[0].lower()
        self.assertTrue("max-age=0" in low or "expires=thu, 01 jan 1970" in low, cleared[0])
        # the old cookie is dead on the server side too
        self.assertProblem(c.get("/me"), 401)
        self.assertProblem(c.post("/persons", {"given_name": "Late", "sex": "M"}), 401)

    def session_id(self, client):
        rows = self.server.query("SELECT max(id) FROM sessions")
        return rows[0][0]

    def test_idle_session_expires_after_30_minutes(self):
        c = self.server.login("cw_mhd")
        sid = self.session_id(c)
        now = int(time.time())
        self.assertStatus(c.get("/me"), 200)
        self.server.execute("UPDATE sessions SET last_seen_at = ? WHERE id = ?",
                            (now - 29 * 60, sid))
        self.assertStatus(c.get("/me"), 200, "29 minutes idle: still signed in")
        self.server.execute("UPDATE sessions SET last_seen_at = ? WHERE id = ?",
                            (now - 31 * 60, sid))
        self.assertProblem(c.get("/me"), 401)

    def test_session_expires_12_hours_after_sign_in(self):
        c = self.server.login("cw_mhd")
        sid = self.session_id(c)
        rows = self.server.query("SELECT created_at, expires_at FROM sessions WHERE id = ?",
                                 (sid,))
        created, expires = rows[0]
        self.assertEqual(expires - created, 12 * 3600, "absolute expiry 12 h after sign-in")
        now = int(time.time())
        self.server.execute("UPDATE sessions SET created_at = ?, expires_at = ? WHERE id = ?",
                            (now - 12 * 3600 - 60, now - 60, sid))
        self.assertProblem(c.get("/me"), 401)

    def test_sessions_are_independent(self):
        a = self.server.login("cw_thr")
        b = self.server.login("cw_thr")
        self.assertStatus(a.post("/auth/logout"), 204)
        self.assertProblem(a.get("/me"), 401)
        self.assertStatus(b.get("/me"), 200)

    def test_password_change_from_cli_takes_effect(self):
        self.server.add_user("changer", "caseworker", "SHZ")
        newpw = os.path.join(self.server.dir, "newpw")
        with open(newpw, "w") as f:
            f.write("An0ther-Long-Passphrase!")
        self.server.cli("user", "passwd", "--db", self.server.db, "--username", "changer",
                        "--password-file", newpw)
        self.assertProblem(Client(self.server.port).login("changer"), 401, message=WRONG)
        self.assertStatus(Client(self.server.port).login("changer", "An0ther-Long-Passphrase!"),
                          200)

    def test_logins_do_not_stall_other_requests(self):
        """Password hashing (argon2id, ~100 ms) runs beside the other
        requests: reads keep being answered while logins are in progress."""
        done = []

        def logins():
            for _ in range(2):
                done.append(Client(self.server.port).login("cw_mhd").status)

        threads = [threading.Thread(target=logins) for _ in range(3)]
        for t in threads:
            t.start()
        reader = self.server.client("cw_thr")
        statuses = []
        while any(t.is_alive() for t in threads):
            statuses.append(reader.get("/me").status)
        for t in threads:
            t.join()
        reader.close()
        self.assertEqual(done, [200] * 6)
        self.assertTrue(statuses and all(s == 200 for s in statuses), statuses)

    def test_cli_user_list_shows_the_users(self):
        p = self.server.cli("user", "list", "--db", self.server.db)
        for name in ("admin", "cw_thr", "cw_mhd", "sup_thr"):
            self.assertIn(name, p.stdout)
        self.assertNotIn("argon2", p.stdout)


class ShutdownTest(unittest.TestCase):
    """SIGTERM and SIGINT let in-flight requests finish, then exit 0."""

    def run_shutdown(self, sig):
        srv = Server(users={})
        try:
            srv.start()
            # the server answers as soon as it listens; the line follows
            line = "listening on http://127.0.0.1:%d" % srv.port
            for _ in range(500):
                if line in srv.read_stderr():
                    break
                time.sleep(0.01)
            self.assertIn(line, srv.read_stderr())
            result = {}

            def slow_login():
                # argon2id makes a login take ~100 ms: still in flight when
                # the signal arrives.
                result["status"] = Client(srv.port).login("admin").status

            t = threading.Thread(target=slow_login)
            t.start()
            time.sleep(0.03)
            rc = srv.stop(sig)
            t.join(30)
            self.assertEqual(result.get("status"), 200, "the in-flight login was answered")
            self.assertEqual(rc, 0, srv.read_stderr())
            # the database was closed cleanly: it opens and checks fine
            self.assertEqual(srv.query("PRAGMA integrity_check"), [("ok",)])
            # and the server is gone
            with self.assertRaises(OSError):
                Client(srv.port).get("/health")
        finally:
            srv.cleanup()

    def test_sigterm(self):
        self.run_shutdown(signal.SIGTERM)

    def test_sigint(self):
        self.run_shutdown(signal.SIGINT)


if __name__ == "__main__":
    main()
