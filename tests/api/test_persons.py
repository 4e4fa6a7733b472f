"""Persons: registering people with names in both scripts, reading,
updating with optimistic concurrency, listing with filters and paging,
exact look-ups, consent and its withdrawal."""

import datetime
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safar_harness import ApiTestCase, iso, main, today  # noqa: E402

ZAHRA = {
    "given_name": "Zahra",
    "family_name": "Ahmadi",
    "father_name": "Karim",
    "given_name_native": "زهرا",
    "family_name_native": "احمدی",
    "father_name_native": "کریم",
    "sex": "F",
    "birth_date": "1988-03-21",
    "birth_date_estimated": True,
    "nationality": "AFG",
    "phone": "+989121234567",
    "province_of_residence": "IR-23",
    "province_of_origin": "AF-HER",
    "education": "secondary",
    "occupation": "tailor",
    "skills": "sewing, embroidery",
    "languages": ["prs", "fas"],
    "documents": [
        {"type": "amayesh", "number": "AM-55501234", "issuer": "BAFIA", "expires_on": "2027-06-30"},
        {"type": "tazkira", "number": "1399-0101-12345"},
    ],
    "vulnerabilities": ["female_headed_household"],
}

PERSON_KEYS = {
    "id", "ref", "office", "given_name", "family_name", "father_name", "given_name_native",
    "family_name_native", "father_name_native", "sex", "birth_date", "birth_date_estimated",
    "nationality", "phone", "province_of_residence", "province_of_origin", "education",
    "occupation", "skills", "languages", "documents", "vulnerabilities", "consents",
    "households", "cases", "registered_on", "version", "created_at", "updated_at",
}

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def dates_near_today():
    t = today()
    return {iso(t), iso(t - datetime.timedelta(days=1)), iso(t + datetime.timedelta(days=1))}


class PersonsTest(ApiTestCase):

    def create(self, body, client=None):
        r = (client or self.cw).post("/persons", body)
        self.assertStatus(r, 201)
        return r

    # --- create / read ----------------------------------------------------

    def test_create_with_persian_names_and_read_back(self):
        r = self.create(ZAHRA)
        p = r.json
        self.assertTrue(PERSON_KEYS <= set(p), "missing: %s" % (PERSON_KEYS - set(p)))
        self.assertEqual(r.header("Location"), "/api/v1/persons/%d" % p["id"])
        self.assertRegex(p["ref"], r"^P-\d{6}$")
        self.assertEqual(p["office"], "THR", "the caseworker's only office is the default")
        self.assertEqual(p["version"], 1)
        for k, v in ZAHRA.items():
            if k != "documents":
                self.assertEqual(p[k], v, k)
        self.assertEqual(p["given_name_native"], "زهرا")
        self.assertEqual(p["family_name_native"], "احمدی")
        self.assertEqual(len(p["documents"]), 2)
        for sent, got in zip(ZAHRA["documents"], p["documents"]):
            self.assertIsInstance(got["id"], int)
            self.assertEqual(got["type"], sent["type"])
            self.assertEqual(got["number"], sent["number"])
            self.assertEqual(got.get("issuer"), sent.get("issuer"))
            self.assertEqual(got.get("expires_on"), sent.get("expires_on"))
        self.assertEqual(p["consents"], [])
        self.assertEqual(p["households"], [])
        self.assertEqual(p["cases"], [])
        self.assertIn(p["registered_on"], dates_near_today())
        self.assertRegex(p["created_at"], RFC3339)
        self.assertRegex(p["updated_at"], RFC3339)
        # GET returns the same object
        g = self.cw.get("/persons/%d" % p["id"])
        self.assertStatus(g, 200)
        self.assertEqual(g.content_type, "application/json")
        self.assertEqual(g.json, p)
        # the names are stored as they were typed
        row = self.server.query("SELECT given_name_native, family_name_native FROM persons "
                                "WHERE id = ?", (p["id"],))
        self.assertEqual(row, [("زهرا", "احمدی")])
        # one audit row for the creation
        audit = self.server.query("SELECT action, user_id FROM audit_log WHERE entity = 'person' "
                                  "AND entity_id = ?", (p["id"],))
        self.assertIn("person.create", [a for a, _ in audit])

    def test_minimal_person_has_nulls_and_empty_lists(self):
        p = self.create({"given_name": "Baran", "sex": "X"}).json
        for k in ("family_name", "father_name", "given_name_native", "birth_date",
                  "nationality", "phone", "province_of_residence", "province_of_origin"):
            self.assertIsNone(p[k], k)
        self.assertIs(p["birth_date_estimated"], False)
        for k in ("languages", "documents", "vulnerabilities"):
            self.assertEqual(p[k], [], k)

    def test_refs_are_sequential(self):
        a = self.create({"given_name": "First", "sex": "M"}).json
        b = self.create({"given_name": "Second", "sex": "M"}).json
        self.assertEqual(int(b["ref"][2:]), int(a["ref"][2:]) + 1)
        self.assertGreater(b["id"], a["id"])

    def test_office_is_required_for_a_user_without_exactly_one_office(self):
        before = self.server.snapshot()
        self.assertProblem(self.admin.post("/persons", {"given_name": "Nobody", "sex": "M"}),
                           400, field="office")
        self.assertProblem(self.admin.post("/persons", {"given_name": "Nobody", "sex": "M",
                                                        "office": "ZZZ"}), 400, field="office")
        self.assertUnchanged(before)
        p = self.create({"given_name": "Mashhadi", "sex": "M", "office": "MHD"}, self.admin).json
        self.assertEqual(p["office"], "MHD")

    def test_supervisor_registers_in_own_office(self):
        p = self.create({"given_name": "Sup", "sex": "F"}, self.sup).json
        self.assertEqual(p["office"], "THR")

    def test_name_limits_count_characters_not_bytes(self):
        p = self.create({"given_name": "A" * 100, "given_name_native": "ز" * 100, "sex": "F"}).json
        self.assertEqual(len(p["given_name"]), 100)
        self.assertEqual(p["given_name_native"], "ز" * 100)

    def test_unknown_person_is_404(self):
        self.assertProblem(self.cw.get("/persons/999999"), 404)
        self.assertProblem(self.cw.get("/persons/abc"), 404)

    def test_roles_without_person_access_get_403(self):
        self.server.add_user("donor", "partner_viewer")
        donor = self.server.login("donor")
        self.assertProblem(donor.get("/persons"), 403)
        before = self.server.snapshot()
        self.assertProblem(donor.post("/persons", {"given_name": "No", "sex": "M"}), 403)
        self.assertUnchanged(before)

    # --- update -----------------------------------------------------------

    def test_patch_updates_and_bumps_version(self):
        p = self.create(dict(ZAHRA, phone="+989121111111")).json
        url = "/persons/%d" % p["id"]
        r = self.cw.patch(url, {"version": 1, "occupation": "teacher", "phone": None,
                                "family_name_native": "محمدی",
                                "documents": [{"type": "passport", "number": "P01234567",
                                               "expires_on": "2030-01-01"}],
                                "vulnerabilities": []})
        self.assertStatus(r, 200)
        q = r.json
        self.assertEqual(q["version"], 2)
        self.assertEqual(q["occupation"], "teacher")
        self.assertIsNone(q["phone"], "null clears an optional field")
        self.assertEqual(q["family_name_native"], "محمدی")
        self.assertEqual([(d["type"], d["number"]) for d in q["documents"]],
                         [("passport", "P01234567")], "documents replace the whole list")
        self.assertEqual(q["vulnerabilities"], [])
        # untouched fields stay
        self.assertEqual(q["given_name_native"], "زهرا")
        self.assertEqual(q["languages"], ["prs", "fas"])
        self.assertEqual(q["ref"], p["ref"])
        self.assertEqual(q["created_at"], p["created_at"])
        self.assertEqual(self.cw.ok("GET", url), q)
        audit = self.server.query("SELECT action, detail FROM audit_log WHERE entity = 'person' "
                                  "AND entity_id = ? ORDER BY id", (p["id"],))
        self.assertEqual([a for a, _ in audit].count("person.update"), 1)
        detail = [d for a, d in audit if a == "person.update"][0]
        self.assertIn("occupation", detail)

    def test_patch_with_if_match_header(self):
        p = self.create({"given_name": "Header", "sex": "M"}).json
        url = "/persons/%d" % p["id"]
        r = self.cw.patch(url, {"skills": "driving"}, headers={"If-Match": "1"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["version"], 2)
        r = self.cw.patch(url, {"skills": "welding"}, headers={"If-Match": "1"})
        p = self.assertProblem(r, 409)
        self.assertEqual(p["current_version"], 2)

    def test_stale_version_is_409_and_changes_nothing(self):
        p = self.create({"given_name": "Karim", "sex": "M", "occupation": "mason"}).json
        url = "/persons/%d" % p["id"]
        self.assertStatus(self.cw.patch(url, {"version": 1, "occupation": "builder"}), 200)
        before = self.server.snapshot()
        r = self.sup.patch(url, {"version": 1, "occupation": "farmer", "given_name": "Kareem"})
        prob = self.assertProblem(r, 409)
        self.assertEqual(prob["current_version"], 2)
        self.assertUnchanged(before, "a stale PATCH")
        now = self.cw.ok("GET", url)
        self.assertEqual(now["occupation"], "builder")
        self.assertEqual(now["given_name"], "Karim")
        self.assertEqual(now["version"], 2)
        # a future version is just as wrong
        self.assertProblem(self.cw.patch(url, {"version": 7, "occupation": "x"}), 409)

    def test_concurrent_updates_one_wins(self):
        """Eight callers PATCH the same version at once: exactly one wins,
        the others get 409 and their changes are not written."""
        import threading
        p = self.create({"given_name": "Race", "sex": "M"}).json
        url = "/persons/%d" % p["id"]
        results = {}

        def patch(i):
            c = self.server.client("cw_thr" if i % 2 else "sup_thr")
            results[i] = c.patch(url, {"version": 1, "occupation": "job %d" % i})
            c.close()

        threads = [threading.Thread(target=patch, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(r.status for r in results.values())
        self.assertEqual(statuses, [200] + [409] * 7)
        winner = [i for i, r in results.items() if r.status == 200][0]
        now = self.cw.ok("GET", url)
        self.assertEqual((now["version"], now["occupation"]), (2, "job %d" % winner))
        for r in results.values():
            if r.status == 409:
                self.assertEqual(r.json["current_version"], 2)

    def test_patch_needs_a_version(self):
        p = self.create({"given_name": "Noversion", "sex": "F"}).json
        before = self.server.snapshot()
        r = self.cw.patch("/persons/%d" % p["id"], {"occupation": "nurse"})
        self.assertProblem(r, 400, field="version")
        self.assertUnchanged(before)

    def test_patch_cannot_clear_required_fields(self):
        p = self.create({"given_name": "Required", "sex": "F"}).json
        url = "/persons/%d" % p["id"]
        before = self.server.snapshot()
        self.assertProblem(self.cw.patch(url, {"version": 1, "given_name": None}), 400,
                           field="given_name")
        self.assertProblem(self.cw.patch(url, {"version": 1, "given_name": "  "}), 400,
                           field="given_name")
        self.assertProblem(self.cw.patch(url, {"version": 1, "sex": None}), 400, field="sex")
        self.assertUnchanged(before)

    def test_patch_unknown_person_is_404(self):
        self.assertProblem(self.cw.patch("/persons/999999", {"version": 1, "skills": "x"}), 404)

    # --- list -------------------------------------------------------------

    def test_list_filters_and_exact_lookups(self):
        tag = "Filterfam"
        made = [
            self.create({"given_name": "Laila", "family_name": tag, "sex": "F",
                         "nationality": "AFG", "province_of_residence": "IR-09",
                         "province_of_origin": "AF-KAB", "phone": "+989351112233",
                         "vulnerabilities": ["disability"],
                         "documents": [{"type": "tazkira", "number": "TZ-777-001"}]}).json,
            self.create({"given_name": "Omid", "family_name": tag, "sex": "M",
                         "nationality": "IRN", "province_of_residence": "IR-23"}).json,
            self.create({"given_name": "Sima", "family_name": tag, "sex": "F",
                         "province_of_origin": "AF-BAL", "office": "MHD"}, self.cw_mhd).json,
        ]
        ids = {p["id"] for p in made}

        def found(query, client=self.admin):
            r = client.get("/persons?" + query + "&limit=200")
            self.assertStatus(r, 200, query)
            body = r.json
            self.assertIn("next_cursor", body)
            return {p["id"] for p in body["items"]} & ids

        self.assertEqual(found("sex=F"), {made[0]["id"], made[2]["id"]})
        # office scope: each caseworker sees only the persons of their office
        self.assertEqual(found("sex=F", self.cw), {made[0]["id"]})
        self.assertEqual(found("sex=F", self.cw_mhd), {made[2]["id"]})
        self.assertEqual(found("office=MHD", self.cw), set())
        self.assertEqual(found("sex=M"), {made[1]["id"]})
        self.assertEqual(found("office=MHD"), {made[2]["id"]})
        self.assertEqual(found("office=THR"), {made[0]["id"], made[1]["id"]})
        self.assertEqual(found("nationality=IRN"), {made[1]["id"]})
        self.assertEqual(found("province=IR-09"), {made[0]["id"]}, "residence")
        self.assertEqual(found("province=AF-BAL"), {made[2]["id"]}, "origin")
        self.assertEqual(found("province=AF-KAB"), {made[0]["id"]}, "origin")
        self.assertEqual(found("vulnerability=disability"), {made[0]["id"]})
        self.assertEqual(found("sex=F&office=THR"), {made[0]["id"]})
        self.assertEqual(found("registered_from=%s&registered_to=%s" % (
            iso(today() - datetime.timedelta(days=1)), iso(today() + datetime.timedelta(days=1)))),
            ids)
        self.assertEqual(found("registered_to=2000-01-01"), set())
        self.assertEqual(found("registered_from=%s" % iso(today() + datetime.timedelta(days=2))),
                         set())
        # exact look-ups
        r = self.cw.ok("GET", "/persons?ref=" + made[1]["ref"])
        self.assertEqual([p["id"] for p in r["items"]], [made[1]["id"]])
        r = self.cw.ok("GET", "/persons?document=TZ-777-001")
        self.assertEqual([p["id"] for p in r["items"]], [made[0]["id"]])
        r = self.cw.ok("GET", "/persons?phone=%2B989351112233")
        self.assertEqual([p["id"] for p in r["items"]], [made[0]["id"]])
        self.assertEqual(self.cw.ok("GET", "/persons?ref=P-999999")["items"], [])
        self.assertEqual(self.cw.ok("GET", "/persons?document=TZ-777")["items"], [],
                         "document look-up is exact, not a prefix search")
        # list items are persons without consents, households and cases
        item = r["items"][0]
        self.assertEqual(item["given_name"], "Laila")
        self.assertEqual(item["documents"][0]["number"], "TZ-777-001")
        for k in ("consents", "households", "cases"):
            self.assertNotIn(k, item)

    def test_list_pages_by_id_ascending(self):
        for i in range(7):
            self.create({"given_name": "Pager", "family_name": "N%d" % i, "sex": "M"})
        seen = []
        cursor = None
        pages = 0
        while True:
            q = "/persons?limit=3" + ("&cursor=" + cursor if cursor else "")
            body = self.cw.ok("GET", q)
            self.assertLessEqual(len(body["items"]), 3)
            seen += [p["id"] for p in body["items"]]
            pages += 1
            cursor = body["next_cursor"]
            if cursor is None:
                break
            self.assertIsInstance(cursor, str)
            self.assertLess(pages, 100)
        # the THR caseworker pages through the persons of THR
        total = self.server.query("SELECT count(*) FROM persons p JOIN offices o "
                                  "ON o.id = p.office_id WHERE o.code = 'THR'")[0][0]
        self.assertEqual(len(seen), total)
        self.assertEqual(seen, sorted(seen))
        self.assertEqual(len(set(seen)), len(seen))
        # default page size is 50
        everything = self.cw.ok("GET", "/persons")
        self.assertEqual(len(everything["items"]), min(50, total))

    def test_list_bad_filters_name_the_parameter(self):
        for query, param in (("sex=Q", "sex"), ("nationality=XXX", "nationality"),
                             ("province=IR-99", "province"), ("limit=abc", "limit"),
                             ("limit=-1", "limit"), ("limit=0", "limit"), ("limit=201", "limit"),
                             ("cursor=%%%%", "cursor"), ("registered_from=2026-02-30",
                                                         "registered_from"),
                             ("registered_to=yesterday", "registered_to"),
                             ("vulnerability=rich", "vulnerability"), ("office=thr1", "office")):
            self.assertProblem(self.cw.get("/persons?" + query), 400, field=param, msg=query)

    # --- consent ------------------------------------------------------------

    def test_consent_and_withdrawal(self):
        p = self.create({"given_name": "Consenting", "sex": "F", "birth_date": "1990-01-01"}).json
        url = "/persons/%d" % p["id"]
        me = self.cw.ok("GET", "/me")
        r = self.cw.post(url + "/consents", {"purpose": "travel", "notes": "signed form 12"})
        self.assertStatus(r, 201)
        c = r.json
        self.assertIsInstance(c["id"], int)
        self.assertEqual(c["purpose"], "travel")
        self.assertIn(c["given_on"], dates_near_today(), "given_on defaults to today")
        self.assertEqual(c["recorded_by"], me["id"])
        self.assertIsNone(c["withdrawn_on"])
        self.assertEqual(c["notes"], "signed form 12")
        c2 = self.cw.ok("POST", url + "/consents", {"purpose": "data_processing",
                                                    "given_on": "2025-05-01"}, status=201)
        self.assertEqual(c2["given_on"], "2025-05-01")
        person = self.cw.ok("GET", url)
        self.assertEqual([x["purpose"] for x in person["consents"]],
                         ["travel", "data_processing"])
        # withdraw
        w = self.cw.post("%s/consents/%d/withdrawal" % (url, c["id"]),
                         {"notes": "changed her mind"})
        self.assertStatus(w, 200)
        self.assertIn(w.json["withdrawn_on"], dates_near_today())
        self.assertEqual(w.json["id"], c["id"])
        before = self.server.snapshot()
        again = self.cw.post("%s/consents/%d/withdrawal" % (url, c["id"]), {})
        self.assertProblem(again, 422)
        self.assertUnchanged(before, "withdrawing twice")
        person = self.cw.ok("GET", url)
        travel = [x for x in person["consents"] if x["id"] == c["id"]][0]
        self.assertEqual(travel["withdrawn_on"], w.json["withdrawn_on"])
        # an explicit withdrawal date
        w2 = self.cw.ok("POST", "%s/consents/%d/withdrawal" % (url, c2["id"]),
                        {"withdrawn_on": "2025-06-01"})
        self.assertEqual(w2["withdrawn_on"], "2025-06-01")

    def test_consent_bad_input(self):
        p = self.create({"given_name": "Consent", "sex": "M"}).json
        url = "/persons/%d/consents" % p["id"]
        other = self.create({"given_name": "Other", "sex": "M"}).json
        oc = self.cw.ok("POST", "/persons/%d/consents" % other["id"], {"purpose": "travel"},
                        status=201)
        tomorrow = iso(today() + datetime.timedelta(days=2))
        before = self.server.snapshot()
        self.assertProblem(self.cw.post(url, {}), 400, field="purpose")
        self.assertProblem(self.cw.post(url, {"purpose": "marketing"}), 400, field="purpose")
        self.assertProblem(self.cw.post(url, {"purpose": "travel", "given_on": tomorrow}), 400,
                           field="given_on")
        self.assertProblem(self.cw.post(url, {"purpose": "travel", "given_on": "2025-02-29"}),
                           400, field="given_on")
        self.assertProblem(self.cw.post(url, {"purpose": "travel", "by": "me"}), 400, field="by")
        self.assertProblem(self.cw.post("/persons/999999/consents", {"purpose": "travel"}), 404)
        # a consent of another person is not found under this one
        self.assertProblem(self.cw.post("/persons/%d/consents/%d/withdrawal" % (p["id"], oc["id"]),
                                        {}), 404)
        self.assertProblem(self.cw.post("/persons/%d/consents/999999/withdrawal" % p["id"], {}),
                           404)
        self.assertUnchanged(before)


if __name__ == "__main__":
    main()
