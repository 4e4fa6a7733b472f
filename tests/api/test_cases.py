"""Cases and workflows: an AVRR case for a family of four moved from
registration to travel-ready, with the supervisor's approval, the guards
that name every member lacking consent or a travel document, history,
allowed transitions, withdrawal and reopening; the five workflows."""

import datetime
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safar_harness import ApiTestCase, iso, main, today  # noqa: E402

YEAR = today().year
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
PROGRAMS = ["AVRR", "RQA", "RESETTLEMENT", "MOVEMENT", "COUNTER_TRAFFICKING"]


def ref_seq(ref):
    return int(ref.rsplit("-", 1)[1])


class CasesTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cw_id = cls.cw.ok("GET", "/me")["id"]
        cls.sup_id = cls.sup.ok("GET", "/me")["id"]

    def family(self, name="Ahmadi"):
        father = self.new_person(given_name="Ahmad", family_name=name, sex="M",
                                 birth_date="1984-05-02", given_name_native="احمد")
        mother = self.new_person(given_name="Zahra", family_name=name, sex="F",
                                 birth_date="1988-03-21", given_name_native="زهرا")
        son = self.new_person(given_name="Ali", family_name=name, sex="M",
                              birth_date="2014-09-10",
                              documents=[{"type": "tazkira", "number": "TZ-%s-3" % name}])
        daughter = self.new_person(given_name="Fatima", family_name=name, sex="F",
                                   birth_date="2019-01-15")
        return father, mother, son, daughter

    def open_case(self, principal, members=(), program="AVRR", client=None, **extra):
        body = {"program": program, "principal_person_id": principal["id"],
                "members": [{"person_id": p["id"], "relationship": rel} for p, rel in members]}
        body.update(extra)
        r = (client or self.cw).post("/cases", body)
        self.assertStatus(r, 201)
        return r.json

    def move(self, case, to, client=None, reason=None, status=200):
        body = {"to": to, "version": case["version"]}
        if reason is not None:
            body["reason"] = reason
        r = (client or self.cw).post("/cases/%d/transitions" % case["id"], body)
        if status == 200:
            self.assertStatus(r, 200, "%s -> %s" % (case["status"], to))
            got = r.json
            self.assertEqual(got["status"], to)
            self.assertEqual(got["version"], case["version"] + 1)
            self.assertEqual(got["history"][-1]["from"], case["status"])
            self.assertEqual(got["history"][-1]["to"], to)
            return got
        return r

    def allowed(self, case_id, client):
        return {t["to"]: t for t in client.ok("GET", "/cases/%d" % case_id)["allowed_transitions"]}

    def add_consent(self, person, purpose="travel"):
        return self.cw.ok("POST", "/persons/%d/consents" % person["id"], {"purpose": purpose},
                          status=201)

    def set_documents(self, person, documents):
        cur = self.cw.ok("GET", "/persons/%d" % person["id"])
        docs = [{k: d[k] for k in ("type", "number", "issuer", "expires_on") if d.get(k)}
                for d in cur["documents"]] + documents
        self.cw.ok("PATCH", "/persons/%d" % person["id"], {"version": cur["version"],
                                                           "documents": docs})

    def guard_reasons(self, r, family):
        """{(given_name, 'consent'|'document')} from a 422 guard refusal."""
        prob = self.assertProblem(r, 422)
        by_ref = {p["ref"]: p["given_name"] for p in family}
        out = set()
        for e in prob["errors"]:
            msg = e["message"]
            refs = [ref for ref in by_ref if re.search(re.escape(ref) + r"\b", msg)]
            self.assertEqual(len(refs), 1, "the reason names one member by ref: %r" % msg)
            name = by_ref[refs[0]]
            self.assertIn(name, msg, "the reason names the person: %r" % msg)
            if "travel document" in msg:
                out.add((name, "document"))
            elif "consent" in msg:
                out.add((name, "consent"))
            else:
                self.fail("unexpected guard reason %r" % msg)
        self.assertEqual(len(out), len(prob["errors"]), "one error per reason: %r" % prob)
        return out

    # --- the whole journey --------------------------------------------------

    def test_avrr_family_to_travel_ready(self):
        fam = father, mother, son, daughter = self.family()
        case = self.open_case(father, [(mother, "spouse"), (son, "child"), (daughter, "child")])
        self.assertRegex(case["ref"], r"^AVRR-THR-%d-\d{5}$" % YEAR)
        self.assertEqual(case["program"], "AVRR")
        self.assertEqual(case["status"], "registered")
        self.assertEqual(case["office"], "THR")
        self.assertEqual(case["principal_person_id"], father["id"])
        self.assertEqual(case["version"], 1)
        self.assertEqual(case["priority"], "normal")
        self.assertIsNone(case["assigned_to"])
        self.assertIsNone(case["closed_on"])
        self.assertIn(case["opened_on"], {iso(today()), iso(today() - datetime.timedelta(1)),
                                          iso(today() + datetime.timedelta(1))})
        rel = {m["person_id"]: m["relationship"] for m in case["members"]}
        self.assertEqual(rel, {father["id"]: "principal", mother["id"]: "spouse",
                               son["id"]: "child", daughter["id"]: "child"})
        m = [m for m in case["members"] if m["person_id"] == mother["id"]][0]
        self.assertEqual((m["ref"], m["given_name"], m["family_name"]),
                         (mother["ref"], "Zahra", "Ahmadi"))
        self.assertEqual(len(case["history"]), 1)
        h = case["history"][0]
        self.assertEqual((h["from"], h["to"], h["reason"]), (None, "registered", "opened"))
        self.assertEqual(h["by"], self.cw_id)
        self.assertEqual(h["by_name"], "Maryam Rahimi")
        self.assertRegex(h["at"], RFC3339)
        at = self.allowed(case["id"], self.cw)
        self.assertEqual(set(at), {"counselling", "withdrawn"})
        self.assertIs(at["counselling"]["requires_reason"], False)
        self.assertIs(at["withdrawn"]["requires_reason"], True)
        self.assertEqual(at["counselling"]["permission"], "case.transition")
        url = "/cases/%d" % case["id"]
        self.assertEqual(self.cw.ok("GET", url), case)
        # the persons know their case
        pc = self.cw.ok("GET", "/persons/%d" % daughter["id"])["cases"]
        self.assertEqual([{k: c[k] for k in ("id", "ref", "program", "status")} for c in pc],
                         [{"id": case["id"], "ref": case["ref"], "program": "AVRR",
                           "status": "registered"}])

        case = self.move(case, "counselling")
        case = self.move(case, "eligibility_review")

        # eligibility is the supervisor's decision
        self.assertNotIn("eligible", self.allowed(case["id"], self.cw))
        sup_allowed = self.allowed(case["id"], self.sup)
        self.assertEqual(sup_allowed["eligible"]["permission"], "case.approve")
        self.assertIs(sup_allowed["ineligible"]["requires_reason"], True)
        before = self.server.snapshot()
        self.assertProblem(self.move(case, "eligible", status=403), 403)
        self.assertProblem(self.move(case, "ineligible", client=self.sup, status=422), 422,
                           field="reason")
        self.assertProblem(self.move(case, "ineligible", client=self.sup, reason="  ",
                                     status=422), 422, field="reason")
        self.assertUnchanged(before, "refused transitions")
        case = self.move(case, "eligible", client=self.sup)
        self.assertEqual(case["history"][-1]["by_name"], "Farid Hosseini")
        self.assertEqual(case["history"][-1]["by"], self.sup_id)
        case = self.move(case, "documentation")

        # travel-ready: nobody has consented nor holds a travel document
        before = self.server.snapshot()
        r = self.move(case, "travel_ready", status=422)
        self.assertEqual(self.guard_reasons(r, fam), {
            ("Ahmad", "consent"), ("Zahra", "consent"),
            ("Ahmad", "document"), ("Zahra", "document"), ("Ali", "document"),
            ("Fatima", "document")})
        self.assertUnchanged(before, "a refused travel-ready")
        self.assertEqual(self.cw.ok("GET", url)["status"], "documentation")

        # some of it fixed; a withdrawn consent, a passport without expiry
        # and an expired one do not count
        self.add_consent(father)
        self.add_consent(mother, "data_processing")
        c = self.add_consent(mother)
        self.cw.ok("POST", "/persons/%d/consents/%d/withdrawal" % (mother["id"], c["id"]), {})
        self.set_documents(father, [{"type": "passport", "number": "P9001", "expires_on":
                                     "2030-01-01"}])
        self.set_documents(mother, [{"type": "family_passport", "number": "FP9002",
                                     "expires_on": iso(today() + datetime.timedelta(400))}])
        self.set_documents(son, [{"type": "passport", "number": "P9003"}])
        self.set_documents(daughter, [{"type": "passport", "number": "P9004",
                                       "expires_on": "2020-01-01"}])
        case = self.cw.ok("GET", url)
        r = self.move(case, "travel_ready", status=422)
        self.assertEqual(self.guard_reasons(r, fam), {
            ("Zahra", "consent"), ("Ali", "document"), ("Fatima", "document")})

        # children need no consent; a document valid through today counts
        self.add_consent(mother)
        self.set_documents(son, [{"type": "laissez_passer", "number": "LP9005",
                                  "expires_on": iso(today() + datetime.timedelta(30))}])
        self.set_documents(daughter, [{"type": "family_passport", "number": "FP9006",
                                       "expires_on": iso(today())}])
        case = self.move(case, "travel_ready")
        self.assertEqual([(h["from"], h["to"]) for h in case["history"]], [
            (None, "registered"), ("registered", "counselling"),
            ("counselling", "eligibility_review"), ("eligibility_review", "eligible"),
            ("eligible", "documentation"), ("documentation", "travel_ready")])
        for h in case["history"]:
            self.assertRegex(h["at"], RFC3339)
            self.assertIn("by_name", h)
        self.assertIn("departed", self.allowed(case["id"], self.cw))
        self.assertEqual(self.cw.ok("GET", url), case)
        audit = self.server.query("SELECT count(*) FROM audit_log WHERE action = "
                                  "'case.transition' AND entity_id = ?", (case["id"],))
        self.assertEqual(audit[0][0], 5)

        # refusals at the end of the road
        before = self.server.snapshot()
        r = self.cw.post(url + "/transitions", {"to": "departed", "version": case["version"] - 1})
        self.assertEqual(self.assertProblem(r, 409)["current_version"], case["version"])
        r = self.cw.post(url + "/transitions", {"to": "flying", "version": case["version"]})
        self.assertProblem(r, 400, field="to")
        r = self.cw.post(url + "/transitions", {"to": "closed", "version": case["version"]})
        self.assertProblem(r, 422, field="to", message="cannot go from travel_ready to closed")
        r = self.cw.post(url + "/transitions", {"to": "departed"})
        self.assertProblem(r, 400, field="version")
        r = self.cw.post(url + "/transitions", {"to": "departed", "version": case["version"],
                                                "when": "now"})
        self.assertProblem(r, 400, field="when")
        self.assertProblem(self.cw.post("/cases/999999/transitions",
                                        {"to": "counselling", "version": 1}), 404)
        self.assertUnchanged(before, "refused transitions")

    def test_withdraw_needs_reason_and_reopen_needs_approval(self):
        father, mother, _, _ = self.family("Withdrawn")
        case = self.open_case(father, [(mother, "spouse")])
        case = self.move(case, "counselling")
        before = self.server.snapshot()
        self.assertProblem(self.move(case, "withdrawn", status=422), 422, field="reason")
        self.assertUnchanged(before)
        case = self.move(case, "withdrawn", reason="the family decided to stay")
        self.assertEqual(case["history"][-1]["reason"], "the family decided to stay")
        self.assertEqual(case["allowed_transitions"], [], "a caseworker cannot reopen")
        at = self.allowed(case["id"], self.sup)
        self.assertEqual(set(at), {"counselling"})
        self.assertEqual(at["counselling"]["permission"], "case.approve")
        self.assertIs(at["counselling"]["requires_reason"], True)
        self.assertProblem(self.move(case, "counselling", status=403), 403)
        self.assertProblem(self.move(case, "counselling", client=self.sup, status=422), 422,
                           field="reason")
        case = self.move(case, "counselling", client=self.sup, reason="they came back")
        self.assertEqual(case["status"], "counselling")

    def test_refs_are_gapless_per_program_office_and_year(self):
        father, mother, son, daughter = self.family("Seq")
        a = self.open_case(father)
        before = self.server.snapshot()
        r = self.cw.post("/cases", {"program": "AVRR", "principal_person_id": mother["id"],
                                    "members": [{"person_id": 999999, "relationship": "child"}]})
        self.assertProblem(r, 400, field="members[0].person_id",
                           message="no person with id 999999")
        self.assertUnchanged(before, "a refused case")
        b = self.open_case(mother)
        self.assertEqual(b["ref"].rsplit("-", 1)[0], "AVRR-THR-%d" % YEAR)
        self.assertEqual(ref_seq(b["ref"]), ref_seq(a["ref"]) + 1, "no number lost")
        # each programme and office has its own series
        def next_ref(series):
            n = self.server.query("SELECT count(*) FROM cases WHERE ref LIKE ?",
                                  (series + "-%",))[0][0]
            return "%s-%05d" % (series, n + 1)

        expect = next_ref("RQA-THR-%d" % YEAR)
        rqa = self.open_case(son, program="RQA")
        self.assertEqual(rqa["ref"], expect)
        self.assertEqual(rqa["status"], "registered")
        expect = next_ref("RESETTLEMENT-THR-%d" % YEAR)
        res = self.open_case(daughter, program="RESETTLEMENT")
        self.assertEqual(res["ref"], expect)
        self.assertEqual(res["status"], "referred")
        mashhad = self.new_person(self.cw_mhd, given_name="Hamid", sex="M")
        self.assertEqual(mashhad["office"], "MHD")
        expect = next_ref("AVRR-MHD-%d" % YEAR)
        m = self.open_case(mashhad, client=self.cw_mhd)
        self.assertEqual(m["ref"], expect)
        self.assertEqual(m["office"], "MHD")
        ct = self.open_case(self.new_person(given_name="Nazanin", sex="F"),
                            program="COUNTER_TRAFFICKING")
        self.assertEqual(ct["status"], "identified")
        mv = self.open_case(self.new_person(given_name="Javad", sex="M"), program="MOVEMENT")
        self.assertEqual(mv["status"], "registered")

    def test_concurrent_openings_get_consecutive_refs(self):
        import threading
        people = [self.new_person(given_name="Parallel", family_name="N%d" % i, sex="F")
                  for i in range(8)]
        results = {}

        def open_one(i):
            c = self.server.client("cw_thr")
            results[i] = c.post("/cases", {"program": "MOVEMENT",
                                           "principal_person_id": people[i]["id"]})
            c.close()

        threads = [threading.Thread(target=open_one, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual([results[i].status for i in range(8)], [201] * 8)
        seqs = sorted(ref_seq(results[i].json["ref"]) for i in range(8))
        self.assertEqual(seqs, list(range(seqs[0], seqs[0] + 8)), "unique and without gaps")

    def test_patch_case(self):
        father, mother, son, _ = self.family("Patch")
        case = self.open_case(father, [(mother, "spouse")])
        url = "/cases/%d" % case["id"]
        r = self.cw.patch(url, {"version": 1, "priority": "high", "destination_country": "AFG",
                                "assigned_to": self.cw_id,
                                "members": [{"person_id": mother["id"], "relationship": "spouse"},
                                            {"person_id": son["id"], "relationship": "child"}]})
        self.assertStatus(r, 200)
        c = r.json
        self.assertEqual(c["version"], 2)
        self.assertEqual((c["priority"], c["destination_country"], c["assigned_to"]),
                         ("high", "AFG", self.cw_id))
        rel = {m["person_id"]: m["relationship"] for m in c["members"]}
        self.assertEqual(rel, {father["id"]: "principal", mother["id"]: "spouse",
                               son["id"]: "child"})
        self.assertEqual(c["status"], "registered", "PATCH does not move the case")
        before = self.server.snapshot()
        for body, field in (({"version": 2, "priority": "asap"}, "priority"),
                            ({"version": 2, "destination_country": "XX"}, "destination_country"),
                            ({"version": 2, "destination_country": "ZZZ"}, "destination_country"),
                            ({"version": 2, "assigned_to": 999999}, "assigned_to"),
                            ({"version": 2, "status": "closed"}, "status"),
                            ({"version": 2, "members": [{"person_id": 999999,
                                                         "relationship": "child"}]},
                             "members[0].person_id"),
                            ({"priority": "low"}, "version")):
            with self.subTest(body=body):
                self.assertProblem(self.cw.patch(url, body), 400, field=field)
        prob = self.assertProblem(self.cw.patch(url, {"version": 1, "priority": "low"}), 409)
        self.assertEqual(prob["current_version"], 2)
        # the version from an If-Match header instead of the body
        for header in ("abc", "-1", "0", "W/\"x\"", "99999999999999999999999"):
            with self.subTest(if_match=header):
                self.assertProblem(self.cw.patch(url, {"priority": "low"},
                                                 headers={"If-Match": header}),
                                   400, field="If-Match")
        prob = self.assertProblem(self.cw.patch(url, {"priority": "low"},
                                                headers={"If-Match": "\"1\""}), 409)
        self.assertEqual(prob["current_version"], 2)
        self.assertProblem(self.cw.patch("/cases/999999", {"version": 1}), 404)
        self.assertUnchanged(before, "refused case updates")
        c2 = self.cw.ok("PATCH", url, {"version": 2, "assigned_to": None, "priority": "low"})
        self.assertIsNone(c2["assigned_to"])
        self.assertEqual(c2["version"], 3)

    def test_create_refusals(self):
        father, mother, _, _ = self.family("Bad")
        before = self.server.snapshot()
        for body, field, msg in (
                ({"program": "HOLIDAY", "principal_person_id": father["id"]}, "program", None),
                ({"principal_person_id": father["id"]}, "program", None),
                ({"program": "AVRR"}, "principal_person_id", None),
                ({"program": "AVRR", "principal_person_id": 999999}, "principal_person_id",
                 "no person with id 999999"),
                ({"program": "AVRR", "principal_person_id": father["id"],
                  "members": [{"person_id": mother["id"], "relationship": "wife"}]},
                 "members[0].relationship", None),
                ({"program": "AVRR", "principal_person_id": father["id"],
                  "destination_country": "XXX"}, "destination_country", None),
                ({"program": "AVRR", "principal_person_id": father["id"],
                  "priority": "whenever"}, "priority", None),
                ({"program": "AVRR", "principal_person_id": father["id"],
                  "assigned_to": 424242}, "assigned_to", None),
                ({"program": "AVRR", "principal_person_id": father["id"], "office": "XYZ"},
                 "office", None),
                ({"program": "AVRR", "principal_person_id": father["id"], "status": "closed"},
                 "status", None)):
            with self.subTest(body=body):
                self.assertProblem(self.cw.post("/cases", body), 400, field=field, message=msg)
        self.assertProblem(self.cw.get("/cases/999999"), 404)
        self.assertUnchanged(before, "refused case creations")

    def test_list_filters(self):
        father, mother, _, _ = self.family("Listed")
        a = self.open_case(father, assigned_to=self.cw_id, priority="urgent")
        b = self.open_case(mother, program="RQA")
        b = self.move(b, "qualification_review")
        ids = {a["id"], b["id"]}

        def found(q):
            r = self.cw.get("/cases?limit=200&" + q)
            self.assertStatus(r, 200, q)
            self.assertIn("next_cursor", r.json)
            return {c["id"] for c in r.json["items"]} & ids

        self.assertEqual(found("program=AVRR"), {a["id"]})
        self.assertEqual(found("program=RQA&status=qualification_review"), {b["id"]})
        self.assertEqual(found("status=registered&program=RQA"), set())
        self.assertEqual(found("office=THR"), ids)
        self.assertEqual(found("office=MHD"), set())
        self.assertEqual(found("assigned_to=me"), {a["id"]})
        self.assertEqual(found("assigned_to=%d" % self.cw_id), {a["id"]})
        self.assertEqual(found("assigned_to=%d" % self.sup_id), set())
        t = today()
        self.assertEqual(found("opened_from=%s&opened_to=%s" % (
            iso(t - datetime.timedelta(1)), iso(t + datetime.timedelta(1)))), ids)
        self.assertEqual(found("opened_to=2001-01-01"), set())
        item = [c for c in self.cw.ok("GET", "/cases?program=AVRR&limit=200")["items"]
                if c["id"] == a["id"]][0]
        self.assertEqual(item["ref"], a["ref"])
        self.assertEqual(item["priority"], "urgent")
        for q, param in (("program=HOLIDAY", "program"), ("assigned_to=someone", "assigned_to"),
                         ("opened_from=2026-02-30", "opened_from"), ("limit=0", "limit"),
                         ("office=1", "office")):
            self.assertProblem(self.cw.get("/cases?" + q), 400, field=param, msg=q)

    # --- workflows ------------------------------------------------------------

    def test_workflows_lists_all_five_programmes(self):
        r = self.cw.get("/workflows")
        self.assertStatus(r, 200)
        items = r.json["items"]
        self.assertEqual(sorted(w["program"] for w in items), sorted(PROGRAMS))
        wf = {w["program"]: w for w in items}
        initial = {"AVRR": "registered", "RQA": "registered", "RESETTLEMENT": "referred",
                   "MOVEMENT": "registered", "COUNTER_TRAFFICKING": "identified"}
        for prog, w in wf.items():
            self.assertEqual(w["initial"], initial[prog])
            states = {s["name"]: s["terminal"] for s in w["states"]}
            self.assertIn(w["initial"], states)
            self.assertIs(states.get("closed"), True, prog)
            self.assertIs(states.get("withdrawn"), True, prog)
            for t in w["transitions"]:
                self.assertIn(t["from"], states, (prog, t))
                self.assertIn(t["to"], states, (prog, t))
                self.assertIsInstance(t["requires_reason"], bool)
                self.assertIsInstance(t["guards"], list)
                self.assertIsInstance(t["permission"], str)
                self.assertNotEqual(t["from"], "closed", "closed is final")
            # withdrawn is reachable, with a reason, from every non-terminal state
            for s, terminal in states.items():
                if not terminal:
                    w_ = [t for t in w["transitions"] if t["from"] == s and t["to"] == "withdrawn"]
                    self.assertEqual(len(w_), 1, (prog, s))
                    self.assertIs(w_[0]["requires_reason"], True)
            tr = [t for t in w["transitions"] if t["to"] == "travel_ready"]
            for t in tr:
                self.assertTrue(t["guards"], "%s travel_ready has guards" % prog)
        avrr = wf["AVRR"]
        states = {s["name"]: s["terminal"] for s in avrr["states"]}
        self.assertEqual(set(states), {
            "registered", "counselling", "eligibility_review", "eligible", "ineligible",
            "documentation", "travel_ready", "departed", "arrived", "reintegration",
            "monitoring", "closed", "withdrawn"})
        self.assertEqual({s for s, t in states.items() if t}, {"ineligible", "closed", "withdrawn"})
        tr = {(t["from"], t["to"]): t for t in avrr["transitions"]}
        self.assertEqual(tr[("eligibility_review", "eligible")]["permission"], "case.approve")
        self.assertEqual(tr[("eligibility_review", "ineligible")]["permission"], "case.approve")
        self.assertIs(tr[("eligibility_review", "ineligible")]["requires_reason"], True)
        self.assertIs(tr[("eligibility_review", "eligible")]["requires_reason"], False)
        self.assertEqual(tr[("ineligible", "counselling")]["permission"], "case.approve")
        self.assertEqual(tr[("withdrawn", "counselling")]["permission"], "case.approve")
        self.assertEqual(len(tr[("documentation", "travel_ready")]["guards"]), 2)
        for a, b in (("registered", "counselling"), ("counselling", "eligibility_review"),
                     ("eligible", "documentation"), ("travel_ready", "departed"),
                     ("departed", "arrived"), ("arrived", "reintegration"),
                     ("reintegration", "monitoring"), ("monitoring", "closed")):
            self.assertIn((a, b), tr)
        rqa = {(t["from"], t["to"]): t for t in wf["RQA"]["transitions"]}
        self.assertEqual(rqa[("placement_offered", "approved")]["permission"], "case.approve")
        for s in ("qualification_review", "matching", "placement_offered"):
            self.assertIs(rqa[(s, "rejected")]["requires_reason"], True)
        self.assertIn(("cultural_orientation", "fit_to_travel"),
                      {(t["from"], t["to"]) for t in wf["RESETTLEMENT"]["transitions"]})
        self.assertIn(("booked", "travel_ready"),
                      {(t["from"], t["to"]) for t in wf["MOVEMENT"]["transitions"]})
        self.assertIn(("return_or_integration", "follow_up"),
                      {(t["from"], t["to"]) for t in wf["COUNTER_TRAFFICKING"]["transitions"]})


if __name__ == "__main__":
    main()
