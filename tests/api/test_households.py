"""Households: a family of four with its head, members with their
relationship, replacing members, look-ups and refusals."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safar_harness import ApiTestCase, main  # noqa: E402


class HouseholdsTest(ApiTestCase):

    def family(self, name="Ahmadi"):
        """Father, mother and two children, registered in THR."""
        father = self.new_person(given_name="Ahmad", family_name=name, sex="M",
                                 given_name_native="احمد", birth_date="1984-05-02")
        mother = self.new_person(given_name="Zahra", family_name=name, sex="F",
                                 given_name_native="زهرا", birth_date="1988-03-21")
        son = self.new_person(given_name="Ali", family_name=name, sex="M",
                              birth_date="2014-09-10")
        daughter = self.new_person(given_name="Fatima", family_name=name, sex="F",
                                   birth_date="2019-01-15")
        return father, mother, son, daughter

    def create(self, head, members, client=None, **extra):
        body = {"head_person_id": head["id"],
                "members": [{"person_id": p["id"], "relationship": rel} for p, rel in members]}
        body.update(extra)
        r = (client or self.cw).post("/households", body)
        self.assertStatus(r, 201)
        return r

    def test_family_of_four_with_automatic_head(self):
        father, mother, son, daughter = self.family()
        r = self.create(father, [(mother, "spouse"), (son, "child"), (daughter, "child")])
        h = r.json
        self.assertEqual(r.header("Location"), "/api/v1/households/%d" % h["id"])
        self.assertRegex(h["ref"], r"^H-\d{6}$")
        self.assertEqual(h["office"], "THR", "defaults to the head's office")
        self.assertEqual(h["head_person_id"], father["id"])
        self.assertEqual(h["version"], 1)
        members = {m["person_id"]: m for m in h["members"]}
        self.assertEqual(len(h["members"]), 4, "the head is a member automatically")
        self.assertEqual(members[father["id"]]["relationship"], "head")
        self.assertEqual(members[mother["id"]]["relationship"], "spouse")
        self.assertEqual(members[son["id"]]["relationship"], "child")
        self.assertEqual(members[daughter["id"]]["relationship"], "child")
        m = members[mother["id"]]
        self.assertEqual((m["ref"], m["given_name"], m["family_name"]),
                         (mother["ref"], "Zahra", "Ahmadi"))
        for k in ("created_at", "updated_at"):
            self.assertIsInstance(h[k], str)
        self.assertEqual(self.cw.ok("GET", "/households/%d" % h["id"]), h)
        # the persons know their household
        p = self.cw.ok("GET", "/persons/%d" % son["id"])
        self.assertEqual(p["households"], [{"id": h["id"], "ref": h["ref"],
                                            "relationship": "child"}])
        p = self.cw.ok("GET", "/persons/%d" % father["id"])
        self.assertEqual(p["households"][0]["relationship"], "head")
        audit = self.server.query("SELECT count(*) FROM audit_log WHERE action = "
                                  "'household.create' AND entity_id = ?", (h["id"],))
        self.assertEqual(audit[0][0], 1)

    def test_head_may_be_listed_as_head(self):
        father, mother, _, _ = self.family("Listed")
        h = self.create(father, [(father, "head"), (mother, "spouse")]).json
        self.assertEqual(sorted(m["relationship"] for m in h["members"]), ["head", "spouse"])

    def test_explicit_office(self):
        father, _, _, _ = self.family("Moved")
        # a THR caseworker may not create a household in MHD; an admin may
        before = self.server.snapshot()
        r = self.cw.post("/households", {"head_person_id": father["id"], "office": "MHD"})
        self.assertProblem(r, 403, field="office", message="MHD")
        self.assertUnchanged(before)
        h = self.create(father, [], client=self.admin, office="MHD").json
        self.assertEqual(h["office"], "MHD")
        self.assertEqual(len(h["members"]), 1)

    def test_patch_replaces_members(self):
        father, mother, son, daughter = self.family("Patched")
        h = self.create(father, [(mother, "spouse"), (son, "child"), (daughter, "child")]).json
        url = "/households/%d" % h["id"]
        r = self.cw.patch(url, {"version": 1, "members": [
            {"person_id": mother["id"], "relationship": "spouse"},
            {"person_id": son["id"], "relationship": "child"}]})
        self.assertStatus(r, 200)
        h2 = r.json
        self.assertEqual(h2["version"], 2)
        self.assertEqual(sorted(m["person_id"] for m in h2["members"]),
                         sorted([father["id"], mother["id"], son["id"]]))
        self.assertEqual(self.cw.ok("GET", "/persons/%d" % daughter["id"])["households"], [])
        # a new head: the mother heads the household now
        r = self.cw.patch(url, {"version": 2, "head_person_id": mother["id"], "members": [
            {"person_id": father["id"], "relationship": "spouse"},
            {"person_id": son["id"], "relationship": "child"}]})
        self.assertStatus(r, 200)
        h3 = r.json
        self.assertEqual(h3["head_person_id"], mother["id"])
        rel = {m["person_id"]: m["relationship"] for m in h3["members"]}
        self.assertEqual(rel, {mother["id"]: "head", father["id"]: "spouse", son["id"]: "child"})
        # stale
        before = self.server.snapshot()
        prob = self.assertProblem(self.cw.patch(url, {"version": 2, "members": []}), 409)
        self.assertEqual(prob["current_version"], 3)
        self.assertUnchanged(before)

    def test_list_by_person_and_office(self):
        father, mother, _, _ = self.family("Listing")
        h = self.create(father, [(mother, "spouse")]).json
        items = self.cw.ok("GET", "/households?person_id=%d" % mother["id"])["items"]
        self.assertEqual([x["id"] for x in items], [h["id"]])
        self.assertEqual(items[0]["members"][0]["person_id"] in (father["id"], mother["id"]), True)
        thr = self.cw.ok("GET", "/households?office=THR&limit=200")
        self.assertIn(h["id"], [x["id"] for x in thr["items"]])
        self.assertIn("next_cursor", thr)
        mhd = self.cw.ok("GET", "/households?office=MHD&limit=200")
        self.assertNotIn(h["id"], [x["id"] for x in mhd["items"]])
        self.assertProblem(self.cw.get("/households?person_id=abc"), 400, field="person_id")

    def test_refusals_change_nothing(self):
        father, mother, son, _ = self.family("Refused")
        h = self.create(father, [(mother, "spouse")]).json
        before = self.server.snapshot()
        cases = [
            ({"members": []}, "head_person_id", None),
            ({"head_person_id": 999999, "members": []}, "head_person_id",
             "no person with id 999999"),
            ({"head_person_id": father["id"],
              "members": [{"person_id": 999999, "relationship": "child"}]},
             "members[0].person_id", "no person with id 999999"),
            ({"head_person_id": father["id"],
              "members": [{"person_id": son["id"], "relationship": "child"},
                          {"person_id": 888888, "relationship": "child"}]},
             "members[1].person_id", "no person with id 888888"),
            ({"head_person_id": father["id"],
              "members": [{"person_id": son["id"], "relationship": "cousin"}]},
             "members[0].relationship", None),
            ({"head_person_id": father["id"],
              "members": [{"person_id": son["id"]}]}, "members[0].relationship", None),
            ({"head_person_id": father["id"],
              "members": [{"person_id": son["id"], "relationship": "child"},
                          {"person_id": son["id"], "relationship": "sibling"}]}, "members", None),
            ({"head_person_id": father["id"],
              "members": [{"person_id": son["id"], "relationship": "child", "age": 9}]},
             "members[0].age", None),
            ({"head_person_id": "1", "members": []}, "head_person_id", None),
            ({"head_person_id": father["id"], "members": {}}, "members", None),
            ({"head_person_id": father["id"], "members": [], "office": "XYZ"}, "office", None),
        ]
        for body, field, message in cases:
            with self.subTest(body=body):
                r = self.cw.post("/households", body)
                self.assertProblem(r, 400, field=field, message=message)
        self.assertProblem(self.cw.get("/households/999999"), 404)
        self.assertProblem(self.cw.patch("/households/999999", {"version": 1}), 404)
        self.assertProblem(self.cw.patch("/households/%d" % h["id"], {
            "version": 1, "members": [{"person_id": 999999, "relationship": "child"}]}), 400,
            field="members[0].person_id", message="no person with id 999999")
        self.assertProblem(self.cw.patch("/households/%d" % h["id"], {
            "version": 1, "head_person_id": 777777}), 400, field="head_person_id")
        self.assertUnchanged(before, "refused household requests")
        self.assertEqual(self.cw.ok("GET", "/households/%d" % h["id"]), h)


if __name__ == "__main__":
    main()
