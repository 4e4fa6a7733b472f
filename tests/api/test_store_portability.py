"""What the shared SQL must get right on both stores (run on SQLite, and on
PostgreSQL as api-pg/test_store_portability): ids past 32 bits in filters,
paths and bodies; list order; text compared as text."""

import unittest

from safar_harness import ApiTestCase, Server, main

BIG = 3000000000  # past a 32-bit integer; no such record


class PortabilityTest(ApiTestCase):
    def test_ids_past_32_bits_are_just_unknown(self):
        for path in ("/cases?assigned_to=%d" % BIG, "/cases?cursor=%d" % BIG,
                     "/households?person_id=%d" % BIG, "/persons?cursor=%d" % BIG,
                     "/households?cursor=%d" % BIG):
            r = self.admin.get(path)
            self.assertStatus(r, 200, path)
            self.assertEqual(r.json["items"], [], path)
        for path in ("/cases/%d" % BIG, "/persons/%d" % BIG, "/households/%d" % BIG):
            self.assertProblem(self.admin.get(path), 404)
        r = self.cw.post("/cases", {"program": "AVRR", "principal_person_id": BIG})
        self.assertProblem(r, 400, field="principal_person_id")

    def test_lists_come_in_id_order_with_filters_combined(self):
        a = self.new_person(given_name="Omid", sex="M", nationality="AFG")
        b = self.new_person(given_name="Nazanin", sex="F", nationality="AFG")
        c = self.new_person(given_name="Parisa", sex="F", nationality="IRN")
        r = self.cw.get("/persons?sex=F&nationality=AFG&limit=200")
        ids = [p["id"] for p in r.json["items"]]
        self.assertIn(b["id"], ids)
        self.assertNotIn(a["id"], ids)
        self.assertNotIn(c["id"], ids)
        self.assertEqual(ids, sorted(ids))
        cases = [self.cw.post("/cases", {"program": "RQA", "principal_person_id": p["id"]})
                 for p in (a, b, c)]
        for r in cases:
            self.assertStatus(r, 201)
        r = self.cw.get("/cases?program=RQA&status=registered&office=THR")
        got = [x["id"] for x in r.json["items"]]
        self.assertEqual(got, sorted(got))
        self.assertTrue({x.json["id"] for x in cases} <= set(got))
        self.assertEqual(self.cw.get("/cases?program=RQA&status=matching").json["items"], [])

    def test_vulnerabilities_come_back_in_code_order(self):
        p = self.new_person(vulnerabilities=["single_parent", "disability",
                                             "serious_medical_condition"])
        self.assertEqual(self.cw.get("/persons/%d" % p["id"]).json["vulnerabilities"],
                         ["disability", "serious_medical_condition", "single_parent"])


class CommandsTest(unittest.TestCase):
    """The commands besides serve, on a database of their own."""

    def test_demo_user_and_token_commands(self):
        srv = Server(users={})
        try:
            p = srv.cli("demo", "--db", srv.db, "--families", "3", "--seed", "7")
            self.assertIn("3 families", p.stdout)
            n = srv.query("SELECT count(*) FROM persons")[0][0]
            self.assertGreater(n, 3)
            p = srv.cli("demo", "--db", srv.db, "--families", "1", check=False)
            self.assertEqual(p.returncode, 1, p)
            self.assertIn("already holds", p.stderr)
            srv.add_user("zahra", "caseworker,trainer", "THR,MHD", "Zahra Ahmadi")
            p = srv.cli("user", "list", "--db", srv.db)
            self.assertIn("zahra", p.stdout)
            srv.cli("user", "disable", "--db", srv.db, "--username", "zahra")
            self.assertEqual(srv.query("SELECT disabled FROM users WHERE username = ?",
                                       ("zahra",)), [(1,)])
            token = srv.create_token("admin")
            tid = srv.query("SELECT max(id) FROM api_tokens")[0][0]
            srv.cli("token", "revoke", "--db", srv.db, "--id", str(tid))
            self.assertIsNotNone(srv.query("SELECT revoked_at FROM api_tokens WHERE id = ?",
                                           (tid,))[0][0])
            self.assertTrue(token)
            p = srv.cli("migrate", "--db", srv.db)
            self.assertIn("0 migrations", p.stdout + p.stderr)
        finally:
            srv.cleanup()


if __name__ == "__main__":
    main()
