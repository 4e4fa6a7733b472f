"""Finding people: search across scripts and spellings within the caller's
offices, the duplicate warning on registration (409, then saving anyway
with a reason), duplicate pairs for review, merging a duplicate (documents,
households and cases move; the other becomes a tombstone) and an admin
undoing the merge exactly."""

import json
import os
import sys
import time
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safar_harness import ApiTestCase, main  # noqa: E402


def ids(items):
    return [it["person"]["id"] for it in items]


class SearchTest(ApiTestCase):

    def search(self, client=None, status=200, **params):
        q = "&".join("%s=%s" % (k, quote(str(v))) for k, v in params.items())
        r = (client or self.cw).get("/persons/search?" + q)
        self.assertStatus(r, status)
        return r.json

    def test_spellings_and_scripts_meet(self):
        man = self.new_person(given_name="Mohammad Hussain", family_name="Ahmadi",
                              father_name="Ali", birth_date="1980-03-01", sex="M")
        look_alike = self.new_person(given_name="Mahmood", family_name="Ahmadi",
                                     father_name="Ali", birth_date="1980-03-01", sex="M")
        for q in ("Mohammad Hussain Ahmadi", "Muhammad Hossein Ahmady", "Mohd. Husain",
                  "محمد حسین احمدی", "Ahmadi Mohammad Hussain", "Mohammadhossein Ahmadi"):
            res = self.search(q=q)
            self.assertTrue(res["items"], q)
            self.assertEqual(res["items"][0]["person"]["id"], man["id"], q)
            top = res["items"][0]
            self.assertIsInstance(top["score"], int)
            self.assertTrue(0 <= top["score"] <= 100)
            self.assertIsInstance(top["explanation"], str)
            self.assertEqual(top["person"]["ref"], man["ref"])
        # Mahmood comes (same letters), but well below Mohammad
        res = self.search(q="Mohammad Ahmadi")
        scores = {it["person"]["id"]: it["score"] for it in res["items"]}
        self.assertGreater(scores[man["id"]], scores.get(look_alike["id"], 0) + 20)
        # father's name and birth year: in the score and its explanation
        res = self.search(q="Muhammad Husain Ahmady", father_name="علی", birth_year=1981)
        top = res["items"][0]
        self.assertEqual(top["person"]["id"], man["id"])
        self.assertIn("same father's name", top["explanation"])
        self.assertIn("born 1 year apart", top["explanation"])
        # sex filter
        res = self.search(q="Mohammad Hussain Ahmadi", sex="F")
        self.assertNotIn(man["id"], ids(res["items"]))

    def test_latin_query_finds_persian_record(self):
        p = self.new_person(given_name="Zarghuna", family_name=None,
                            family_name_native="وردک", father_name_native="تورپیکی",
                            given_name_native="زرغونه", sex="F", birth_date="1992-02-02")
        res = self.search(q="Zarghona Wardak")
        self.assertEqual(res["items"][0]["person"]["id"], p["id"])
        res = self.search(q="وردک زرغونه", father_name="Toorpekai")
        self.assertEqual(res["items"][0]["person"]["id"], p["id"])
        self.assertIn("father's name", res["items"][0]["explanation"])

    def test_office_scope(self):
        thr = self.new_person(given_name="Gulalai", family_name="Stanikzai", sex="F")
        mhd = self.new_person(self.cw_mhd, given_name="Gulalai", family_name="Stanekzai",
                              sex="F", office="MHD")
        found = ids(self.search(q="Gulalai Stanikzai")["items"])
        self.assertEqual(found[0], thr["id"])
        self.assertNotIn(mhd["id"], found)
        found = ids(self.search(self.cw_mhd, q="Gulalai Stanikzai")["items"])
        self.assertEqual(found[0], mhd["id"])
        self.assertNotIn(thr["id"], found)
        found = ids(self.search(self.admin, q="Gulalai Stanikzai")["items"])
        self.assertEqual(sorted(found[:2]), sorted([thr["id"], mhd["id"]]))

    def test_counter_trafficking_members_stay_hidden(self):
        """A member of a counter-trafficking case is closed to the office's
        caseworkers who are not assigned to it: search, the duplicate
        warning, duplicate pairs and an import's report never name them."""
        victim = self.new_person(given_name="Shabnam", family_name="Haidari",
                                 father_name="Ghulam Sakhi", sex="F", birth_date="1999-09-09")
        twin = self.new_person(given_name="Shabnam", family_name="Haidary",
                               father_name="Ghulam Sakhi", sex="F", birth_date="1999-09-09",
                               duplicate_override_reason="testing the scope")
        self.admin.ok("POST", "/cases", {"program": "COUNTER_TRAFFICKING",
                                         "principal_person_id": victim["id"]}, status=201)
        self.assertStatus(self.cw.get("/persons/%d" % victim["id"]), 404)
        # search: the supervisor finds both, the caseworker only the twin
        self.assertIn(victim["id"], ids(self.search(self.sup, q="Shabnam Haidari")["items"]))
        found = ids(self.search(q="Shabnam Haidari")["items"])
        self.assertIn(twin["id"], found)
        self.assertNotIn(victim["id"], found)
        # the duplicate warning names the twin only
        body = {"given_name": "Shabnam", "family_name": "Haydari", "father_name": "Ghulam Sakhi",
                "sex": "F", "birth_date": "1999-09-09", "check_duplicates": True}
        p = self.assertProblem(self.cw.post("/persons", body), 409)
        self.assertEqual(ids(p["duplicates"]), [twin["id"]])
        self.assertIn("1 registered person may", p["detail"])  # not counted either
        p = self.assertProblem(self.sup.post("/persons", body), 409)
        self.assertIn(victim["id"], ids(p["duplicates"]))
        # pairs for review: the caseworker's never include the victim
        def pair_ids(client):
            page = client.ok("GET", "/duplicates?limit=200")
            return [(it["person"]["id"], it["candidate"]["id"]) for it in page["items"]]
        self.assertIn((victim["id"], twin["id"]), pair_ids(self.sup))
        for a, b in pair_ids(self.cw):
            self.assertNotIn(victim["id"], (a, b))
        # an import's report names the twin, not the victim
        job = self.cw.ok("POST", "/imports", {
            "filename": "ct.csv", "dry_run": True,
            "content": "given_name,family_name,father_name,sex,birth_date\r\n"
                       "Shabnam,Heydari,Ghulam Sakhi,F,1999-09-09\r\n"}, status=201)
        for _ in range(200):
            job = self.cw.ok("GET", "/imports/%d" % job["id"])
            if job["state"] not in ("queued", "checking", "running"):
                break
            time.sleep(0.05)
        self.assertEqual(job["state"], "done", job)
        report = self.cw.get("/imports/%d/report" % job["id"]).body.decode()
        dups = [ln for ln in report.splitlines() if "(duplicate)" in ln]
        self.assertEqual(len(dups), 1, report)
        self.assertIn(twin["ref"], dups[0])

    def test_bad_queries_and_audit(self):
        r = self.cw.get("/persons/search")
        self.assertProblem(r, 400, field="q")
        r = self.cw.get("/persons/search?q=...")
        self.assertProblem(r, 400, field="q")
        r = self.cw.get("/persons/search?q=Ali&birth_year=18x")
        self.assertProblem(r, 400, field="birth_year")
        r = self.cw.get("/persons/search?q=Ali&sex=Q")
        self.assertProblem(r, 400, field="sex")
        r = self.cw.get("/persons/search?q=Ali&limit=0")
        self.assertProblem(r, 400, field="limit")
        self.assertStatus(self.anon.get("/persons/search?q=Ali"), 401)
        before = self.server.query("SELECT count(*) FROM audit_log WHERE action = 'person.search'")
        self.search(q="Parwin Nazari", birth_year=1990)
        rows = self.server.query("SELECT detail, user_id FROM audit_log WHERE action = "
                                 "'person.search' ORDER BY id DESC LIMIT 1")
        after = self.server.query("SELECT count(*) FROM audit_log WHERE action = 'person.search'")
        self.assertEqual(after[0][0], before[0][0] + 1)
        detail = json.loads(rows[0][0])
        self.assertEqual(detail["q"], "Parwin Nazari")
        self.assertEqual(detail["birth_year"], 1990)
        uid = self.server.query("SELECT id FROM users WHERE username = 'cw_thr'")[0][0]
        self.assertEqual(rows[0][1], uid)

    def test_duplicate_warning_then_override(self):
        first = self.new_person(given_name="Khadija", family_name="Rahimi", father_name="Nabi",
                                sex="F", birth_date="1990-04-04",
                                documents=[{"type": "tazkira", "number": "TZ-555-01"}])
        # her age guessed this time: a year off, marked as estimated
        body = {"given_name": "Khadijeh", "family_name": "Rahimy", "father_name": "Nabi",
                "sex": "F", "birth_date": "1991-01-01", "birth_date_estimated": True,
                "check_duplicates": True}
        before = self.server.snapshot()
        r = self.cw.post("/persons", body)
        p = self.assertProblem(r, 409, message="duplicate_override_reason")
        self.assertEqual(p["duplicates"][0]["person"]["id"], first["id"])
        self.assertIn("same father's name", p["duplicates"][0]["explanation"])
        self.assertGreaterEqual(p["duplicates"][0]["score"], 80)
        self.assertUnchanged(before, "the duplicate warning")
        # a caseworker of another office is not warned about THR's person
        r = self.cw_mhd.post("/persons", dict(body, office="MHD"))
        self.assertStatus(r, 201)
        # an empty reason is no reason
        del body["check_duplicates"]
        r = self.cw.post("/persons", dict(body, duplicate_override_reason=" "))
        self.assertProblem(r, 400, field="duplicate_override_reason")
        # saving anyway, with the reason recorded with the candidates
        r = self.cw.post("/persons", dict(body, duplicate_override_reason="sister-in-law, "
                                          "checked her tazkira"))
        self.assertStatus(r, 201)
        second = r.json
        row = self.server.query("SELECT detail FROM audit_log WHERE action = 'person.create' "
                                "AND entity_id = ?", (second["id"],))
        detail = json.loads(row[0][0])
        # the person's fields given; the override is recorded apart
        self.assertIn("given_name", detail["fields"])
        self.assertNotIn("duplicate_override_reason", detail["fields"])
        self.assertEqual(detail["duplicate_override"]["reason"],
                         "sister-in-law, checked her tazkira")
        self.assertIn(first["id"],
                      [c["person_id"] for c in detail["duplicate_override"]["candidates"]])
        # no duplicate: registered at once
        r = self.cw.post("/persons", {"given_name": "Shirzad", "family_name": "Popal",
                                      "sex": "M", "check_duplicates": True})
        self.assertStatus(r, 201)
        # pairs for review: the two Khadijas of THR
        page = self.cw.ok("GET", "/duplicates?limit=200")
        pairs = [(it["person"]["id"], it["candidate"]["id"]) for it in page["items"]]
        self.assertIn((first["id"], second["id"]), pairs)
        for it in page["items"]:
            self.assertGreaterEqual(it["score"], 80)
            self.assertEqual(it["person"]["office"], "THR")
            self.assertEqual(it["candidate"]["office"], "THR")
        self.assertProblem(self.cw.get("/duplicates?threshold=10"), 400, field="threshold")

    def test_reindex_and_dedupe_commands(self):
        p = self.new_person(given_name="Toorpekai", family_name="Momand", sex="F",
                            birth_date="1985-05-05", phone="+989121234567")
        q = self.new_person(given_name="Turpekai", family_name="Mohmand", sex="F",
                            birth_date="1985-05-05", phone="+989121234567",
                            duplicate_override_reason="testing dedupe")
        # the index lost (a restore done by hand): the persons are not found ...
        self.server.execute("DELETE FROM match_keys")
        self.server.execute("DELETE FROM match_persons")
        self.assertNotIn(p["id"], ids(self.search(q="Toorpekai Momand")["items"]))
        # ... until `safar reindex` rebuilds it from the persons table
        out = self.server.cli("reindex", "--db", self.server.db).stdout
        self.assertRegex(out, r"reindexed \d+ persons")
        self.assertEqual(ids(self.search(q="Toorpekai Momand")["items"])[0], p["id"])
        out = self.server.cli("dedupe", "--db", self.server.db).stdout
        line = [ln for ln in out.splitlines() if p["ref"] in ln and q["ref"] in ln]
        self.assertEqual(len(line), 1, out)
        score, ref_a, _, ref_b, _, why = line[0].split("\t")
        self.assertGreaterEqual(int(score), 80)
        self.assertEqual((ref_a, ref_b), (p["ref"], q["ref"]))
        self.assertIn("same phone", why)
        r = self.server.cli("dedupe", "--db", self.server.db, "--threshold", "0", check=False)
        self.assertEqual(r.returncode, 2)

    def family_with_cases(self):
        """A: the survivor; B: the same man registered again, head of a
        household and principal of a case; both children in one household."""
        a = self.new_person(given_name="Mohammad Yousef", family_name="Karimi",
                            father_name="Abdul Rahman", sex="M", birth_date="1975-01-01",
                            documents=[{"type": "tazkira", "number": "K-1001"}])
        b = self.new_person(given_name="Muhammad Yusuf", family_name="Karimy",
                            father_name="Abdurrahman", sex="M", birth_date="1975-06-01",
                            documents=[{"type": "tazkira", "number": "K-1001"},
                                       {"type": "passport", "number": "P7788",
                                        "expires_on": "2030-01-01"}])
        wife = self.new_person(given_name="Maryam", family_name="Karimi", sex="F")
        grandma = self.new_person(given_name="Bibi Gul", family_name="Karimi", sex="F")
        self.cw.ok("POST", "/persons/%d/consents" % b["id"], {"purpose": "travel"}, status=201)
        h1 = self.cw.ok("POST", "/households", {"head_person_id": b["id"], "members": [
            {"person_id": wife["id"], "relationship": "spouse"}]}, status=201)
        h2 = self.cw.ok("POST", "/households", {"head_person_id": grandma["id"], "members": [
            {"person_id": a["id"], "relationship": "child"},
            {"person_id": b["id"], "relationship": "child"}]}, status=201)
        case = self.cw.ok("POST", "/cases", {"program": "AVRR", "principal_person_id": b["id"],
                                             "members": [{"person_id": wife["id"],
                                                          "relationship": "spouse"}]},
                          status=201)
        return a, b, wife, h1, h2, case

    def state(self, *person_ids):
        """Who holds what: documents, consents, memberships, heads."""
        q = self.server.query
        marks = ",".join("?" * len(person_ids))
        return {
            "documents": q("SELECT id, person_id, type, number FROM person_documents "
                           "WHERE person_id IN (%s) ORDER BY id" % marks, person_ids),
            "consents": q("SELECT id, person_id FROM consents WHERE person_id IN (%s) "
                          "ORDER BY id" % marks, person_ids),
            "households": q("SELECT household_id, person_id, relationship FROM "
                            "household_members ORDER BY household_id, person_id"),
            "heads": q("SELECT id, head_person_id FROM households ORDER BY id"),
            "cases": q("SELECT case_id, person_id, relationship FROM case_members "
                       "ORDER BY case_id, person_id"),
            "principals": q("SELECT id, principal_person_id FROM cases ORDER BY id"),
        }

    def test_merge_and_undo(self):
        a, b, wife, h1, h2, case = self.family_with_cases()
        before = self.state(a["id"], b["id"])
        a_now = self.cw.ok("GET", "/persons/%d" % a["id"])
        body = {"other_person_id": b["id"], "version": a_now["version"],
                "reason": "same tazkira K-1001, registered twice"}
        # caseworkers do not merge; stale versions and self-merges are refused
        self.assertStatus(self.cw.post("/persons/%d/merge" % a["id"], body), 403)
        r = self.sup.post("/persons/%d/merge" % a["id"], dict(body, version=99))
        self.assertProblem(r, 409)
        r = self.sup.post("/persons/%d/merge" % a["id"], dict(body, other_person_id=a["id"]))
        self.assertProblem(r, 400, field="other_person_id")
        r = self.sup.post("/persons/%d/merge" % a["id"], dict(body, other_person_id=999999))
        self.assertProblem(r, 400, field="other_person_id", message="no person with id")

        r = self.sup.post("/persons/%d/merge" % a["id"], body)
        self.assertStatus(r, 201)
        m = r.json
        self.assertEqual(r.header("Location"), "/api/v1/merges/%d" % m["id"])
        self.assertEqual((m["survivor_id"], m["merged_id"]), (a["id"], b["id"]))
        self.assertIsNone(m["undone_at"])
        kinds = {(it["kind"], it["action"]) for it in m["items"]}
        self.assertIn(("document", "moved"), kinds)
        self.assertIn(("consent", "moved"), kinds)
        self.assertIn(("household_member", "moved"), kinds)
        self.assertIn(("household_member", "removed"), kinds)
        self.assertIn(("household_head", "replaced"), kinds)
        self.assertIn(("case_member", "moved"), kinds)
        self.assertIn(("case_principal", "replaced"), kinds)

        # the survivor holds everything, once
        p = self.cw.ok("GET", "/persons/%d" % a["id"])
        self.assertEqual(p["version"], a_now["version"] + 1)
        self.assertEqual(sorted((d["type"], d["number"]) for d in p["documents"]),
                         [("passport", "P7788"), ("tazkira", "K-1001")])
        self.assertEqual([c["purpose"] for c in p["consents"]], ["travel"])
        self.assertEqual(sorted((h["id"], h["relationship"]) for h in p["households"]),
                         sorted([(h1["id"], "head"), (h2["id"], "child")]))
        self.assertEqual([(c["id"], c["relationship"]) for c in p["cases"]],
                         [(case["id"], "principal")])
        hh = self.cw.ok("GET", "/households/%d" % h1["id"])
        self.assertEqual(hh["head_person_id"], a["id"])
        self.assertEqual(hh["version"], h1["version"] + 1)
        k = self.cw.ok("GET", "/cases/%d" % case["id"])
        self.assertEqual(k["principal_person_id"], a["id"])
        # the other is a tombstone naming the survivor
        r = self.cw.get("/persons/%d" % b["id"])
        gone = self.assertProblem(r, 410)
        self.assertEqual(gone["merged_into"]["id"], a["id"])
        self.assertEqual(gone["merged_into"]["ref"], a["ref"])
        # ... and the merge, so the file can offer an admin its undoing
        # without reading the audit trail
        self.assertEqual(gone["merge"], {"id": m["id"], "href": "/api/v1/merges/%d" % m["id"],
                                         "merged_at": m["merged_at"]})
        # another office's caseworker learns nothing, not even that it existed
        r = self.cw_mhd.get("/persons/%d" % b["id"])
        self.assertProblem(r, 404)
        self.assertNotIn("merge", r.json)
        self.assertNotIn("merged_into", r.json)
        listed = self.cw.ok("GET", "/persons?limit=200")
        self.assertNotIn(b["id"], [x["id"] for x in listed["items"]])
        res = self.search(q="Muhammad Yusuf Karimy")
        self.assertIn(a["id"], ids(res["items"]))
        self.assertNotIn(b["id"], ids(res["items"]))
        r = self.sup.post("/persons/%d/merge" % wife["id"],
                          {"other_person_id": b["id"], "version": 1, "reason": "again"})
        self.assertProblem(r, 422, field="other_person_id", message="already merged")
        audit = self.server.query("SELECT action, entity_id FROM audit_log WHERE action IN "
                                  "('person.merge', 'person.merged_into') ORDER BY id")
        self.assertEqual(audit[-2:], [("person.merge", a["id"]),
                                      ("person.merged_into", b["id"])])
        self.assertEqual(self.cw.ok("GET", "/merges/%d" % m["id"])["id"], m["id"])
        self.assertStatus(self.cw_mhd.get("/merges/%d" % m["id"]), 404)

        # only an admin undoes it; everything is back where it was
        self.assertStatus(self.sup.post("/merges/%d/undo" % m["id"], {}), 403)
        r = self.admin.post("/merges/%d/undo" % m["id"], {"reason": "two brothers after all"})
        self.assertStatus(r, 200)
        self.assertIsNotNone(r.json["undone_at"])
        self.assertEqual(r.json["undo_reason"], "two brothers after all")
        self.assertEqual(self.state(a["id"], b["id"]), before)
        back = self.cw.ok("GET", "/persons/%d" % b["id"])
        self.assertEqual(back["ref"], b["ref"])
        self.assertEqual(sorted(d["number"] for d in back["documents"]), ["K-1001", "P7788"])
        self.assertEqual(ids(self.search(q="Muhammad Yusuf Karimy")["items"])[0], b["id"])
        r = self.admin.post("/merges/%d/undo" % m["id"], {})
        self.assertProblem(r, 422, message="undone already")
        self.assertEqual(self.server.query("SELECT count(*) FROM audit_log WHERE action = "
                                           "'person.unmerge'")[0][0], 2)

        # merged again: the 410 names the new merge, not the undone one
        a_now = self.cw.ok("GET", "/persons/%d" % a["id"])
        again = self.sup.ok("POST", "/persons/%d/merge" % a["id"],
                            dict(body, version=a_now["version"], reason="the same man after all"),
                            status=201)
        self.assertNotEqual(again["id"], m["id"])
        gone = self.assertProblem(self.cw.get("/persons/%d" % b["id"]), 410)
        self.assertEqual(gone["merged_into"]["id"], a["id"])
        self.assertEqual(gone["merge"], {"id": again["id"],
                                         "href": "/api/v1/merges/%d" % again["id"],
                                         "merged_at": again["merged_at"]})


if __name__ == "__main__":
    main()
