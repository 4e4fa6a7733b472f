-- Access control: each user's calendar, sign-in throttling that holds
-- across several servers, and the hash chain that makes the audit log
-- tamper-evident. The hashes are computed in C (store/audit.c), not here.

ALTER TABLE users ADD COLUMN calendar TEXT NOT NULL DEFAULT 'gregorian';

-- One row per failed sign-in (or one still being checked), once under the
-- user name tried (kind 'user') and once under the client address (kind
-- 'addr'). Rows older than the counting window are pruned as new ones come.
CREATE TABLE login_failures (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('user', 'addr')),
	name TEXT NOT NULL,
	at INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_name ON login_failures(kind, name, at);
CREATE INDEX login_failures_at ON login_failures(at);

-- Each entry holds the hash of the entry before it and its own hash: the
-- SHA-256 of its fields and prev_hash (see store/audit.c for the exact
-- serialisation). Entries written before this migration have no hash.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE INDEX audit_user ON audit_log(user_id, id);
CREATE INDEX audit_action ON audit_log(action, id);

-- The end of the chain, one row. An append updates it in the same
-- transaction, so two writers queue on this row and never fork the chain;
-- it also shows when entries were cut off the end. chain_start is the id
-- of the first hashed entry.
CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	last_id INTEGER NOT NULL,
	last_hash TEXT NOT NULL,
	chain_start INTEGER NOT NULL
) STRICT;
INSERT INTO audit_head (id, last_id, last_hash, chain_start)
SELECT 1, coalesce(max(id), 0),
       '0000000000000000000000000000000000000000000000000000000000000000',
       coalesce(max(id), 0) + 1
FROM audit_log;
