#!/usr/bin/env python3
"""The scoring side of bench/match_bench.sh (standard library only).

    match_eval.py queries DATA SYSTEM MODE OUT.tsv [--limit N] [--per-kind K]
        the query list of DATA/queries.csv (the first K of each kind) for one system
        (safar | pg | fts) and mode (name: the name only; full: the name
        with the father's name and the birth year), for bench/match_load
    match_eval.py fts-load DATA DB
        SQLite FTS5 (trigram tokenizer) over DATA/persons.csv, rowid = row
    match_eval.py pg-rows DATA OUT.csv
        DATA/persons.csv as the columns of the PostgreSQL table
    match_eval.py score DATA RESULTS.tsv LABEL [--threshold N] [--mode name|full]
        recall@1 and @10 per kind of query, latency p50/p99, false alarms
        on absent people (top hit scoring at least the threshold); with
        --mode, also recall@10 among the queries whose person at most 10
        people resemble (same given and family name; with full, also the
        same father's name and birth year): a name shared by more people
        than the list shows cannot be found by the name alone.
        Appends a JSON line to DATA/results.jsonl
    match_eval.py dups DATA REPORT.csv SAFAR_DB LABEL
        precision, recall and false alarms of the duplicate flags an import
        of DATA/delta.csv wrote into its report
    match_eval.py summary DATA
        the table of every figure gathered in DATA/results.jsonl

Person ids are row numbers of persons.csv: the benchmark imports it into
fresh databases, so row k becomes id k everywhere.
"""

import csv
import json
import os
import sqlite3
import sys
import time
import urllib.parse

LATIN = ["latin_variant", "typo", "swapped", "joined", "missing_father"]
CROSS = ["fa_for_latin", "latin_for_fa"]
PERSIAN = ["fa_variant"]
KINDS = LATIN + CROSS + PERSIAN + ["absent"]


def read_truth(data):
    with open(os.path.join(data, "truth.csv"), encoding="utf-8") as f:
        r = csv.reader(f)
        next(r)
        return {int(row[0]): int(row[1]) for row in r}


def read_homonyms(data):
    """identity -> (people sharing its given and family name, people sharing
    those and the father's name and birth year, people sharing the given and
    family name and birth year), from the names the people spell themselves;
    None when truth.csv does not carry them."""
    with open(os.path.join(data, "truth.csv"), encoding="utf-8") as f:
        r = csv.reader(f)
        header = next(r)
        if "given" not in header:
            return None
        names = {}
        for row in r:
            names[int(row[1])] = (row[2], row[3], row[4], row[5])
    by_name, by_full, by_year = {}, {}, {}
    for g, fam, fa, y in names.values():
        by_name[(g, fam)] = by_name.get((g, fam), 0) + 1
        by_full[(g, fam, fa, y)] = by_full.get((g, fam, fa, y), 0) + 1
        by_year[(g, fam, y)] = by_year.get((g, fam, y), 0) + 1
    return {i: (by_name[(g, fam)], by_full[(g, fam, fa, y)], by_year[(g, fam, y)])
            for i, (g, fam, fa, y) in names.items()}


def read_queries(data):
    with open(os.path.join(data, "queries.csv"), encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---- preparing queries ----

def trigrams(text):
    out = []
    for w in text.lower().split():
        for i in range(len(w) - 2):
            t = w[i:i + 3]
            if t not in out:
                out.append(t)
    return out


def fts_expr(cols, text):
    grams = trigrams(text)[:40]
    if not grams:
        return None
    return "{%s} : (%s)" % (cols, " OR ".join('"%s"' % g.replace('"', '""') for g in grams))


def cmd_queries(data, system, mode, out, limit=10, per_kind=0):
    taken = {}
    with open(out, "w", encoding="utf-8") as f:
        for q in read_queries(data):
            taken[q["kind"]] = taken.get(q["kind"], 0) + 1
            if per_kind and taken[q["kind"]] > per_kind:
                continue
            full = mode == "full"
            father = q["father_name"] if full else ""
            year = q["birth_year"] if full else ""
            if system == "safar":
                args = {"q": q["q"], "limit": str(limit)}
                if father:
                    args["father_name"] = father
                if year:
                    args["birth_year"] = year
                p1 = "/api/v1/persons/search?" + urllib.parse.urlencode(args)
                f.write("%s\t%s\t\t\n" % (q["qid"], p1))
            elif system == "pg":
                f.write("%s\t%s\t%s\t%s\n" % (q["qid"], q["q"], father, year or "0"))
            elif system == "fts":
                expr = fts_expr("name_lat name_fa", q["q"]) or '"-"'
                if father:
                    fe = fts_expr("father", father)
                    if fe:
                        expr = "(%s) OR (%s)" % (expr, fe)
                f.write("%s\t%s\t\t\n" % (q["qid"], expr))
            else:
                sys.exit("unknown system " + system)


# ---- the reference systems' data ----

def person_rows(data):
    with open(os.path.join(data, "persons.csv"), encoding="utf-8") as f:
        for k, r in enumerate(csv.DictReader(f), 1):
            name_lat = " ".join(x for x in (r["given_name"], r["family_name"]) if x)
            name_fa = " ".join(x for x in (r["given_name_native"], r["family_name_native"]) if x)
            year = r["birth_date"][:4] if r["birth_date"] else ""
            yield k, name_lat, name_fa, r["father_name"], r["father_name_native"], year


def cmd_fts_load(data, db):
    if os.path.exists(db):
        os.unlink(db)
    t0 = time.monotonic()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("CREATE VIRTUAL TABLE names USING fts5(name_lat, name_fa, father, "
                "tokenize='trigram')")
    con.executemany("INSERT INTO names (rowid, name_lat, name_fa, father) VALUES (?, ?, ?, ?)",
                    ((k, lat, fa, (fl + " " + ff).strip())
                     for k, lat, fa, fl, ff, _ in person_rows(data)))
    con.commit()
    con.execute("INSERT INTO names(names) VALUES ('optimize')")
    con.commit()
    con.close()
    print("%.1f" % (time.monotonic() - t0))


def cmd_pg_rows(data, out):
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        for k, lat, fa, fl, ff, year in person_rows(data):
            w.writerow([k, lat, fa or None, fl or None, ff or None, year or None])


# ---- scoring ----

def percentile(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    k = min(len(v) - 1, max(0, int(round(p / 100.0 * (len(v) - 1)))))
    return v[k]


def read_results(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            qid, us, ids = (line.rstrip("\n").split("\t") + [""])[:3]
            hits = []
            for item in ids.split(",") if ids else []:
                pid, score = item.split(":")
                hits.append((int(pid), int(score)))
            out[qid] = (int(us), hits)
    return out


def cmd_score(data, results, label, threshold=80, mode=None):
    truth = read_truth(data)
    homonyms = read_homonyms(data) if mode else None
    queries = read_queries(data)
    res = read_results(results)
    per = {k: [0, 0, 0, 0] for k in KINDS}  # n, @1, @10, @all
    told = [0, 0]  # queries whose person at most 10 people resemble: n, found @10
    alarms = absent = 0
    lat = []
    failed = 0
    for q in queries:
        if q["qid"] not in res:
            continue  # not asked (a subset of the queries)
        us, hits = res[q["qid"]]
        if us < 0:
            failed += 1
            continue
        lat.append(us)
        ident = int(q["identity"])
        kind = q["kind"]
        if ident == 0:
            absent += 1
            if hits and hits[0][1] >= threshold:
                alarms += 1
            continue
        found = [truth.get(pid) == ident for pid, _ in hits]
        if homonyms and ident in homonyms:
            # a query without the father's name (missing_father) is told
            # apart by the name and birth year only
            alike = homonyms[ident][0 if mode == "name" else
                                    2 if kind == "missing_father" else 1]
            if alike <= 10:
                told[0] += 1
                told[1] += any(found[:10])
        s = per[kind]
        s[0] += 1
        s[1] += any(found[:1])
        s[2] += any(found[:10])
        s[3] += any(found)

    def group(kinds):
        n = sum(per[k][0] for k in kinds)
        if not n:
            return None
        return {"n": n, "r1": sum(per[k][1] for k in kinds) / n,
                "r10": sum(per[k][2] for k in kinds) / n,
                "rall": sum(per[k][3] for k in kinds) / n}

    out = {"label": label, "queries": len(lat), "failed": failed,
           "p50_ms": percentile(lat, 50) / 1000.0, "p99_ms": percentile(lat, 99) / 1000.0,
           "latin": group(LATIN), "cross": group(CROSS), "persian": group(PERSIAN),
           "all": group(LATIN + CROSS + PERSIAN),
           "kinds": {k: group([k]) for k in KINDS if k != "absent"},
           "absent": absent, "false_alarms": alarms,
           "distinguishable": {"n": told[0], "r10": told[1] / told[0]} if told[0] else None}
    with open(os.path.join(data, "results.jsonl"), "a", encoding="utf-8") as f:
        f.write(json.dumps(out) + "\n")
    print(fmt_line(out))
    print("    recall@10 by kind: " + "  ".join(
        "%s %.3f" % (k, g["r10"]) for k, g in out["kinds"].items() if g))
    if failed and os.environ.get("BENCH_SMOKE") == "1":
        sys.exit("match_eval: %d of %d queries failed (%s)" % (failed, len(queries), label))


def fmt_group(g, key):
    return "%.3f" % g[key] if g else "  -  "


def fmt_line(o):
    d = o.get("distinguishable")
    return ("%-34s p50 %7.2f ms  p99 %7.2f ms  recall@1/@10 latin %s/%s  cross %s/%s  "
            "persian %s/%s  all %s/%s (@all %s)%s  absent>thr %d/%d  failed %d" % (
                o["label"], o["p50_ms"], o["p99_ms"],
                fmt_group(o["latin"], "r1"), fmt_group(o["latin"], "r10"),
                fmt_group(o["cross"], "r1"), fmt_group(o["cross"], "r10"),
                fmt_group(o["persian"], "r1"), fmt_group(o["persian"], "r10"),
                fmt_group(o["all"], "r1"), fmt_group(o["all"], "r10"),
                fmt_group(o["all"], "rall"),
                "  @10 when <=10 alike %.3f (%d)" % (d["r10"], d["n"]) if d else "",
                o["false_alarms"], o["absent"], o["failed"]))


def cmd_dups(data, report, safar_db, label):
    """Each delta row is a re-registration of a registry person, a repeat of
    an earlier delta row, or a first registration. A flag is right when its
    candidate is the same identity; a first registration flagged at all is a
    false alarm."""
    truth = read_truth(data)
    delta = {}
    with open(os.path.join(data, "delta_truth.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            delta[int(r["row"]) + 1] = int(r["identity"])  # report rows count the header
    con = sqlite3.connect("file:%s?mode=ro" % safar_db, uri=True)
    ref_id = dict(con.execute("SELECT ref, id FROM persons"))
    con.close()
    flagged = {}
    with open(report, encoding="utf-8") as f:
        rd = csv.reader(f)
        next(rd)
        for row, column, value, reason in rd:
            if column == "(duplicate)":
                flagged.setdefault(int(row), []).append(value)

    def identity_of(candidate):
        if candidate.startswith("row "):
            return delta.get(int(candidate[4:]), -1)
        return truth.get(ref_id.get(candidate, 0), -1)

    registry_ids = set(truth.values())
    seen = set()
    pairs = correct = 0
    should = found = new = alarms = 0
    for row in sorted(delta):
        me = delta[row]
        cands = flagged.get(row, [])
        ok = [identity_of(c) == me for c in cands]
        pairs += len(cands)
        correct += sum(ok)
        if me in registry_ids or me in seen:
            should += 1
            found += any(ok)
        else:
            new += 1
            alarms += bool(cands)
        seen.add(me)
    out = {"label": label, "dup_pairs": pairs, "dup_precision": correct / pairs if pairs else None,
           "dup_recall": found / should if should else None,
           "dup_false_alarm_rows": alarms, "new_rows": new, "known_rows": should}
    with open(os.path.join(data, "results.jsonl"), "a", encoding="utf-8") as f:
        f.write(json.dumps(out) + "\n")
    print("%-34s flagged pairs %d, precision %s, recall %s (of %d re-registrations), "
          "false alarms on %d of %d first registrations" % (
              label, pairs, "%.3f" % out["dup_precision"] if pairs else "-",
              "%.3f" % out["dup_recall"] if should else "-", should, alarms, new))


def cmd_summary(data):
    with open(os.path.join(data, "results.jsonl"), encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            if "p50_ms" in o:
                print(fmt_line(o))
            elif "dup_pairs" in o:
                print("%-34s duplicates: %d pairs flagged, precision %s, recall %s, "
                      "false alarms %d/%d" % (
                          o["label"], o["dup_pairs"],
                          "%.3f" % o["dup_precision"] if o["dup_precision"] is not None else "-",
                          "%.3f" % o["dup_recall"] if o["dup_recall"] is not None else "-",
                          o["dup_false_alarm_rows"], o["new_rows"]))
            else:
                print("%-34s %s" % (o.get("label", "?"),
                                    ", ".join("%s %s" % (k, v) for k, v in o.items()
                                              if k != "label")))


def main():
    a = sys.argv[1:]
    if not a:
        sys.exit(__doc__)
    cmd = a[0]
    if cmd == "queries":
        opts = {"--limit": 10, "--per-kind": 0}
        for o in opts:
            if o in a:
                i = a.index(o)
                opts[o] = int(a[i + 1])
                del a[i:i + 2]
        cmd_queries(a[1], a[2], a[3], a[4], opts["--limit"], opts["--per-kind"])
    elif cmd == "fts-load":
        cmd_fts_load(a[1], a[2])
    elif cmd == "pg-rows":
        cmd_pg_rows(a[1], a[2])
    elif cmd == "score":
        opts = {"--threshold": "80", "--mode": None}
        for o in opts:
            if o in a:
                i = a.index(o)
                opts[o] = a[i + 1]
                del a[i:i + 2]
        cmd_score(a[1], a[2], a[3], int(opts["--threshold"]), opts["--mode"])
    elif cmd == "dups":
        cmd_dups(a[1], a[2], a[3], a[4])
    elif cmd == "summary":
        cmd_summary(a[1])
    elif cmd == "note":
        with open(os.path.join(a[1], "results.jsonl"), "a", encoding="utf-8") as f:
            f.write(json.dumps(dict([("label", a[2])] + [kv.split("=", 1) for kv in a[3:]])) + "\n")
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
