"""Bulk import of persons: `safar import persons` and POST /api/v1/imports.

Malformed files are refused with a message naming row and column and leave
the database as it was; a refused row stops the whole import unless
--skip-invalid; a dry run writes nothing; the report lists every refused
field and every possible duplicate; uploads are processed by the server's
worker while GET /imports/{id} shows the progress."""

import base64
import csv
import io
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safar_harness import ApiTestCase, main  # noqa: E402

HEADER = ("given_name,family_name,father_name,given_name_native,family_name_native,"
          "father_name_native,sex,birth_date,birth_date_estimated,phone,vulnerabilities,"
          "document_type,document_number\r\n")

GOOD_ROWS = [
    "Zahra,Rahimi,Karim,زهرا,رحیمی,کریم,F,1990-04-02,false,+989121110001,"
    "female_headed_household;disability,amayesh,IMP-1001\r\n",
    "Gul Ahmad,Noorzai,Abdul Qadir,گل احمد,نورزی,عبدالقادر,M,1975-01-01,true,,,tazkira,IMP-1002\r\n",
    "\"Abdul Rahman\",\"Popal\",,,,,M,2001-12-30,,,,,\r\n",
]

BAD_ROW = ("محمد,Ahmadi,,,,,Q,2090-01-01,maybe,0912,foo,passport,\r\n")


def people_csv(rows):
    return (HEADER + "".join(rows)).encode("utf-8")


def read_report(text):
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


class ImportTest(ApiTestCase):

    def write(self, name, data):
        path = os.path.join(self.server.dir, name)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    def cli_import(self, data, *args, name="list.csv"):
        path = self.write(name, data)
        return self.server.cli("import", "persons", path, "--db", self.server.db, *args,
                               check=False)

    def persons_count(self):
        return self.server.query("SELECT count(*) FROM persons")[0][0]

    # ---- malformed files: refused, database untouched ----

    def assertRefusedFile(self, data, *messages, args=("--office", "THR")):
        before = self.server.snapshot()
        p = self.cli_import(data, *args)
        self.assertEqual(p.returncode, 1, "stdout %r stderr %r" % (p.stdout, p.stderr))
        for m in messages:
            self.assertIn(m, p.stderr)
        self.assertUnchanged(before, "a refused file")
        return p

    def test_file_not_utf8_is_refused(self):
        # "Mohammad" in Windows-1256
        data = HEADER.encode() + b"Ali,Ahmadi,,\xe3\xcd\xe3\xcf,,,M,,,,,,\r\n"
        self.assertRefusedFile(data, "row 2, column 4", "not UTF-8", "Nothing was imported")
        self.assertRefusedFile(b"\xff\xfeg\x00i\x00v\x00", "UTF-16")

    def test_unbalanced_quote_is_refused(self):
        data = people_csv([GOOD_ROWS[0], "\"Reza,Karimi,,,,,M,,,,,,\r\n", GOOD_ROWS[1]])
        self.assertRefusedFile(data, "row 3, column 1 (line 3)", "not closed")

    def test_missing_required_column_is_refused(self):
        self.assertRefusedFile(b"given_name,family_name\r\nAli,Ahmadi\r\n", "no sex column")
        self.assertRefusedFile(b"family_name,sex\r\nAhmadi,M\r\n", "no given_name column")
        # an unknown column is named, with the way to map or ignore it
        p = self.assertRefusedFile(b"given_name,sex,Notes\r\nAli,M,x\r\n", "column 3",
                                   "\"Notes\" is not a person field")
        self.assertIn("Notes,", p.stderr)
        # no office anywhere
        self.assertRefusedFile(b"given_name,sex\r\nAli,M\r\n", "no office column", args=())

    def test_binary_file_is_refused(self):
        png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"
        self.assertRefusedFile(png, "binary file")
        self.assertRefusedFile(HEADER.encode() + b"Ali,Ahmadi,\x00,,,,M,,,,,,\r\n",
                               "row 2, column 3", "NUL byte")

    def test_empty_files_are_refused(self):
        self.assertRefusedFile(b"", "is empty")
        self.assertRefusedFile(b"\xef\xbb\xbf", "is empty")
        self.assertRefusedFile(HEADER.encode(), "no rows")

    # ---- rows: all or nothing, skip-invalid, dry run, the report ----

    def test_one_invalid_row_and_nothing_is_imported(self):
        before = self.server.snapshot()
        report = os.path.join(self.server.dir, "aon-report.csv")
        p = self.cli_import(people_csv([GOOD_ROWS[0], BAD_ROW, GOOD_ROWS[1]]),
                            "--office", "THR", "--report", report)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("1 of 3 rows refused, so nothing was imported", p.stderr)
        self.assertIn("--skip-invalid", p.stderr)
        self.assertUnchanged(before, "an all-or-nothing import with a refused row")
        with open(report, encoding="utf-8") as f:
            header, lines = read_report(f.read())
        self.assertEqual(header, ["row", "column", "value", "reason"])
        lines = [l for l in lines if l[1] != "(duplicate)"]
        by_column = {l[1]: l for l in lines}
        self.assertEqual({l[0] for l in lines}, {"3"})
        self.assertEqual(set(by_column), {"given_name", "sex", "birth_date",
                                          "birth_date_estimated", "phone", "vulnerabilities",
                                          "document_number"})
        self.assertEqual(by_column["given_name"][2], "محمد")
        self.assertIn("Latin script", by_column["given_name"][3])
        self.assertEqual(by_column["birth_date"][2:], ["2090-01-01", "must not be in the future"])
        self.assertEqual(by_column["phone"][2], "0912")
        self.assertIn("E.164", by_column["phone"][3])
        self.assertEqual(by_column["vulnerabilities"][3], 'no vulnerability with code "foo"')
        self.assertEqual(by_column["document_number"][2:], ["", "is required"])
        self.assertEqual(by_column["sex"][2], "Q")

    def test_skip_invalid_imports_the_valid_rows(self):
        n = self.persons_count()
        report = os.path.join(self.server.dir, "skip-report.csv")
        rows = [GOOD_ROWS[0].replace("IMP-1001", "SKIP-1"), BAD_ROW,
                GOOD_ROWS[2], "Ali,,,,,,M,,,,,,,extra\r\n"]
        p = self.cli_import(people_csv(rows), "--office", "THR", "--skip-invalid",
                            "--report", report, "--no-duplicates")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("imported 2 of 4 rows", p.stdout)
        self.assertIn("2 rows refused", p.stdout)
        self.assertEqual(self.persons_count(), n + 2)
        # the imported persons are what the API shows, with their lists
        r = self.admin.get("/persons?document=SKIP-1")
        self.assertStatus(r, 200)
        (z,) = r.json["items"]
        self.assertEqual((z["given_name"], z["family_name_native"], z["office"], z["sex"]),
                         ("Zahra", "رحیمی", "THR", "F"))
        self.assertEqual(z["vulnerabilities"], ["disability", "female_headed_household"])
        self.assertEqual(z["documents"][0]["type"], "amayesh")
        self.assertFalse(z["birth_date_estimated"])
        # each imported person has its audit row
        rows = self.server.query("SELECT action, detail FROM audit_log WHERE entity = 'person' "
                                 "AND entity_id = ?", (z["id"],))
        self.assertEqual(rows[0][0], "person.import")
        self.assertIn('"row":2', rows[0][1])
        # written in one batch, the rows keep the hash chain whole
        v = self.server.cli("audit", "verify", "--db", self.server.db, check=False)
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        with open(report, encoding="utf-8") as f:
            header, lines = read_report(f.read())
        lines = [l for l in lines if l[1] != "(duplicate)"]
        self.assertEqual({l[0] for l in lines}, {"3", "5"})
        (extra,) = [l for l in lines if l[0] == "5"]
        self.assertIn("the row has 14 fields but the header has 13", extra[3])

    def test_dry_run_writes_nothing(self):
        before = self.server.snapshot()
        rows = [r.replace("IMP-", "DRY-") for r in GOOD_ROWS]
        p = self.cli_import(people_csv(rows), "--office", "THR", "--dry-run")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("dry run", p.stdout)
        self.assertIn("3 of 3 rows would be imported, 0 refused", p.stdout)
        self.assertUnchanged(before, "a dry run")
        # a dry run that finds a refused row says so in its exit status
        p = self.cli_import(people_csv(rows + [BAD_ROW]), "--office", "THR", "--dry-run")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("1 refused", p.stdout)
        self.assertIn("row,column,value,reason", p.stderr)  # the first lines on stderr
        self.assertUnchanged(before, "a dry run with a refused row")

    def test_mapping_file_names_the_columns(self):
        mapping = self.write("mapping.csv", "column,field\nFirst Name,given_name\n"
                                            "Surname,family_name\nGender,sex\nRemarks,\n"
                                            "Office,office\n")
        data = ("First Name,Surname,Gender,Remarks,Office\r\n"
                "Mariam,Hakimi,F,came with two children,MHD\r\n").encode()
        p = self.cli_import(data, "--mapping", mapping, "--no-duplicates")
        self.assertEqual(p.returncode, 0, p.stderr)
        r = self.admin.get("/persons?office=MHD")
        names = [(x["given_name"], x["family_name"]) for x in r.json["items"]]
        self.assertIn(("Mariam", "Hakimi"), names)
        # a mapping to a field that does not exist is refused before reading
        bad = self.write("bad-mapping.csv", "First Name,first_name\n")
        p = self.cli_import(data, "--mapping", bad)
        self.assertEqual(p.returncode, 1)
        self.assertIn("\"first_name\", which is not a person field", p.stderr)

    def test_duplicates_are_flagged_in_the_file_and_against_the_registry(self):
        known = self.new_person(self.admin, given_name="Mohammad Hussain",
                                family_name="Ahmadi", father_name="Ghulam Sakhi",
                                given_name_native="محمد حسین", family_name_native="احمدی",
                                sex="M", birth_date="1984-03-01", office="THR")
        rows = [
            # the registered man, spelled as a referral list spells him
            "Muhammad Hossein,Ahmady,Gholam Sakhi,,,,M,1984-03-01,,,,,\r\n",
            # a woman nobody has registered, twice in the same list
            "Fereshta,Wardak,Abdul Basir,فرشته,وردک,عبدالبصیر,F,1999-07-15,,,,,\r\n",
            "Freshta,Wardak,Abdulbasir,,,,F,1999-07-15,,,,,\r\n",
            # and someone else altogether
            "Nargis,Haidari,Mahmood,,,,F,2010-02-02,,,,,\r\n",
        ]
        report = os.path.join(self.server.dir, "dup-report.csv")
        p = self.cli_import(people_csv(rows), "--office", "THR", "--report", report)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("2 rows flagged as possible duplicates", p.stdout)
        with open(report, encoding="utf-8") as f:
            _, lines = read_report(f.read())
        dups = {(l[0], l[2]) for l in lines if l[1] == "(duplicate)"}
        self.assertEqual(dups, {("2", known["ref"]), ("4", "row 3")})
        for l in lines:
            self.assertRegex(l[3], r"^possible duplicate \(score \d+\)")

    # ---- POST /api/v1/imports ----

    def wait_done(self, client, job, seen=None, timeout=120):
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            r = client.get("/imports/%d" % job["id"])
            self.assertStatus(r, 200)
            j = r.json
            if seen is not None:
                seen.append(j)
            if j["state"] in ("done", "invalid", "refused", "failed"):
                return j
            time.sleep(0.02)
        self.fail("import %d did not finish: %r" % (job["id"], j))

    def many_rows(self, n, tag):
        out = []
        for i in range(n):
            out.append("Person%s,Family%d,Father%d,,,,%s,19%02d-01-01,true,,,amayesh,%s-%d\r\n"
                       % (chr(65 + i % 26), i, i % 97, "FM"[i % 2], 40 + i % 60, tag, i))
        return people_csv(out)

    def test_upload_is_imported_by_the_worker_with_progress(self):
        n = self.persons_count()
        data = self.many_rows(3000, "UP")
        r = self.cw.post("/imports", {"filename": "big.csv", "dry_run": False,
                                      "check_duplicates": False,
                                      "content_base64": base64.b64encode(data).decode()})
        self.assertStatus(r, 201)
        job = r.json
        self.assertEqual(r.header("Location"), "/api/v1/imports/%d" % job["id"])
        self.assertIn(job["state"], ("queued", "checking", "running", "done"))
        self.assertEqual(job["office"], "THR")  # the caseworker's only office
        self.assertEqual(job["bytes"], len(data))
        seen = []
        done = self.wait_done(self.cw, job, seen)
        self.assertEqual(done["state"], "done", done)
        self.assertEqual((done["rows_total"], done["rows_done"], done["rows_imported"],
                          done["rows_refused"]), (3000, 3000, 3000, 0))
        self.assertGreater(done["rows_per_second"], 0)
        self.assertIsNotNone(done["finished_at"])
        self.assertRegex(done["first_ref"], r"^P-\d{6}$")
        self.assertEqual(self.persons_count(), n + 3000)
        # the uploaded file is gone once imported; the report stays
        self.assertEqual(self.server.query("SELECT kind, count(*) FROM import_parts WHERE "
                                           "import_id = ? GROUP BY kind", (job["id"],)),
                         [("report", 1)])
        for j in seen:  # every state seen on the way is one of the documented ones
            self.assertIn(j["state"], ("queued", "checking", "running", "done"))
            if j["state"] == "running":
                self.assertEqual(j["rows_total"], 3000)
                self.assertLessEqual(j["rows_done"], 3000)
        r = self.cw.get(done["report_url"])
        self.assertStatus(r, 200)
        self.assertEqual(r.content_type, "text/csv")
        self.assertEqual(r.text, "row,column,value,reason\r\n")
        # the list shows it to its owner and to admins, not to others
        self.assertIn(job["id"], [j["id"] for j in self.cw.get("/imports").json["items"]])
        self.assertIn(job["id"], [j["id"] for j in self.admin.get("/imports").json["items"]])
        self.assertNotIn(job["id"], [j["id"] for j in self.cw_mhd.get("/imports").json["items"]])
        self.assertProblem(self.cw_mhd.get("/imports/%d" % job["id"]), 404)
        self.assertProblem(self.cw_mhd.get("/imports/%d/report" % job["id"]), 404)

    def test_other_writes_go_on_during_an_import(self):
        """The worker writes in batches of about 250 ms, each committed with
        the job's progress: the database's writer is free in between, so a
        registration does not wait for the whole import (nor fails with 503
        after 5 s on a long one)."""
        n = self.persons_count()
        # a few seconds of import: on SQLite with the duplicate search, on
        # PostgreSQL (a round trip per statement) without it
        rows, dups = (1500, False) if self.server.kind == "postgres" else (4000, True)
        data = self.many_rows(rows, "BATCH")
        r = self.cw.post("/imports", {"filename": "batches.csv", "check_duplicates": dups,
                                      "content_base64": base64.b64encode(data).decode()})
        self.assertStatus(r, 201)
        job = r.json
        midway, slowest = None, 0.0
        t0 = time.monotonic()
        while time.monotonic() - t0 < 120:
            row = self.server.query("SELECT state, rows_done FROM imports WHERE id = ?",
                                    (job["id"],))[0]
            if row[0] == "running" and 0 < row[1] < rows:
                midway = row  # committed progress of an unfinished import
                t = time.monotonic()
                self.new_person(given_name="Batch", family_name="Probe", sex="F")
                slowest = max(slowest, time.monotonic() - t)
            if row[0] not in ("queued", "running"):
                break
            time.sleep(0.05)
        self.assertIsNotNone(midway, "no batch was committed before the import ended")
        self.assertLess(slowest, 2.0)
        done = self.wait_done(self.cw, job)
        self.assertEqual((done["state"], done["rows_imported"]), ("done", rows), done)
        probes = self.server.query("SELECT count(*) FROM persons WHERE given_name = 'Batch'")
        self.assertEqual(self.persons_count(), n + rows + probes[0][0])
        # the report, stored batch by batch, has one header
        self.assertEqual(self.cw.get(done["report_url"]).text.count("row,column"), 1)

    def test_upload_in_parts(self):
        data = self.many_rows(50, "PART")
        half = len(data) // 2
        r = self.cw.post("/imports", {"filename": "parts.csv", "more": True,
                                      "content": data[:half].decode()})
        self.assertStatus(r, 201)
        job = r.json
        self.assertEqual(job["state"], "uploading")
        time.sleep(0.3)  # the worker leaves an upload alone
        self.assertEqual(self.cw.get("/imports/%d" % job["id"]).json["state"], "uploading")
        r = self.cw.post("/imports/%d/parts" % job["id"],
                         {"content_base64": base64.b64encode(data[half:]).decode()})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["bytes"], len(data))
        done = self.wait_done(self.cw, job)
        self.assertEqual((done["state"], done["rows_imported"]), ("done", 50))
        r = self.cw.post("/imports/%d/parts" % job["id"], {"content": "x"})
        self.assertProblem(r, 422, "state", "complete")

    def test_uploaded_rows_are_all_or_nothing_and_reported(self):
        before = self.persons_count()
        rows = [GOOD_ROWS[0].replace("IMP-", "API-"), BAD_ROW,
                "Reza,Karimi,,,,,M,,,,,,\r\n".replace(",M,", ",M,"),
                ]
        data = ("office," + HEADER).encode() + b"".join(
            ("THR," + r).encode() for r in rows) + "MHD,Ali,Jafari,,,,,M,,,,,,\r\n".encode()
        r = self.cw.post("/imports", {"content": data.decode()})
        self.assertStatus(r, 201)
        done = self.wait_done(self.cw, r.json)
        self.assertEqual(done["state"], "invalid", done)
        self.assertEqual((done["rows_refused"], done["rows_imported"]), (2, 2))
        self.assertIn("nothing was imported", done["message"])
        self.assertEqual(self.persons_count(), before)
        header, lines = read_report(self.cw.get(done["report_url"]).text)
        self.assertEqual(header, ["row", "column", "value", "reason"])
        lines = [l for l in lines if l[1] != "(duplicate)"]  # earlier tests' persons
        self.assertEqual({l[0] for l in lines}, {"3", "5"})
        (office,) = [l for l in lines if l[0] == "5"]
        self.assertEqual(office[1:], ["office", "MHD", "you do not work for office MHD"])
        # the same with skip_invalid: the valid rows go in
        r = self.cw.post("/imports", {"content": data.decode(), "skip_invalid": True})
        done = self.wait_done(self.cw, r.json)
        self.assertEqual((done["state"], done["rows_imported"]), ("done", 2), done)
        self.assertEqual(self.persons_count(), before + 2)

    def test_uploaded_malformed_files_are_refused(self):
        cases = [
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
            (HEADER.encode() + b"Ali,\xe9,,,,,M,,,,,,\r\n", "not UTF-8"),
            (HEADER.encode() + b"\"Ali,x,,,,,M,,,,,,\r\n", "not closed"),
            (b"given_name\r\nAli\r\n", "no sex column"),
            (b"", "empty"),
        ]
        for data, message in cases:
            before = self.server.snapshot()
            r = self.cw.post("/imports", {"filename": "bad.csv",
                                          "content_base64": base64.b64encode(data).decode()})
            self.assertStatus(r, 201)
            done = self.wait_done(self.cw, r.json)
            self.assertEqual(done["state"], "refused", done)
            self.assertIn(message, done["message"])
            self.assertEqual(done["rows_imported"], 0)
            report = self.cw.get(done["report_url"])
            self.assertIn(message, report.text)
            # only the job row itself changed
            after = self.server.snapshot()
            changed = {t for t in after if after[t] != before.get(t)}
            self.assertLessEqual(changed, {"imports", "import_parts", "audit_log", "sessions",
                                           "api_tokens"}, changed)

    def test_upload_requests_are_checked(self):
        self.assertProblem(self.cw.post("/imports", {"filename": "x.csv"}), 400, "content")
        self.assertProblem(self.cw.post("/imports", {"content": "a", "content_base64": "YQ=="}),
                           400, "content")
        self.assertProblem(self.cw.post("/imports", {"content_base64": "not base64!"}), 400,
                           "content_base64")
        # an office the caller does not work for: 403 naming it, as POST /persons
        self.assertProblem(self.cw.post("/imports", {"content": "a", "office": "MHD"}), 403,
                           "office", "you do not work for office MHD")
        self.assertProblem(self.cw.post("/imports", {"content": "a", "mapping": {"A": "nope"}}),
                           400, "mapping", "not a person field")
        self.assertProblem(self.cw.post("/imports", {"content": "a", "colour": "red"}), 400,
                           "colour")
        self.assertProblem(self.anon.post("/imports", {"content": "a"}), 401)
        self.assertProblem(self.cw.get("/imports/999999"), 404)


if __name__ == "__main__":
    main()
