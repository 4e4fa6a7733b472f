-- Import jobs (POST /api/v1/imports): the uploaded file, kept in the
-- database so any server can process it, and the report of refused rows
-- and possible duplicates, read back by GET /api/v1/imports/{id}/report.

CREATE TABLE imports (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL DEFAULT 'persons' CHECK (kind IN ('persons')),
	filename TEXT,
	state TEXT NOT NULL CHECK (state IN ('uploading', 'queued', 'running', 'done',
		'invalid', 'refused', 'failed')),
	office_id INTEGER REFERENCES offices(id),
	dry_run INTEGER NOT NULL DEFAULT 0,
	skip_invalid INTEGER NOT NULL DEFAULT 0,
	check_duplicates INTEGER NOT NULL DEFAULT 1,
	mapping TEXT, -- JSON object {"column": "field" | null}, or NULL
	bytes INTEGER NOT NULL DEFAULT 0, -- uploaded so far
	parts INTEGER NOT NULL DEFAULT 0,
	rows_total INTEGER,
	rows_done INTEGER NOT NULL DEFAULT 0,
	rows_imported INTEGER NOT NULL DEFAULT 0,
	rows_refused INTEGER NOT NULL DEFAULT 0,
	duplicates INTEGER NOT NULL DEFAULT 0,
	first_person_id INTEGER,
	last_person_id INTEGER,
	elapsed_ms INTEGER NOT NULL DEFAULT 0,
	message TEXT, -- why the file was refused or the import failed
	report_parts INTEGER NOT NULL DEFAULT 0,
	created_by INTEGER REFERENCES users(id),
	created_at TEXT NOT NULL,
	started_at TEXT,
	finished_at TEXT,
	heartbeat_at INTEGER, -- Unix seconds, while running
	version INTEGER NOT NULL DEFAULT 1,
	updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX imports_state ON imports(state, id);
CREATE INDEX imports_creator ON imports(created_by, id);

-- The file as uploaded (base64 text, part by part, each at most 1 MiB),
-- and the report (CSV text); both deleted when the job is deleted.
CREATE TABLE import_parts (
	import_id INTEGER NOT NULL REFERENCES imports(id),
	kind TEXT NOT NULL CHECK (kind IN ('upload', 'report')),
	seq INTEGER NOT NULL,
	data TEXT NOT NULL,
	PRIMARY KEY (import_id, kind, seq)
) STRICT;
