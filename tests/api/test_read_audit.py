"""Audited file reads under concurrency: the server commits the audit rows
of many reads together (group commit, store/audit_queue.h). Whatever the
batching, every file shown has exactly one committed audit row, the hash
chain stays whole and in one order, and a read whose audit row cannot be
written is answered with an error, never with the data."""

import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safar_harness import ApiTestCase, main  # noqa: E402

CLIENTS = 16
READS_PER_CLIENT = 25


class ReadAuditTest(ApiTestCase):

    def new_case(self, name):
        p = self.cw.ok("POST", "/persons", {"given_name": name, "family_name": "Audited",
                                            "sex": "F"}, status=201)
        c = self.cw.ok("POST", "/cases", {"program": "AVRR", "principal_person_id": p["id"]},
                       status=201)
        return p, c

    def reads(self, action, entity_id):
        return self.server.query(
            "SELECT count(*) FROM audit_log WHERE action = ? AND entity_id = ?",
            (action, entity_id))[0][0]

    def verify_chain(self):
        r = self.server.cli("audit", "verify", "--db", self.server.db, check=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("audit log intact", r.stdout)

    def read_concurrently(self, paths_of_client):
        """Runs one thread per client, each with its own connection, GETting
        its paths in turn; returns {client index: [(path, Response)]}."""
        results = {}
        errors = []

        def run(i, paths):
            client = self.server.client("sup_thr")
            try:
                results[i] = [(p, client.get(p)) for p in paths]
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)
            finally:
                client.close()

        threads = [threading.Thread(target=run, args=(i, paths))
                   for i, paths in enumerate(paths_of_client)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        return results

    def test_each_concurrent_read_has_exactly_one_row(self):
        person, case = self.new_case("Concurrent")
        household = self.cw.ok("POST", "/households", {"head_person_id": person["id"]},
                               status=201)
        targets = [("/cases/%d" % case["id"], "case.read", case["id"]),
                   ("/persons/%d" % person["id"], "person.read", person["id"]),
                   ("/households/%d" % household["id"], "household.read", household["id"])]
        before = {t[1]: self.reads(t[1], t[2]) for t in targets}
        paths = [[targets[(i + k) % 3][0] for k in range(READS_PER_CLIENT)]
                 for i in range(CLIENTS)]
        results = self.read_concurrently(paths)
        shown = {t[1]: 0 for t in targets}
        for answers in results.values():
            for path, r in answers:
                self.assertStatus(r, 200, path)
                action = next(t[1] for t in targets if t[0] == path)
                shown[action] += 1
        self.assertEqual(sum(shown.values()), CLIENTS * READS_PER_CLIENT)
        for path, action, entity_id in targets:
            self.assertEqual(self.reads(action, entity_id) - before[action], shown[action],
                             path)
        # the rows carry the reader and follow each other in the chain
        sup = self.server.query("SELECT id FROM users WHERE username = 'sup_thr'")[0][0]
        n = self.server.query(
            "SELECT count(*) FROM audit_log WHERE action = 'case.read' AND entity_id = ? "
            "AND user_id = ?", (case["id"], sup))[0][0]
        self.assertEqual(n - before["case.read"], shown["case.read"])
        self.verify_chain()

    def refuse_audit_rows_of(self, entity_id):
        """Makes the database refuse audit rows of case reads of entity_id."""
        if self.server.kind == "postgres":
            self.server.execute(
                "CREATE FUNCTION test_refuse_read() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN RAISE EXCEPTION 'audit refused by the test'; END $$")
            self.server.execute(
                "CREATE TRIGGER test_refuse_read BEFORE INSERT ON audit_log FOR EACH ROW "
                "WHEN (NEW.action = 'case.read' AND NEW.entity_id = %d) "
                "EXECUTE FUNCTION test_refuse_read()" % entity_id)
        else:
            self.server.execute(
                "CREATE TRIGGER test_refuse_read BEFORE INSERT ON audit_log "
                "WHEN NEW.action = 'case.read' AND NEW.entity_id = %d "
                "BEGIN SELECT RAISE(ABORT, 'audit refused by the test'); END" % entity_id)

    def allow_audit_rows_again(self):
        if self.server.kind == "postgres":
            self.server.execute("DROP TRIGGER test_refuse_read ON audit_log")
            self.server.execute("DROP FUNCTION test_refuse_read()")
        else:
            self.server.execute("DROP TRIGGER test_refuse_read")

    def test_read_that_cannot_be_recorded_is_not_answered(self):
        _, hidden = self.new_case("Unrecorded")
        _, shown = self.new_case("Recorded")
        self.refuse_audit_rows_of(hidden["id"])
        try:
            # alone
            r = self.sup.get("/cases/%d" % hidden["id"])
            self.assertProblem(r, 500)
            self.assertNotIn("Unrecorded", r.text)
            self.assertNotIn(hidden["ref"], r.text)
            # among reads that can be recorded, possibly in the same batch:
            # those are still answered, each with its row
            paths = [["/cases/%d" % (hidden["id"] if (i + k) % 4 == 0 else shown["id"])
                      for k in range(12)] for i in range(8)]
            before = self.reads("case.read", shown["id"])
            results = self.read_concurrently(paths)
            answered = 0
            for answers in results.values():
                for path, r in answers:
                    if path == "/cases/%d" % hidden["id"]:
                        self.assertProblem(r, 500)
                        self.assertNotIn(hidden["ref"], r.text)
                    else:
                        self.assertStatus(r, 200, path)
                        self.assertEqual(r.json["id"], shown["id"])
                        answered += 1
            self.assertEqual(self.reads("case.read", shown["id"]) - before, answered)
        finally:
            self.allow_audit_rows_again()
        self.assertEqual(self.reads("case.read", hidden["id"]), 0)
        r = self.sup.get("/cases/%d" % hidden["id"])
        self.assertStatus(r, 200)
        self.assertEqual(self.reads("case.read", hidden["id"]), 1)
        self.verify_chain()


if __name__ == "__main__":
    main()
