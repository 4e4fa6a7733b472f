"""Office scope, counter-trafficking restriction, read audit and aggregates
over HTTP, with records in two offices (Tehran and Mashhad).

A caseworker of one office gets 404 (not 403) for a person, household or
case of the other, never sees one in a list, a look-up or a count;
counter-trafficking cases and their members' files are for the assigned
caseworker, the office's supervisors and admins; data officers and partner
viewers read no personal file but get aggregates with small cells shown as
"<5"."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safar_harness import USERS, ApiTestCase, Server, main  # noqa: E402

EXTRA_USERS = {
    "cw2_thr": ("caseworker", "THR", "Nasrin Moradi"),
    "sup_mhd": ("supervisor", "MHD", "Hamid Rostami"),
    "med_thr": ("medical", "THR", "Dr. Leila Azizi"),
    "do": ("data_officer", "THR", "Sara Karimi"),
    "pv": ("partner_viewer", None, "Donor Viewer"),
}


class AccessScopeTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = Server(users=dict(USERS, **EXTRA_USERS))
        try:
            cls.server.start()
        except BaseException:
            cls.server.cleanup()
            raise
        c = cls.server.client
        cls.anon, cls.admin, cls.cw, cls.cw_mhd, cls.sup = (
            c(), c("admin"), c("cw_thr"), c("cw_mhd"), c("sup_thr"))
        cls.cw2, cls.sup_mhd, cls.med, cls.do, cls.pv = (
            c("cw2_thr"), c("sup_mhd"), c("med_thr"), c("do"), c("pv"))

    @classmethod
    def tearDownClass(cls):
        for cl in (cls.cw2, cls.sup_mhd, cls.med, cls.do, cls.pv):
            cl.close()
        super().tearDownClass()

    def uid(self, name):
        return self.server.query("SELECT id FROM users WHERE username = ?", (name,))[0][0]

    def person(self, client, **fields):
        body = {"given_name": "Ahmad", "family_name": "Scoped", "sex": "M"}
        body.update(fields)
        r = client.post("/persons", body)
        self.assertStatus(r, 201)
        return r.json

    def open_case(self, client, principal, program="AVRR", **extra):
        body = {"program": program, "principal_person_id": principal["id"]}
        body.update(extra)
        r = client.post("/cases", body)
        self.assertStatus(r, 201)
        return r.json

    def ids(self, client, path):
        r = client.get(path)
        self.assertStatus(r, 200, path)
        return {item["id"] for item in r.json["items"]}

    def audit_reads(self, action, entity_id, user):
        return self.server.query(
            "SELECT count(*) FROM audit_log WHERE action = ? AND entity_id = ? AND user_id = ?",
            (action, entity_id, self.uid(user)))[0][0]

    # --- office scope -----------------------------------------------------

    def test_get_list_and_lookups_across_offices(self):
        p_thr = self.person(self.cw, given_name="Tehrani", phone="+989121110001",
                            documents=[{"type": "tazkira", "number": "SCOPE-THR-1"}])
        p_mhd = self.person(self.cw_mhd, given_name="Mashhadi", phone="+989151110002",
                            documents=[{"type": "tazkira", "number": "SCOPE-MHD-1"}])
        self.assertEqual(p_thr["office"], "THR")
        self.assertEqual(p_mhd["office"], "MHD")
        h_mhd = self.cw_mhd.post("/households", {"head_person_id": p_mhd["id"]}).json
        c_mhd = self.open_case(self.cw_mhd, p_mhd)

        # the other office's records are "not found", exactly like missing ones
        for path in ("/persons/%d" % p_mhd["id"], "/households/%d" % h_mhd["id"],
                     "/cases/%d" % c_mhd["id"]):
            r = self.cw.get(path)
            self.assertProblem(r, 404)
            missing = self.cw.get(path.rsplit("/", 1)[0] + "/999999")
            self.assertEqual((r.status, r.json["title"]), (missing.status, missing.json["title"]))
            self.assertStatus(self.cw_mhd.get(path), 200)
            self.assertStatus(self.admin.get(path), 200)
        self.assertStatus(self.cw_mhd.get("/persons/%d" % p_thr["id"]), 404)

        # never in a list, whatever the filter
        self.assertNotIn(p_mhd["id"], self.ids(self.cw, "/persons?limit=200"))
        self.assertEqual(self.ids(self.cw, "/persons?office=MHD"), set())
        self.assertEqual(self.ids(self.cw, "/persons?ref=" + p_mhd["ref"]), set())
        self.assertEqual(self.ids(self.cw, "/persons?document=SCOPE-MHD-1"), set())
        self.assertEqual(self.ids(self.cw, "/persons?phone=%2B989151110002"), set())
        self.assertEqual(self.ids(self.cw_mhd, "/persons?document=SCOPE-MHD-1"), {p_mhd["id"]})
        self.assertEqual(self.ids(self.admin, "/persons?document=SCOPE-MHD-1"), {p_mhd["id"]})
        self.assertNotIn(h_mhd["id"], self.ids(self.cw, "/households?limit=200"))
        self.assertEqual(self.ids(self.cw, "/households?person_id=%d" % p_mhd["id"]), set())
        self.assertNotIn(c_mhd["id"], self.ids(self.cw, "/cases?limit=200"))
        self.assertIn(c_mhd["id"], self.ids(self.cw_mhd, "/cases?limit=200"))
        self.assertIn(c_mhd["id"], self.ids(self.sup_mhd, "/cases?office=MHD&limit=200"))
        self.assertEqual(self.ids(self.sup, "/cases?office=MHD"), set())

    def test_writes_across_offices(self):
        p_thr = self.person(self.cw, given_name="Mover")
        p_mhd = self.person(self.cw_mhd, given_name="Stayer")
        before = self.server.snapshot()
        # registering in an office one does not work for: 403 naming office
        r = self.cw.post("/persons", {"given_name": "Ali", "sex": "M", "office": "MHD"})
        self.assertProblem(r, 403, field="office", message="MHD")
        # changing, consenting, grouping or opening a case for the other
        # office's person: 404 / unknown person
        self.assertProblem(self.cw.patch("/persons/%d" % p_mhd["id"],
                                         {"version": 1, "occupation": "x"}), 404)
        self.assertProblem(self.cw.post("/persons/%d/consents" % p_mhd["id"],
                                        {"purpose": "travel"}), 404)
        self.assertProblem(self.cw.post("/cases", {"program": "AVRR",
                                                   "principal_person_id": p_mhd["id"]}),
                           400, field="principal_person_id",
                           message="no person with id %d" % p_mhd["id"])
        self.assertProblem(self.cw.post("/households", {"head_person_id": p_thr["id"], "members": [
            {"person_id": p_mhd["id"], "relationship": "spouse"}]}), 400,
            field="members[0].person_id")
        self.assertProblem(self.cw.post("/cases", {"program": "AVRR",
                                                   "principal_person_id": p_thr["id"],
                                                   "office": "MHD"}), 403, field="office")
        # moving a person needs both offices
        self.assertProblem(self.cw.patch("/persons/%d" % p_thr["id"],
                                         {"version": 1, "office": "MHD"}), 403, field="office")
        self.assertUnchanged(before, "refused writes across offices")
        moved = self.admin.patch("/persons/%d" % p_thr["id"], {"version": 1, "office": "MHD"})
        self.assertStatus(moved, 200)
        self.assertStatus(self.cw.get("/persons/%d" % p_thr["id"]), 404)
        self.assertStatus(self.cw_mhd.get("/persons/%d" % p_thr["id"]), 200)
        # a case cannot be given to someone of another office
        c = self.open_case(self.cw_mhd, p_mhd)
        r = self.cw_mhd.patch("/cases/%d" % c["id"], {"version": 1,
                                                       "assigned_to": self.uid("cw_thr")})
        self.assertProblem(r, 400, field="assigned_to", message="does not work for office MHD")
        self.assertProblem(self.cw.post("/cases/%d/transitions" % c["id"],
                                        {"to": "counselling", "version": 1}), 404)

    # --- counter-trafficking ----------------------------------------------

    def test_counter_trafficking_restriction(self):
        victim = self.person(self.cw, given_name="Maryam", family_name="Protected", sex="F")
        sister = self.person(self.cw, given_name="Zeynab", family_name="Protected", sex="F")
        household = self.cw.post("/households", {"head_person_id": victim["id"], "members": [
            {"person_id": sister["id"], "relationship": "sibling"}]}).json
        ct = self.open_case(self.cw, victim, "COUNTER_TRAFFICKING",
                            assigned_to=self.uid("cw_thr"))
        case_path, file_path = "/cases/%d" % ct["id"], "/persons/%d" % victim["id"]

        readers = {"cw_thr": self.cw, "sup_thr": self.sup, "admin": self.admin}
        others = {"cw2_thr": self.cw2, "med_thr": self.med, "cw_mhd": self.cw_mhd,
                  "sup_mhd": self.sup_mhd}
        for name, client in readers.items():
            self.assertStatus(client.get(case_path), 200, name)
            self.assertStatus(client.get(file_path), 200, name)
            self.assertIn(ct["id"], self.ids(client, "/cases?program=COUNTER_TRAFFICKING"),
                          name)
            self.assertIn(victim["id"], self.ids(client, "/persons?limit=200"), name)
        for name, client in others.items():
            self.assertProblem(client.get(case_path), 404, msg=name)
            self.assertProblem(client.get(file_path), 404, msg=name)
            self.assertNotIn(ct["id"], self.ids(client, "/cases?program=COUNTER_TRAFFICKING"),
                             name)
            self.assertNotIn(victim["id"], self.ids(client, "/persons?limit=200"), name)
            self.assertEqual(self.ids(client, "/persons?ref=" + victim["ref"]), set(), name)
        # the other caseworker of the office may not touch it either
        self.assertProblem(self.cw2.post("/cases/%d/transitions" % ct["id"],
                                         {"to": "screening", "version": 1}), 404)
        self.assertProblem(self.cw2.patch(file_path, {"version": 1, "occupation": "x"}), 404)
        # the household stays the office's; the sister's file is open, the
        # victim's is not
        self.assertStatus(self.cw2.get("/households/%d" % household["id"]), 200)
        self.assertStatus(self.cw2.get("/persons/%d" % sister["id"]), 200)
        # the supervisor reassigns: the first caseworker loses sight of it
        r = self.sup.patch(case_path, {"version": 1, "assigned_to": self.uid("cw2_thr")})
        self.assertStatus(r, 200)
        self.assertStatus(self.cw2.get(case_path), 200)
        self.assertProblem(self.cw.get(case_path), 404)
        self.assertProblem(self.cw.get(file_path), 404)
        # counts: the supervisor's include it, the data officer's do not
        sup_stats = self.sup.ok("GET", "/stats/cases?group_by=program")
        self.assertIn("COUNTER_TRAFFICKING", [i["key"] for i in sup_stats["items"]])
        do_stats = self.do.ok("GET", "/stats/cases?group_by=program")
        self.assertNotIn("COUNTER_TRAFFICKING", [i["key"] for i in do_stats["items"]])

    # --- read audit -------------------------------------------------------

    def test_reads_of_files_are_audited(self):
        p = self.person(self.cw, given_name="Watched")
        h = self.cw.post("/households", {"head_person_id": p["id"]}).json
        c = self.open_case(self.cw, p)
        for path, action, entity_id in (("/persons/%d" % p["id"], "person.read", p["id"]),
                                        ("/households/%d" % h["id"], "household.read", h["id"]),
                                        ("/cases/%d" % c["id"], "case.read", c["id"])):
            self.assertEqual(self.audit_reads(action, entity_id, "sup_thr"), 0)
            self.sup.ok("GET", path)
            self.sup.ok("GET", path)
            self.assertEqual(self.audit_reads(action, entity_id, "sup_thr"), 2, path)
            # a refused read leaves no trace of a read
            self.assertStatus(self.cw_mhd.get(path), 404)
            self.assertEqual(self.audit_reads(action, entity_id, "cw_mhd"), 0, path)
        # lists are not file reads
        self.sup.ok("GET", "/persons?limit=200")
        self.assertEqual(self.audit_reads("person.read", p["id"], "sup_thr"), 2)

    # --- aggregates ---------------------------------------------------------

    def test_aggregates_only_and_small_cells(self):
        p = self.person(self.cw, given_name="Counted", sex="X", nationality="AFG")
        # aggregate-only roles read no personal file
        for client in (self.do, self.pv):
            self.assertProblem(client.get("/persons/%d" % p["id"]), 403)
            self.assertProblem(client.get("/persons"), 403)
            self.assertProblem(client.get("/cases"), 403)
            self.assertProblem(client.get("/households"), 403)
        # caseworkers do not get aggregates
        self.assertProblem(self.cw.get("/stats/persons?group_by=sex"), 403)
        # eight more in MHD, a handful in THR
        for i in range(8):
            self.person(self.cw_mhd, given_name="Mass%d" % i, sex="F", nationality="AFG")
        by_office = self.do.ok("GET", "/stats/persons?group_by=office")
        self.assertEqual(by_office["suppressed_below"], 5)
        counts = {i["key"]: i["count"] for i in by_office["items"]}
        self.assertEqual(set(counts), {"THR", "MHD"}, "national for a data officer")
        for v in counts.values():
            self.assertTrue(v in ("<5", "suppressed") or (isinstance(v, int) and v >= 5), counts)
        # a cell of one person is never shown as 1
        by_sex = self.pv.ok("GET", "/stats/persons?group_by=sex")
        sexes = {i["key"]: i["count"] for i in by_sex["items"]}
        self.assertEqual(sexes["X"], "<5")
        # with a single "<5" cell the next smallest is suppressed too
        small = [k for k, v in sexes.items() if v == "<5"]
        if len(small) == 1:
            self.assertIn("suppressed", sexes.values(), sexes)
        # a supervisor counts the own office only
        sup = self.sup.ok("GET", "/stats/persons?group_by=office")
        self.assertEqual([i["key"] for i in sup["items"]], ["THR"])
        self.assertProblem(self.sup.get("/stats/persons?group_by=sex&office=MHD"), 403,
                           field="office")
        self.assertProblem(self.do.get("/stats/cases?group_by=colour"), 400, field="group_by")
        self.assertProblem(self.do.get("/stats/persons"), 400, field="group_by")
        nat = self.do.ok("GET", "/stats/persons?group_by=nationality")
        self.assertIn("AFG", [i["key"] for i in nat["items"]])


if __name__ == "__main__":
    main()
