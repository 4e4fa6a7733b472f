"""Reference data from Debian's iso-codes, and offices (seeded by
`safar init`, managed by admins only)."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safar_harness import ApiTestCase, main  # noqa: E402

ISO = "/usr/share/iso-codes/json"

SEEDED = {
    "THR": ("Tehran", "IRN", "IR-23"),
    "MHD": ("Mashhad", "IRN", "IR-09"),
    "SHZ": ("Shiraz", "IRN", "IR-07"),
    "ISF": ("Isfahan", "IRN", "IR-10"),
    "KRM": ("Kerman", "IRN", "IR-08"),
}


def iso_json(name, key):
    with open(os.path.join(ISO, name), encoding="utf-8") as f:
        return json.load(f)[key]


class ReferenceTest(ApiTestCase):

    def whole_list(self, path, client=None):
        r = (client or self.cw).get(path)
        self.assertStatus(r, 200, path)
        body = r.json
        self.assertIsNone(body["next_cursor"], "reference lists are not paged")
        return body["items"]

    def test_countries(self):
        items = self.whole_list("/reference/countries")
        by = {c["code"]: c for c in items}
        self.assertEqual(by["AFG"], {"code": "AFG", "alpha_2": "AF", "name": "Afghanistan"})
        self.assertEqual(by["IRN"]["alpha_2"], "IR")
        self.assertIn("Iran", by["IRN"]["name"])
        self.assertEqual(len(items), len(iso_json("iso_3166-1.json", "3166-1")))

    def test_provinces(self):
        irn = self.whole_list("/reference/provinces?country=IRN")
        by = {p["code"]: p for p in irn}
        self.assertEqual(by["IR-23"]["name"], "Tehrān")
        self.assertEqual(by["IR-23"]["type"], "Province")
        self.assertTrue(all(c.startswith("IR-") for c in by))
        expected = {p["code"] for p in iso_json("iso_3166-2.json", "3166-2")
                    if p["code"].startswith("IR-")}
        self.assertEqual(set(by), expected)
        self.assertEqual(len(irn), 31, "Iran's 31 provinces, IR-00 ... IR-30")
        afg = self.whole_list("/reference/provinces?country=AFG")
        self.assertIn("AF-HER", {p["code"] for p in afg})
        self.assertEqual(len(afg), 34)
        # alpha-2 works too
        self.assertEqual(self.whole_list("/reference/provinces?country=AF"), afg)
        for bad in ("XXX", "ZZ", "1", "IRNN"):
            self.assertProblem(self.cw.get("/reference/provinces?country=" + bad), 400,
                               field="country", msg=bad)

    def test_currencies(self):
        items = self.whole_list("/reference/currencies")
        by = {c["code"]: c for c in items}
        for code, numeric in (("USD", 840), ("AFN", 971), ("IRR", 364)):
            self.assertIn(code, by)
            self.assertEqual(int(by[code]["numeric"]), numeric)
            self.assertTrue(by[code]["name"])
        self.assertEqual(by["USD"]["name"], "US Dollar")

    def test_languages(self):
        items = self.whole_list("/reference/languages")
        by = {c["code"]: c for c in items}
        for code in ("fas", "prs", "pus", "eng", "ara", "urd", "uzb", "tuk", "haz"):
            self.assertIn(code, by, code)
        self.assertEqual(by["prs"]["name"], "Dari")
        self.assertTrue(all(len(c) == 3 and c.islower() for c in by))
        self.assertLess(len(items), 1000, "not all 7000 languages of ISO 639-3")

    def test_every_role_reads_reference_data(self):
        self.server.add_user("donor", "partner_viewer")
        self.server.add_user("trainer1", "trainer", "THR")
        for user in ("donor", "trainer1"):
            c = self.server.login(user)
            self.assertEqual(len(self.whole_list("/reference/currencies", c)),
                             len(self.whole_list("/reference/currencies")))
        self.assertProblem(self.anon.get("/reference/countries"), 401)


class OfficesTest(ApiTestCase):

    def test_seeded_offices(self):
        r = self.cw.get("/offices")
        self.assertStatus(r, 200)
        body = r.json
        self.assertIsNone(body["next_cursor"])
        by = {o["code"]: o for o in body["items"]}
        for code, (name, country, province) in SEEDED.items():
            o = by[code]
            self.assertEqual((o["name"], o["country"], o["province"]), (name, country, province))
            self.assertIsInstance(o["id"], int)
            self.assertEqual(o["version"], 1)
        self.assertEqual(self.cw.ok("GET", "/offices/MHD"), by["MHD"])
        self.assertProblem(self.cw.get("/offices/XYZ"), 404)
        self.assertProblem(self.cw.get("/offices/thr"), 404)

    def test_caseworker_cannot_manage_offices(self):
        before = self.server.snapshot()
        r = self.cw.post("/offices", {"code": "HRT", "name": "Herat", "country": "AFG",
                                      "province": "AF-HER"})
        self.assertProblem(r, 403)
        r = self.sup.patch("/offices/THR", {"version": 1, "name": "Tehran HQ"})
        self.assertProblem(r, 403)
        self.assertUnchanged(before, "refused office changes")
        self.assertEqual(self.cw.ok("GET", "/offices/THR")["name"], "Tehran")

    def test_admin_adds_and_renames_an_office(self):
        r = self.admin.post("/offices", {"code": "ZAH", "name": "Zahedan", "country": "IRN",
                                         "province": "IR-11"})
        self.assertStatus(r, 201)
        o = r.json
        self.assertEqual((o["code"], o["name"], o["country"], o["province"], o["version"]),
                         ("ZAH", "Zahedan", "IRN", "IR-11", 1))
        self.assertEqual(r.header("Location"), "/api/v1/offices/ZAH")
        self.assertEqual(self.cw.ok("GET", "/offices/ZAH"), o)
        # it can be used at once
        p = self.new_person(self.admin, given_name="Zahedani", sex="M", office="ZAH")
        self.assertEqual(p["office"], "ZAH")
        r = self.admin.patch("/offices/ZAH", {"version": 1, "name": "Zahedan sub-office"})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["name"], r.json["version"], r.json["code"]),
                         ("Zahedan sub-office", 2, "ZAH"))
        before = self.server.snapshot()
        prob = self.assertProblem(self.admin.patch("/offices/ZAH", {"version": 1, "name": "X"}),
                                  409)
        self.assertEqual(prob["current_version"], 2)
        self.assertUnchanged(before)
        audit = self.server.query("SELECT action FROM audit_log WHERE entity = 'office' "
                                  "AND entity_id = ?", (o["id"],))
        self.assertEqual(sorted(a for (a,) in audit), ["office.create", "office.update"])

    def test_office_validation(self):
        before = self.server.snapshot()
        good = {"code": "BAM", "name": "Bam", "country": "IRN", "province": "IR-15"}
        for change, field in (({"code": "ba"}, "code"), ({"code": "bam"}, "code"),
                              ({"code": "BAMM"}, "code"), ({"code": "THR"}, "code"),
                              ({"country": "XXX"}, "country"), ({"province": "IR-99"}, "province"),
                              ({"province": "AF-HER"}, "province"),
                              ({"name": ""}, "name"),
                              ({"boss": "me"}, "boss")):
            body = dict(good)
            body.update(change)
            with self.subTest(change=change):
                r = self.admin.post("/offices", body)
                if field == "code" and change["code"] == "THR":
                    self.assertIn(r.status, (400, 409), "a taken code: %r" % r)
                    self.assertEqual(r.content_type, "application/problem+json")
                else:
                    self.assertProblem(r, 400, field=field)
        self.assertProblem(self.admin.patch("/offices/THR", {"version": 1, "code": "TTT"}), 400,
                           field="code")
        self.assertProblem(self.admin.patch("/offices/XYZ", {"version": 1, "name": "X"}), 404)
        self.assertUnchanged(before, "refused office requests")


if __name__ == "__main__":
    main()
