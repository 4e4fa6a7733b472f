-- Offices, users and how they sign in, reference sequences, audit.
-- Times a person reads are TEXT RFC 3339 UTC; expiry arithmetic uses
-- INTEGER Unix seconds.

CREATE TABLE offices (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE CHECK (length(code) = 3),
	name TEXT NOT NULL,
	country TEXT NOT NULL,
	province TEXT,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	created_by INTEGER,
	updated_at TEXT NOT NULL,
	updated_by INTEGER
) STRICT;

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0,
	locale TEXT NOT NULL DEFAULT 'en',
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	created_by INTEGER,
	updated_at TEXT NOT NULL,
	updated_by INTEGER
) STRICT;

CREATE TABLE user_roles (
	user_id INTEGER NOT NULL REFERENCES users(id),
	role TEXT NOT NULL,
	PRIMARY KEY (user_id, role)
) STRICT;

CREATE TABLE user_offices (
	user_id INTEGER NOT NULL REFERENCES users(id),
	office_id INTEGER NOT NULL REFERENCES offices(id),
	PRIMARY KEY (user_id, office_id)
) STRICT;

-- A browser session. The cookie carries a random secret; only its SHA-256
-- is stored, so a copy of the database does not sign anyone in.
CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	user_id INTEGER NOT NULL REFERENCES users(id),
	csrf_token TEXT NOT NULL,
	client_addr TEXT,
	created_at INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id),
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	last_used_at INTEGER,
	revoked_at INTEGER
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- Gapless counters for human-readable references, one row per series
-- ("person", "household", "case:AVRR:THR:2026"), bumped inside the
-- transaction that uses the number.
CREATE TABLE sequences (
	name TEXT PRIMARY KEY,
	value INTEGER NOT NULL
) STRICT;

-- Append-only trail of writes and reads of people's files. The access
-- issue adds the hash chain; rows are never updated or deleted.
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL,
	user_id INTEGER,
	client_addr TEXT,
	action TEXT NOT NULL,
	entity TEXT,
	entity_id INTEGER,
	detail TEXT
) STRICT;
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
