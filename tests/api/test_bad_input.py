"""Bad input, table-driven: every request below is refused with a
problem+json that names what was wrong, and the database is exactly as it
was before it (checked after each one)."""

import datetime
import json
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safar_harness import PROBLEM_JSON, ApiTestCase, iso, main, today  # noqa: E402

MiB = 1024 * 1024


def person(**kw):
    body = {"given_name": "Ahmad", "sex": "M"}
    body.update(kw)
    return body


class BadInputTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.cw.post("/persons", {"given_name": "Existing", "family_name": "Person",
                                     "sex": "F"})
        assert r.status == 201, r
        cls.p = r.json

    def refused(self, cases):
        """cases: (label, method, path, json body or raw bytes, status, field)."""
        for label, method, path, body, status, field in cases:
            with self.subTest(label):
                before = self.server.snapshot()
                if isinstance(body, bytes):
                    r = self.cw.request(method, path, raw=body)
                else:
                    r = self.cw.request(method, path, body=body)
                self.assertProblem(r, status, field=field, msg=label)
                self.assertUnchanged(before, label)

    def test_person_bodies(self):
        tomorrow = iso(today() + datetime.timedelta(days=1))
        next_year = iso(today() + datetime.timedelta(days=366))
        P = "/persons"
        self.refused([
            ("malformed JSON", "POST", P, b'{"given_name": "Ahmad", "sex": ', 400, None),
            ("trailing garbage", "POST", P, b'{"given_name": "Ahmad", "sex": "M"} x', 400, None),
            ("empty body", "POST", P, b"", 400, None),
            ("body is an array", "POST", P, b'[{"given_name": "Ahmad", "sex": "M"}]', 400, None),
            ("body is a string", "POST", P, b'"Ahmad"', 400, None),
            ("body is null", "POST", P, b"null", 400, None),
            ("invalid UTF-8", "POST", P, b'{"given_name": "\xff\xfe", "sex": "M"}', 400, None),
            ("deeply nested", "POST", P, b'{"given_name": ' + b"[" * 5000 + b"]" * 5000 + b"}",
             400, None),
            ("name is a number", "POST", P, person(given_name=5), 400, "given_name"),
            ("name is an object", "POST", P, person(given_name={"x": 1}), 400, "given_name"),
            ("sex is a number", "POST", P, person(sex=1), 400, "sex"),
            ("sex not in F/M/X", "POST", P, person(sex="Q"), 400, "sex"),
            ("missing given_name", "POST", P, {"sex": "F"}, 400, "given_name"),
            ("blank given_name", "POST", P, person(given_name="   "), 400, "given_name"),
            ("missing sex", "POST", P, {"given_name": "Ahmad"}, 400, "sex"),
            ("unknown field", "POST", P, person(nickname="Ahmadi jan"), 400, "nickname"),
            ("estimated is a string", "POST", P, person(birth_date_estimated="yes"), 400,
             "birth_date_estimated"),
            ("given_name 101 chars", "POST", P, person(given_name="A" * 101), 400, "given_name"),
            ("native name 101 chars", "POST", P, person(given_name_native="ز" * 101), 400,
             "given_name_native"),
            ("family_name 10000 chars", "POST", P, person(family_name="B" * 10000), 400,
             "family_name"),
            ("control character", "POST", P, person(given_name="Ah\u0001mad"), 400,
             "given_name"),
            ("Arabic script in Latin field", "POST", P, person(given_name="زهرا"), 400,
             "given_name"),
            ("Latin in native field", "POST", P, person(family_name_native="Ahmadi"), 400,
             "family_name_native"),
            ("impossible date", "POST", P, person(birth_date="2026-02-30"), 400, "birth_date"),
            ("month 13", "POST", P, person(birth_date="1990-13-01"), 400, "birth_date"),
            ("date in another format", "POST", P, person(birth_date="21/03/1988"), 400,
             "birth_date"),
            ("date as a number", "POST", P, person(birth_date=19880321), 400, "birth_date"),
            ("birth date tomorrow", "POST", P, person(birth_date=tomorrow), 400, "birth_date"),
            ("birth date next year", "POST", P, person(birth_date=next_year), 400, "birth_date"),
            ("birth date before 1900", "POST", P, person(birth_date="1899-12-31"), 400,
             "birth_date"),
            ("nationality XXX", "POST", P, person(nationality="XXX"), 400, "nationality"),
            ("nationality alpha-2", "POST", P, person(nationality="AF"), 400, "nationality"),
            ("province IR-99", "POST", P, person(province_of_residence="IR-99"), 400,
             "province_of_residence"),
            ("province of origin AF-XXX", "POST", P, person(province_of_origin="AF-XXX"), 400,
             "province_of_origin"),
            ("phone without +", "POST", P, person(phone="09121234567"), 400, "phone"),
            ("phone too short", "POST", P, person(phone="+9812"), 400, "phone"),
            ("phone with letters", "POST", P, person(phone="+98912abc4567"), 400, "phone"),
            ("language not ISO 639-3", "POST", P, person(languages=["dari"]), 400, "languages"),
            ("languages not a list", "POST", P, person(languages="prs"), 400, "languages"),
            ("eleven languages", "POST", P, person(languages=["prs"] * 11), 400, "languages"),
            ("document type", "POST", P,
             person(documents=[{"type": "visa", "number": "V1"}]), 400, "documents[0].type"),
            ("document without number", "POST", P,
             person(documents=[{"type": "passport"}]), 400, "documents[0].number"),
            ("document number too long", "POST", P,
             person(documents=[{"type": "passport", "number": "9" * 51}]), 400,
             "documents[0].number"),
            ("document expiry impossible", "POST", P,
             person(documents=[{"type": "tazkira", "number": "T1"},
                               {"type": "passport", "number": "P1", "expires_on": "2027-02-29"}]),
             400, "documents[1].expires_on"),
            ("document unknown field", "POST", P,
             person(documents=[{"type": "passport", "number": "P1", "colour": "blue"}]), 400,
             "documents[0].colour"),
            ("21 documents", "POST", P,
             person(documents=[{"type": "tazkira", "number": "T%d" % i} for i in range(21)]),
             400, "documents"),
            ("vulnerability code", "POST", P, person(vulnerabilities=["rich"]), 400,
             "vulnerabilities"),
            ("office unknown", "POST", P, person(office="ZZZ"), 400, "office"),
            ("office lower case", "POST", P, person(office="thr"), 400, "office"),
        ])

    def test_several_errors_are_listed_together(self):
        before = self.server.snapshot()
        r = self.cw.post("/persons", {"given_name": 5, "sex": "Q", "birth_date": "2026-02-30",
                                      "nationality": "XXX", "colour": "red"})
        prob = self.assertProblem(r, 400)
        fields = {e["field"] for e in prob["errors"]}
        self.assertTrue({"given_name", "sex", "birth_date", "nationality", "colour"} <= fields,
                        prob)
        self.assertUnchanged(before)

    def test_error_messages_name_the_value(self):
        r = self.cw.post("/persons", person(nationality="XXX"))
        prob = self.assertProblem(r, 400, field="nationality")
        self.assertIn("XXX", " ".join(e["message"] for e in prob["errors"]))
        r = self.cw.post("/persons", person(colour="red"))
        self.assertProblem(r, 400, field="colour", message="unknown field")

    def test_patch_bodies(self):
        url = "/persons/%d" % self.p["id"]
        self.refused([
            ("patch malformed", "PATCH", url, b'{"version": 1,', 400, None),
            ("patch not an object", "PATCH", url, b"[1]", 400, None),
            ("patch version as string", "PATCH", url, {"version": "1", "skills": "x"}, 400,
             "version"),
            ("patch impossible date", "PATCH", url, {"version": 1, "birth_date": "2025-02-29"},
             400, "birth_date"),
            ("patch unknown field", "PATCH", url, {"version": 1, "height": 180}, 400, "height"),
            ("patch ref is read-only", "PATCH", url, {"version": 1, "ref": "P-000999"}, 400,
             "ref"),
            ("patch id is read-only", "PATCH", url, {"version": 1, "id": 5}, 400, "id"),
            ("patch province", "PATCH", url, {"version": 1, "province_of_origin": "XX-1"}, 400,
             "province_of_origin"),
            ("patch good field + bad field", "PATCH", url,
             {"version": 1, "occupation": "baker", "phone": "12"}, 400, "phone"),
        ])
        self.assertEqual(self.cw.ok("GET", url), self.p)

    def test_unknown_ids(self):
        pid = self.p["id"]
        self.refused([
            ("household head unknown", "POST", "/households",
             {"head_person_id": 987654, "members": []}, 400, "head_person_id"),
            ("household member unknown", "POST", "/households",
             {"head_person_id": pid, "members": [{"person_id": 987654, "relationship": "child"}]},
             400, "members[0].person_id"),
            ("case principal unknown", "POST", "/cases",
             {"program": "AVRR", "principal_person_id": 987654}, 400, "principal_person_id"),
            ("case member unknown", "POST", "/cases",
             {"program": "AVRR", "principal_person_id": pid,
              "members": [{"person_id": 987654, "relationship": "spouse"}]}, 400,
             "members[0].person_id"),
            ("case assignee unknown", "POST", "/cases",
             {"program": "AVRR", "principal_person_id": pid, "assigned_to": 987654}, 400,
             "assigned_to"),
            ("id as a negative number", "POST", "/cases",
             {"program": "AVRR", "principal_person_id": -1}, 400, "principal_person_id"),
            ("id as a float", "POST", "/cases",
             {"program": "AVRR", "principal_person_id": 1.5}, 400, "principal_person_id"),
            ("person path unknown", "GET", "/persons/987654", None, 404, None),
            ("person path zero", "GET", "/persons/0", None, 404, None),
            ("person path not a number", "GET", "/persons/P-000001", None, 404, None),
            ("person path huge", "GET", "/persons/99999999999999999999999", None, 404, None),
            ("patch unknown person", "PATCH", "/persons/987654", {"version": 1}, 404, None),
            ("consent unknown person", "POST", "/persons/987654/consents",
             {"purpose": "travel"}, 404, None),
            ("household path unknown", "GET", "/households/987654", None, 404, None),
            ("case path unknown", "GET", "/cases/987654", None, 404, None),
            ("transition unknown case", "POST", "/cases/987654/transitions",
             {"to": "counselling", "version": 1}, 404, None),
            ("office path unknown", "GET", "/offices/XYZ", None, 404, None),
        ])
        r = self.cw.post("/households", {"head_person_id": 987654, "members": []})
        self.assertProblem(r, 400, field="head_person_id", message="no person with id 987654")

    def test_routes_and_methods(self):
        self.refused([
            ("unknown route", "GET", "/nothing-here", None, 404, None),
            ("unknown sub-resource", "GET", "/persons/%d/secrets" % self.p["id"], None, 404,
             None),
            ("unknown version", "GET", "/api/v2/persons", None, 404, None),
            ("trailing segment on a list", "GET", "/cases/1/transitions/2", None, 404, None),
        ])
        for method, path, allow in (("DELETE", "/persons/%d" % self.p["id"], {"GET", "PATCH"}),
                                    ("PUT", "/persons", {"GET", "POST"}),
                                    ("GET", "/cases/1/transitions", {"POST"}),
                                    ("DELETE", "/workflows", {"GET"}),
                                    ("POST", "/me", {"GET", "PATCH"}),
                                    ("GET", "/auth/login", {"POST"})):
            with self.subTest(method=method, path=path):
                before = self.server.snapshot()
                r = self.cw.request(method, path, body={} if method != "GET" else None)
                self.assertProblem(r, 405)
                got = {m.strip() for m in (r.header("Allow") or "").split(",") if m.strip()}
                self.assertEqual(got - {"HEAD", "OPTIONS"}, allow, "Allow header of %r" % r)
                self.assertUnchanged(before)

    def test_unknown_route_without_sign_in_is_still_a_problem(self):
        r = self.anon.get("/nothing-here")
        self.assertIn(r.status, (401, 404))
        self.assertEqual(r.content_type, PROBLEM_JSON)
        r = self.anon.get("/api/v1/persons")
        self.assertProblem(r, 401)

    def test_body_over_one_mebibyte_is_413(self):
        big = json.dumps(person(skills="x" * (MiB + 16))).encode()
        before = self.server.snapshot()
        r = self.cw.request("POST", "/persons", raw=big)
        self.assertProblem(r, 413)
        self.assertUnchanged(before, "a 1 MiB body")
        # a body just under the limit is read (and refused for its content)
        near = json.dumps(person(skills="x" * (MiB - 1000))).encode()
        self.assertLess(len(near), MiB)
        self.assertProblem(self.cw.request("POST", "/persons", raw=near), 400, field="skills")
        # the server is still fine
        self.assertStatus(self.cw.get("/persons/%d" % self.p["id"]), 200)

    def test_body_over_limit_with_chunked_encoding(self):
        """No Content-Length: the cap applies to what arrives."""
        s = socket.create_connection(("127.0.0.1", self.server.port), timeout=30)
        try:
            head = ("POST /api/v1/persons HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n" % self.server.tokens["cw_thr"]).encode()
            chunk = b"x" * 65536
            before = self.server.snapshot()
            s.sendall(head + b'%x\r\n{"skills": "\r\n' % len(b'{"skills": "'))
            try:
                for _ in range(20):
                    s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                s.sendall(b'2\r\n"}\r\n0\r\n\r\n')
            except OSError:
                pass  # the server may stop reading once it has answered
            data = b""
            while b"\r\n\r\n" not in data:
                got = s.recv(65536)
                if not got:
                    break
                data += got
            status_line = data.split(b"\r\n", 1)[0]
            self.assertIn(b" 413 ", status_line + b" ", data[:300])
            self.assertUnchanged(before)
        finally:
            s.close()

    def test_injection_is_stored_verbatim_and_returned_as_json(self):
        nasty = {
            "given_name": "Robert'); DROP TABLE persons;--",
            "family_name": "<script>alert(\"x\")</script>",
            "father_name": "O'Brien \\ \"quoted\" </p>",
            "occupation": "1 OR 1=1; -- \u2028 line separator",
            "skills": "{\"json\": [1,2]} ${jndi} %s %n",
            "sex": "M",
        }
        r = self.cw.post("/persons", nasty)
        self.assertStatus(r, 201)
        self.assertEqual(r.content_type, "application/json")
        p = r.json
        for k, v in nasty.items():
            self.assertEqual(p[k], v, k)
        # stored exactly as sent
        row = self.server.query("SELECT given_name, family_name, father_name, occupation, skills "
                                "FROM persons WHERE id = ?", (p["id"],))
        self.assertEqual(row, [(nasty["given_name"], nasty["family_name"], nasty["father_name"],
                                nasty["occupation"], nasty["skills"])])
        # the response is JSON text, not HTML: quotes escaped, U+2028 escaped
        self.assertNotIn(b"\xe2\x80\xa8", r.body, "U+2028 is written as \\u2028")
        self.assertIn(b'\\"x\\"', r.body)
        self.assertEqual(self.cw.ok("GET", "/persons/%d" % p["id"]), p)
        # the persons table is still there and searchable by the odd name
        found = self.cw.ok("GET", "/persons?ref=" + p["ref"])["items"]
        self.assertEqual(found[0]["given_name"], nasty["given_name"])
        # a look-up value with SQL in it matches nothing and breaks nothing
        r = self.cw.get("/persons?document=%27%20OR%20%271%27%3D%271")
        self.assertStatus(r, 200)
        self.assertEqual(r.json["items"], [])

    def test_query_string_oddities(self):
        for q, field in (("limit=1e3", "limit"), ("limit=12abc", "limit"), ("cursor=abc", "cursor"),
                         ("sex=%00", "sex"), ("registered_from=2026-2-3", "registered_from")):
            with self.subTest(q):
                self.assertProblem(self.cw.get("/persons?" + q), 400, field=field)

    def test_connection_survives_refusals(self):
        """Keep-alive: refused requests do not close the connection (and
        nothing turns every response into Connection: close)."""
        c = self.server.client("cw_thr")
        for i in range(5):
            r = c.post("/persons", raw=b"{bad")
            self.assertEqual(r.status, 400)
            self.assertNotEqual((r.header("Connection") or "").lower(), "close")
            r = c.get("/persons/%d" % self.p["id"])
            self.assertEqual(r.status, 200)
            self.assertNotEqual((r.header("Connection") or "").lower(), "close")
        c.close()


if __name__ == "__main__":
    main()
