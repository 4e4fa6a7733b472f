"""Access: the users API and `safar user` rules, PATCH /me, the sign-in limit
(429 + Retry-After per user name and per client address), sessions and tokens
ended by a new password or by disabling, the hash-chained audit log (`safar
audit verify`, a row edited with the sqlite3 shell is caught), GET /audit
with its filters and the supervisor's office limit, the person access log,
and permission refusals in the audit.

The server runs with --trust-proxy, so each test that fails sign-ins comes
from its own X-Forwarded-For address and does not trip another's limit."""

import os
import re
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safar_harness import (PASSWORD, ApiTestCase, Client, Server, main)  # noqa: E402

WRONG = "wrong user name or password"
NEW_PASSWORD = "Saffron-Kite-River-2031"


class AddrClient(Client):
    """A client that says it comes from addr (through the trusted proxy)."""

    def __init__(self, port, addr, token=None):
        super().__init__(port, token)
        self.addr = addr

    def request(self, method, path, body=None, raw=None, headers=None, csrf=True, auth=True):
        h = {"X-Forwarded-For": self.addr}
        h.update(headers or {})
        return super().request(method, path, body=body, raw=raw, headers=h, csrf=csrf,
                               auth=auth)


class AccessTest(ApiTestCase):
    """One server (with --trust-proxy) for the tests of this class."""

    next_addr = [10]

    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        try:
            cls.server.start(["--trust-proxy"])
        except BaseException:
            cls.server.cleanup()
            raise
        cls.anon = cls.server.client()
        cls.admin = cls.server.client("admin")
        cls.cw = cls.server.client("cw_thr")
        cls.cw_mhd = cls.server.client("cw_mhd")
        cls.sup = cls.server.client("sup_thr")

    # --- helpers ------------------------------------------------------------

    def fresh_addr(self):
        AccessTest.next_addr[0] += 1
        n = AccessTest.next_addr[0]
        return "198.51.%d.%d" % (n // 250, n % 250 + 1)

    def login_from(self, addr, user, password=PASSWORD):
        c = AddrClient(self.server.port, addr)
        c.login(user, password)
        return c

    def new_user(self, name, roles=("caseworker",), offices=("THR",), password=PASSWORD):
        r = self.admin.post("/users", {"username": name, "display_name": name.title(),
                                       "password": password, "roles": list(roles),
                                       "offices": list(offices)})
        self.assertStatus(r, 201)
        return r.json

    def audit_rows(self, where, params=()):
        return self.server.query("SELECT id, user_id, client_addr, action, entity, entity_id, "
                                 "detail FROM audit_log WHERE " + where + " ORDER BY id", params)

    def user_id(self, name):
        return self.server.query("SELECT id FROM users WHERE username = ?", (name,))[0][0]

    # --- users API ------------------------------------------------------------

    def test_admin_creates_a_caseworker_with_offices(self):
        before = self.server.query("SELECT max(id) FROM audit_log")[0][0]
        r = self.admin.post("/users", {"username": "nasrin", "display_name": "Nasrin Sadeghi",
                                       "password": "Pomegranate-Lantern-88",
                                       "roles": ["caseworker"], "offices": ["THR", "MHD"]})
        self.assertStatus(r, 201)
        u = r.json
        self.assertEqual(r.header("Location"), "/api/v1/users/%d" % u["id"])
        self.assertEqual(u["username"], "nasrin")
        self.assertEqual(u["display_name"], "Nasrin Sadeghi")
        self.assertEqual(u["roles"], ["caseworker"])
        self.assertEqual(sorted(u["offices"]), ["MHD", "THR"])
        self.assertIs(u["disabled"], False)
        self.assertEqual((u["locale"], u["calendar"], u["version"]), ("en", "gregorian", 1))
        for key in ("created_at", "updated_at"):
            self.assertRegex(u[key], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertNotIn("password", u)
        self.assertNotIn("password_hash", u)
        self.assertEqual(self.admin.get("/users/%d" % u["id"]).json, u)
        # in the list, by id ascending, paged
        items, cursor = [], None
        while True:
            page = self.admin.get("/users?limit=2" + ("&cursor=" + cursor if cursor else ""))
            self.assertStatus(page, 200)
            items += page.json["items"]
            cursor = page.json["next_cursor"]
            if not cursor:
                break
        ids = [i["id"] for i in items]
        self.assertEqual(ids, sorted(ids))
        self.assertIn(u["id"], ids)
        # the new user signs in and sees their offices and permissions
        c = self.login_from(self.fresh_addr(), "nasrin", "Pomegranate-Lantern-88")
        self.assertStatus(c.last_login, 200)
        me = c.get("/me").json
        self.assertEqual(sorted(me["offices"]), ["MHD", "THR"])
        self.assertIn("person.write", me["permissions"])
        self.assertNotIn("user.manage", me["permissions"])
        # audited, without the password
        rows = self.audit_rows("id > ? AND action = 'user.create'", (before,))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][1], self.user_id("admin"))
        self.assertEqual(rows[0][4:6], ("user", u["id"]))
        self.assertIn("nasrin", rows[0][6])
        for row in self.server.query("SELECT detail FROM audit_log WHERE detail IS NOT NULL"):
            self.assertNotIn("Pomegranate", row[0])

    def test_caseworkers_and_supervisors_cannot_manage_users(self):
        body = {"username": "sneaky", "password": "Pomegranate-Lantern-88",
                "roles": ["admin"], "offices": ["THR"]}
        for client, name in ((self.cw, "cw_thr"), (self.sup, "sup_thr")):
            before = self.server.snapshot()
            self.assertProblem(client.post("/users", body), 403, message="user.manage")
            self.assertProblem(client.get("/users"), 403)
            self.assertProblem(client.get("/users/1"), 403)
            self.assertProblem(client.patch("/users/1", {"version": 1, "disabled": True}), 403)
            self.assertUnchanged(before, "%s managing users" % name)
            self.assertNotIn("user.manage", client.get("/me").json["permissions"])
        self.assertEqual(self.server.query("SELECT count(*) FROM users WHERE username = "
                                           "'sneaky'")[0][0], 0)
        self.assertProblem(self.anon.get("/users"), 401)

    def test_validation_errors_name_the_fields(self):
        good = {"username": "valid.user", "password": "Pomegranate-Lantern-88",
                "roles": ["caseworker"], "offices": ["THR"]}
        cases = [
            ({"username": "bad name!"}, "username", None),
            ({"username": ""}, "username", None),
            ({"username": "x" * 65}, "username", None),
            ({"username": 12}, "username", None),
            ({"username": "admin"}, "username", "already exists"),
            ({"password": "short1"}, "password", "12"),
            ({"password": "password1234"}, "password", "common"),
            ({"password": "Qwertyuiop123"}, "password", "common"),
            ({"password": "valid.user-rocks!"}, "password", "user name"),
            ({"password": None}, "password", "required"),
            ({"roles": ["caseworker", "wizard"]}, "roles[1]", "unknown role"),
            ({"roles": []}, "roles", None),
            ({"roles": "admin"}, "roles", None),
            ({"offices": ["THR", "XYZ"]}, "offices[1]", "no office with code"),
            ({"offices": [7]}, "offices[0]", None),
            ({"display_name": "x" * 101}, "display_name", None),
            ({"locale": "de"}, "locale", None),
            ({"calendar": "julian"}, "calendar", None),
            ({"is_admin": True}, "is_admin", None),
        ]
        before = self.server.snapshot()
        for change, field, message in cases:
            body = dict(good)
            body.update(change)
            if change.get("password", 0) is None:
                del body["password"]
            with self.subTest(change=change):
                self.assertProblem(self.admin.post("/users", body), 400, field=field,
                                   message=message)
        # several mistakes at once are listed together
        p = self.assertProblem(self.admin.post("/users", {"username": "?", "roles": ["x"],
                                                          "offices": ["ZZZ"]}), 400)
        fields = {e["field"] for e in p["errors"]}
        self.assertTrue({"username", "password", "roles[0]", "offices[0]"} <= fields, p)
        self.assertUnchanged(before, "invalid users")

    def test_patch_user_checks_the_version_and_audits_changes(self):
        u = self.new_user("patched", offices=("THR",))
        url = "/users/%d" % u["id"]
        r = self.admin.patch(url, {"version": 1, "display_name": "Patched Person",
                                   "roles": ["caseworker", "trainer"], "offices": ["MHD"],
                                   "calendar": "solar_hijri"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["version"], 2)
        self.assertEqual(r.json["roles"], ["caseworker", "trainer"])
        self.assertEqual(r.json["offices"], ["MHD"])
        self.assertEqual(r.json["calendar"], "solar_hijri")
        p = self.assertProblem(self.admin.patch(url, {"version": 1, "display_name": "Late"}),
                               409)
        self.assertEqual(p["current_version"], 2)
        self.assertProblem(self.admin.patch(url, {"display_name": "No version"}), 400,
                           field="version")
        r = self.admin.patch(url, {"display_name": "Via If-Match"}, headers={"If-Match": "2"})
        self.assertStatus(r, 200)
        self.assertProblem(self.admin.patch(url, {"version": 3, "roles": ["nobody"]}), 400,
                           field="roles[0]")
        self.assertProblem(self.admin.patch(url, {"version": 3, "password": "password2024"}),
                           400, field="password", message="common")
        self.assertProblem(self.admin.patch("/users/99999", {"version": 1}), 404)
        rows = self.audit_rows("action = 'user.update' AND entity_id = ?", (u["id"],))
        self.assertEqual(len(rows), 2)
        self.assertIn('"offices":{"before":["THR"],"after":["MHD"]}', rows[0][6])
        self.assertIn('"display_name":{"before":"Patched","after":"Patched Person"}',
                      rows[0][6])

    def test_an_admin_cannot_lock_themself_out(self):
        me = self.admin.get("/me").json
        u = self.admin.get("/users/%d" % me["id"]).json
        self.assertProblem(self.admin.patch("/users/%d" % me["id"],
                                            {"version": u["version"], "disabled": True}),
                           422, field="disabled")
        self.assertProblem(self.admin.patch("/users/%d" % me["id"],
                                            {"version": u["version"], "roles": ["supervisor"]}),
                           422, field="roles")
        self.assertEqual(self.admin.get("/me").json["roles"], ["admin"])

    def test_a_new_password_ends_every_session_and_token(self):
        u = self.new_user("rotated")
        addr = self.fresh_addr()
        browser = self.login_from(addr, "rotated")
        self.assertStatus(browser.get("/me"), 200)
        token = self.server.create_token("rotated")
        script = Client(self.server.port, token)
        self.assertStatus(script.get("/me"), 200)
        r = self.admin.patch("/users/%d" % u["id"], {"version": 1, "password": NEW_PASSWORD})
        self.assertStatus(r, 200)
        self.assertProblem(browser.get("/me"), 401)
        self.assertProblem(script.get("/me"), 401)
        self.assertProblem(self.login_from(addr, "rotated").last_login, 401, message=WRONG)
        self.assertStatus(self.login_from(addr, "rotated", NEW_PASSWORD).last_login, 200)
        rows = self.audit_rows("action = 'user.password' AND entity_id = ?", (u["id"],))
        self.assertEqual(len(rows), 1)
        self.assertNotIn(NEW_PASSWORD, rows[0][6])

    def test_disabling_ends_every_session_and_token(self):
        u = self.new_user("leaving")
        browser = self.login_from(self.fresh_addr(), "leaving")
        token = self.server.create_token("leaving")
        script = Client(self.server.port, token)
        self.assertStatus(script.get("/me"), 200)
        r = self.admin.patch("/users/%d" % u["id"], {"version": 1, "disabled": True})
        self.assertStatus(r, 200)
        self.assertIs(r.json["disabled"], True)
        self.assertProblem(browser.get("/me"), 401)
        self.assertProblem(script.get("/me"), 401)
        self.assertProblem(self.login_from(self.fresh_addr(), "leaving").last_login, 401,
                           message=WRONG)
        # enabled again: signs in, but the old token stays revoked
        r = self.admin.patch("/users/%d" % u["id"], {"version": 2, "disabled": False})
        self.assertStatus(r, 200)
        self.assertStatus(self.login_from(self.fresh_addr(), "leaving").last_login, 200)
        self.assertProblem(script.get("/me"), 401)
        actions = [row[3] for row in self.audit_rows("entity = 'user' AND entity_id = ?",
                                                     (u["id"],))]
        self.assertIn("user.disable", actions)
        self.assertIn("user.enable", actions)

    def test_the_cli_ends_sessions_and_tokens_too(self):
        self.new_user("clichange")
        browser = self.login_from(self.fresh_addr(), "clichange")
        script = Client(self.server.port, self.server.create_token("clichange"))
        pw = os.path.join(self.server.dir, "clichange.pw")
        with open(pw, "w") as f:
            f.write(NEW_PASSWORD)
        self.server.cli("user", "passwd", "--db", self.server.db, "--username", "clichange",
                        "--password-file", pw)
        self.assertProblem(browser.get("/me"), 401)
        self.assertProblem(script.get("/me"), 401)
        script = Client(self.server.port, self.server.create_token("clichange"))
        self.assertStatus(script.get("/me"), 200)
        self.server.cli("user", "disable", "--db", self.server.db, "--username", "clichange")
        self.assertProblem(script.get("/me"), 401)
        self.server.cli("user", "enable", "--db", self.server.db, "--username", "clichange")
        self.assertProblem(script.get("/me"), 401, msg="a revoked token stays revoked")

    def test_the_cli_takes_the_same_rules(self):
        pw = os.path.join(self.server.dir, "common.pw")
        with open(pw, "w") as f:
            f.write("iloveyou1234\n")
        p = self.server.cli("user", "add", "--db", self.server.db, "--username", "weak",
                            "--role", "caseworker", "--password-file", pw, check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("common", p.stderr)
        p = self.server.cli("user", "add", "--db", self.server.db, "--username", "bad name",
                            "--role", "caseworker", check=False)
        self.assertEqual(p.returncode, 2, p.stderr)
        p = self.server.cli("user", "add", "--db", self.server.db, "--username", "wiz",
                            "--role", "wizard", check=False)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("unknown role", p.stderr)
        p = self.server.cli("user", "add", "--db", self.server.db, "--username", "far",
                            "--role", "caseworker", "--office", "XYZ", check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("unknown office code", p.stderr)
        self.assertEqual(self.server.query("SELECT count(*) FROM users WHERE username IN "
                                           "('weak', 'bad name', 'wiz', 'far')")[0][0], 0)

    # --- /me ----------------------------------------------------------------

    def test_me_has_calendar_and_admins_every_office(self):
        me = self.admin.get("/me").json
        self.assertEqual(sorted(me["offices"]), ["ISF", "KRM", "MHD", "SHZ", "THR"])
        self.assertEqual((me["locale"], me["calendar"]), ("en", "gregorian"))
        self.assertIn("user.manage", me["permissions"])
        self.assertIn("audit.read", me["permissions"])
        me = self.cw.get("/me").json
        self.assertEqual(me["offices"], ["THR"])
        self.assertNotIn("audit.read", me["permissions"])
        self.assertIn("audit.read", self.sup.get("/me").json["permissions"])

    def test_patch_me_sets_locale_and_calendar(self):
        self.new_user("settings")
        c = self.login_from(self.fresh_addr(), "settings")
        self.assertProblem(c.patch("/me", {"locale": "fa"}, csrf=False), 403, message="CSRF")
        r = c.patch("/me", {"locale": "fa", "calendar": "solar_hijri"})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["locale"], r.json["calendar"]), ("fa", "solar_hijri"))
        self.assertEqual(c.get("/me").json["calendar"], "solar_hijri")
        self.assertProblem(c.patch("/me", {"locale": "de"}), 400, field="locale")
        self.assertProblem(c.patch("/me", {"calendar": "lunar"}), 400, field="calendar")
        self.assertProblem(c.patch("/me", {"roles": ["admin"]}), 400, field="roles")
        self.assertProblem(c.patch("/me", {"new_password": NEW_PASSWORD}), 400,
                           field="current_password")
        self.assertEqual(c.get("/me").json["roles"], ["caseworker"])

    def test_patch_me_changes_the_password(self):
        self.new_user("selfchange")
        addr = self.fresh_addr()
        a = self.login_from(addr, "selfchange")
        b = self.login_from(addr, "selfchange")
        script = Client(self.server.port, self.server.create_token("selfchange"))
        self.assertProblem(a.patch("/me", {"current_password": "not it at all",
                                           "new_password": NEW_PASSWORD}),
                           400, field="current_password")
        self.assertProblem(a.patch("/me", {"current_password": PASSWORD,
                                           "new_password": "selfchange-2026"}),
                           400, field="new_password", message="user name")
        self.assertProblem(a.patch("/me", {"current_password": PASSWORD,
                                           "new_password": "sunshine2024"}),
                           400, field="new_password", message="common")
        r = a.patch("/me", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
        self.assertStatus(r, 200)
        self.assertStatus(a.get("/me"), 200, "the session that changed it stays")
        self.assertProblem(b.get("/me"), 401)
        self.assertProblem(script.get("/me"), 401)
        self.assertStatus(self.login_from(addr, "selfchange", NEW_PASSWORD).last_login, 200)

    # --- the sign-in limit ----------------------------------------------------

    def test_five_failures_for_a_user_name_lock_it_with_429(self):
        self.new_user("target")
        # five failures from five addresses: only the name is counted
        for i in range(5):
            r = self.login_from(self.fresh_addr(), "target", "wrong-%d-password" % i).last_login
            self.assertProblem(r, 401, message=WRONG)
        failed_before = len(self.audit_rows("action = 'auth.login_failed'"))
        r = self.login_from(self.fresh_addr(), "target").last_login  # the right password
        p = self.assertProblem(r, 429)
        self.assertIn("try again", p["detail"])
        wait = int(r.header("Retry-After"))
        self.assertTrue(1 <= wait <= 30, wait)
        # refused without looking at the password: no session, no new failure
        self.assertEqual(r.header_all("Set-Cookie"), [])
        self.assertEqual(len(self.audit_rows("action = 'auth.login_failed'")), failed_before)
        # another user name is not affected
        self.assertStatus(self.login_from(self.fresh_addr(), "cw_mhd").last_login, 200)
        # after the wait (aged in the database) the right password works and
        # resets the count: the next failure is a plain 401 again
        self.server.execute("UPDATE login_failures SET at = at - 31 WHERE kind = 'user' AND "
                            "name = 'target'")
        self.assertStatus(self.login_from(self.fresh_addr(), "target").last_login, 200)
        self.assertEqual(self.server.query("SELECT count(*) FROM login_failures WHERE kind = "
                                           "'user' AND name = 'target'")[0][0], 0)
        self.assertProblem(self.login_from(self.fresh_addr(), "target", "nope-nope").last_login,
                           401)

    def test_the_wait_grows_with_each_failure(self):
        self.new_user("grower")
        for i in range(5):
            self.login_from(self.fresh_addr(), "grower", "bad-%d" % i)
        self.server.execute("UPDATE login_failures SET at = at - 31 WHERE name = 'grower'")
        # the sixth attempt is checked (and fails): now the wait is 60 s
        self.assertProblem(self.login_from(self.fresh_addr(), "grower", "bad-6").last_login, 401)
        r = self.login_from(self.fresh_addr(), "grower").last_login
        self.assertProblem(r, 429)
        self.assertTrue(31 <= int(r.header("Retry-After")) <= 60, r.header("Retry-After"))

    def test_twenty_failures_from_one_address_lock_the_address(self):
        addr = self.fresh_addr()
        for i in range(20):
            r = self.login_from(addr, "nobody-%d" % i, "guess-%d" % i).last_login
            self.assertProblem(r, 401, message=WRONG)
        r = self.login_from(addr, "cw_thr").last_login  # right name and password
        self.assertProblem(r, 429)
        self.assertTrue(1 <= int(r.header("Retry-After")) <= 30)
        # the same user from elsewhere signs in
        self.assertStatus(self.login_from(self.fresh_addr(), "cw_thr").last_login, 200)

    def test_a_forged_forwarded_for_does_not_change_the_address(self):
        # nginx appends the real address; what the client wrote before it
        # is ignored
        real = self.fresh_addr()
        c = AddrClient(self.server.port, "203.0.113.99, " + real)
        r = c.login("cw_mhd", "wrong-again")
        self.assertProblem(r, 401)
        rows = self.audit_rows("action = 'auth.login_failed'")
        self.assertEqual(rows[-1][2], real)
        self.assertEqual(self.server.query("SELECT count(*) FROM login_failures WHERE kind = "
                                           "'addr' AND name = '203.0.113.99'")[0][0], 0)

    def test_cookies_are_secure_behind_tls(self):
        c = AddrClient(self.server.port, self.fresh_addr())
        r = c.request("POST", "/auth/login", body={"username": "cw_thr", "password": PASSWORD},
                      headers={"X-Forwarded-Proto": "https"})
        self.assertStatus(r, 200)
        cookie = [v for v in r.header_all("Set-Cookie") if v.startswith("safar_session=")][0]
        self.assertIn("secure", [a.strip().lower() for a in cookie.split(";")])
        r = self.anon.get("/health")
        self.assertIn("frame-ancestors 'none'", r.header("Content-Security-Policy"))
        self.assertNotIn("unsafe-inline", r.header("Content-Security-Policy"))
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        self.assertEqual(r.header("Referrer-Policy"), "no-referrer")

    # --- the audit trail ----------------------------------------------------

    def test_refusals_are_in_the_audit(self):
        start = self.server.query("SELECT max(id) FROM audit_log")[0][0]
        cw_id = self.user_id("cw_thr")
        self.assertProblem(self.cw.get("/users"), 403)
        self.assertProblem(self.cw.get("/audit"), 403)
        self.assertProblem(Client(self.server.port, "saf_" + "x" * 43).get("/me"), 401)
        c = self.login_from(self.fresh_addr(), "cw_thr")
        self.assertProblem(c.post("/persons", {"given_name": "X", "sex": "M"}, csrf=False), 403)
        self.assertProblem(self.anon.get("/me"), 401)  # nobody: not recorded
        rows = self.audit_rows("id > ? AND action LIKE 'auth.%' AND action NOT LIKE "
                               "'auth.login%'", (start,))
        got = [(r[3], r[1]) for r in rows]
        self.assertEqual(got, [("auth.forbidden", cw_id), ("auth.forbidden", cw_id),
                               ("auth.unauthorized", None), ("auth.forbidden", cw_id)])
        self.assertIn('"path":"/api/v1/users"', rows[0][6])
        self.assertIn("user.manage", rows[0][6])
        self.assertIn("CSRF", rows[3][6])
        # and they can be found with the API
        r = self.admin.get("/audit?action=auth.forbidden&user=cw_thr&order=desc&limit=1")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["items"][0]["id"], rows[3][0])

    def test_audit_filters_and_paging(self):
        u = self.new_user("filtered")
        uid = u["id"]
        self.admin.patch("/users/%d" % uid, {"version": 1, "display_name": "F"})
        r = self.admin.get("/audit?entity=user&entity_id=%d" % uid)
        self.assertStatus(r, 200)
        self.assertEqual([i["action"] for i in r.json["items"]], ["user.create", "user.update"])
        e = r.json["items"][0]
        self.assertEqual(e["username"], "admin")
        self.assertEqual(e["user_id"], self.user_id("admin"))
        self.assertEqual(e["detail"]["username"], "filtered")
        self.assertRegex(e["hash"], "^[0-9a-f]{64}$")
        self.assertRegex(e["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        # by user (id or name), by action prefix, newest first
        by_name = self.admin.get("/audit?user=admin&action=user.&limit=200").json["items"]
        by_id = self.admin.get("/audit?user=%d&action=user.&limit=200"
                               % self.user_id("admin")).json["items"]
        self.assertEqual(by_name, by_id)
        self.assertTrue(all(i["action"].startswith("user.") for i in by_name))
        newest = self.admin.get("/audit?order=desc&limit=3").json["items"]
        self.assertEqual([i["id"] for i in newest], sorted([i["id"] for i in newest],
                                                           reverse=True))
        # paging: the pages join up without gaps or repeats
        seen, cursor = [], None
        for _ in range(4):
            q = "/audit?entity=user&limit=2" + ("&cursor=" + cursor if cursor else "")
            page = self.admin.get(q).json
            seen += [i["id"] for i in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        self.assertEqual(seen, sorted(set(seen)))
        # time range
        today = time.strftime("%Y-%m-%d", time.gmtime())
        self.assertTrue(self.admin.get("/audit?from=%s&limit=1" % today).json["items"])
        self.assertEqual(self.admin.get("/audit?to=2001-01-01").json["items"], [])
        self.assertEqual(self.admin.get("/audit?from=2999-01-01T00:00:00Z").json["items"], [])
        # bad filters name the parameter
        for q, field in (("from=yesterday", "from"), ("to=2026-02-30", "to"),
                         ("entity_id=abc", "entity_id"), ("user=no-such-user", "user"),
                         ("action=DROP%20TABLE", "action"), ("order=sideways", "order"),
                         ("limit=0", "limit"), ("cursor=x", "cursor")):
            with self.subTest(q=q):
                self.assertProblem(self.admin.get("/audit?" + q), 400, field=field)

    def test_supervisors_see_their_offices_only(self):
        thr = self.new_person(self.cw, given_name="Tehran", family_name="Person")
        mhd = self.new_person(self.cw_mhd, given_name="Mashhad", family_name="Person")
        self.assertStatus(self.cw.get("/persons/%d" % thr["id"]), 200)  # a read: audited
        items = self.sup.get("/audit?limit=200&order=desc").json["items"]
        about = {(i["entity"], i["entity_id"]) for i in items}
        self.assertIn(("person", thr["id"]), about)
        self.assertNotIn(("person", mhd["id"]), about)
        self.assertTrue(all(i["entity"] in ("person", "household", "case") for i in items),
                        {i["entity"] for i in items})
        self.assertEqual(self.sup.get("/audit?entity=person&entity_id=%d" % mhd["id"])
                         .json["items"], [])
        # the admin sees both
        admin_about = {(i["entity"], i["entity_id"]) for i in
                       self.admin.get("/audit?entity=person&limit=200&order=desc")
                       .json["items"]}
        self.assertIn(("person", mhd["id"]), admin_about)
        self.assertIn(("person", thr["id"]), admin_about)

    def test_who_looked_at_this_file(self):
        p = self.new_person(self.cw, given_name="Looked", family_name="At")
        other = self.new_person(self.cw_mhd, given_name="Elsewhere", family_name="Person")
        self.assertStatus(self.cw.get("/persons/%d" % p["id"]), 200)
        self.assertStatus(self.sup.get("/persons/%d" % p["id"]), 200)
        r = self.sup.get("/persons/%d/access-log" % p["id"])
        self.assertStatus(r, 200)
        readers = [(i["username"], i["action"]) for i in r.json["items"]]
        self.assertEqual(readers, [("cw_thr", "person.read"), ("sup_thr", "person.read")])
        self.assertIsNone(r.json["next_cursor"])
        self.assertEqual(self.admin.get("/persons/%d/access-log?order=desc" % p["id"])
                         .json["items"][0]["username"], "sup_thr")
        # out of the supervisor's offices: 404, as everywhere
        self.assertProblem(self.sup.get("/persons/%d/access-log" % other["id"]), 404)
        self.assertProblem(self.sup.get("/persons/999999/access-log"), 404)
        self.assertProblem(self.cw.get("/persons/%d/access-log" % p["id"]), 403)

    def test_audit_verify_passes_on_a_live_database(self):
        p = self.server.cli("audit", "verify", "--db", self.server.db)
        self.assertIn("audit log intact", p.stdout)
        n = self.server.query("SELECT count(*) FROM audit_log")[0][0]
        m = re.search(r"(\d+) entries verified", p.stdout)
        self.assertTrue(m and int(m.group(1)) >= n - 5, p.stdout)  # the server writes on
        p = self.server.cli("audit", "list", "--db", self.server.db, "--limit", "3")
        self.assertEqual(len(p.stdout.strip().split("\n")), 4, p.stdout)


class TamperTest(unittest.TestCase):
    """A row of the audit log edited behind Safar's back (the sqlite3 shell, or
    SQL on PostgreSQL), as an attacker with the database would: `safar audit
    verify` names it."""

    def test_an_edited_row_is_named_by_verify(self):
        srv = Server()  # init and users: audit entries from the command line
        try:
            srv.start()
            c = srv.login("cw_thr")
            for name in ("Ali", "Sara", "Reza"):
                self.assertEqual(c.post("/persons", {"given_name": name, "sex": "M"}).status,
                                 201)
            self.assertEqual(srv.stop(), 0)
            p = srv.cli("audit", "verify", "--db", srv.db)
            self.assertIn("audit log intact", p.stdout)
            # the triggers refuse a plain UPDATE ...
            with self.assertRaises(Exception) as refused:
                srv.execute("UPDATE audit_log SET detail='x' WHERE id=3")
            self.assertIn("append-only", str(refused.exception))
            self.assertEqual(srv.cli("audit", "verify", "--db", srv.db).returncode, 0)
            # ... so the attacker, with the database's own shell, turns them off first
            if srv.kind == "postgres":
                srv.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_no_update")
                srv.execute("UPDATE audit_log SET detail='x' WHERE id=3")
            else:
                r = subprocess.run(["sqlite3", srv.db, "DROP TRIGGER audit_no_update; "
                                    "UPDATE audit_log SET detail='x' WHERE id=3;"],
                                   capture_output=True, text=True)
                self.assertEqual(r.returncode, 0, r.stderr)
            p = srv.cli("audit", "verify", "--db", srv.db, check=False)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertIn("entry 3 ", p.stdout)
            self.assertIn("first entry that does not match is 3", p.stdout)
        finally:
            srv.cleanup()


if __name__ == "__main__":
    main()
