-- Finding people (issue 6): match keys, the scoring rows, the typo
-- vocabulary, and merges of duplicate persons.
--
-- match/ computes every value stored here (normalised names, keys); the
-- rows are written in the same transaction as the person they describe.
-- This migration creates the tables empty: the migration runner then builds
-- the rows for persons already registered (store/migrate_after.c), and
-- `safar reindex` rebuilds them at any time.

-- A person merged into another keeps its row as a tombstone pointing to
-- the survivor (deleted_at is set as well, so it drops out of every list).
ALTER TABLE persons ADD COLUMN merged_into INTEGER REFERENCES persons(id);

-- One row per searchable person: what scoring needs without reading the
-- person (names in match/'s encoded form, normalised identifiers) and the
-- keys written for it (so exactly those are removed on change).
CREATE TABLE match_persons (
	person_id INTEGER PRIMARY KEY REFERENCES persons(id),
	office_id INTEGER NOT NULL,
	sex TEXT NOT NULL,
	birth_year INTEGER NOT NULL, -- 0 when unknown
	birth_date TEXT,
	birth_estimated INTEGER NOT NULL DEFAULT 0,
	names TEXT NOT NULL,
	ids TEXT NOT NULL,
	keys TEXT NOT NULL
) STRICT;

-- The inverted index: key (a name skeleton, two joined, or an order-free
-- pair of them) -> persons, clustered by key so a look-up is one range
-- scan; the birth year next lets a year window narrow that range (sex is
-- filtered on the rows read).
CREATE TABLE match_keys (
	key TEXT NOT NULL,
	birth_year INTEGER NOT NULL,
	sex TEXT NOT NULL,
	person_id INTEGER NOT NULL,
	PRIMARY KEY (key, birth_year, sex, person_id)
) STRICT, WITHOUT ROWID;

-- Every skeleton seen, under itself and under each of its one-letter
-- deletions: a query skeleton with a typo finds its neighbours here.
CREATE TABLE match_vocab (
	del TEXT NOT NULL,
	skel TEXT NOT NULL,
	PRIMARY KEY (del, skel)
) STRICT, WITHOUT ROWID;

-- A merge: what moved from the merged person to the survivor, so an admin
-- can undo it exactly.
CREATE TABLE person_merges (
	id INTEGER PRIMARY KEY,
	survivor_id INTEGER NOT NULL REFERENCES persons(id),
	merged_id INTEGER NOT NULL REFERENCES persons(id),
	reason TEXT NOT NULL,
	merged_at TEXT NOT NULL,
	merged_by INTEGER REFERENCES users(id),
	undone_at TEXT,
	undone_by INTEGER REFERENCES users(id),
	undo_reason TEXT
) STRICT;
CREATE INDEX person_merges_survivor ON person_merges(survivor_id);
CREATE INDEX person_merges_merged ON person_merges(merged_id);

-- kind: document, consent (target = its id), household_member,
-- household_head, case_member, case_principal (target = household or case
-- id). action: moved (the row now names the survivor), removed (the
-- survivor already was a member: the merged person's row was deleted),
-- replaced (the head or principal changed to the survivor; relationship
-- keeps the survivor's relationship before, NULL if it was not a member).
CREATE TABLE person_merge_items (
	merge_id INTEGER NOT NULL REFERENCES person_merges(id),
	kind TEXT NOT NULL,
	target_id INTEGER NOT NULL,
	action TEXT NOT NULL,
	relationship TEXT,
	PRIMARY KEY (merge_id, kind, target_id)
) STRICT;
