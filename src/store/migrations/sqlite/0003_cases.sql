-- Programme cases, their members and the history of their transitions.
-- status names a state of the programme's workflow (domain/workflow.c);
-- ref is PROGRAM-OFFICE-YEAR-NNNNN from the sequence "case:PROGRAM:OFFICE:YEAR".
-- The principal is also a case_members row with relationship 'principal'.

CREATE TABLE cases (
	id INTEGER PRIMARY KEY,
	ref TEXT NOT NULL UNIQUE,
	program TEXT NOT NULL,
	office_id INTEGER NOT NULL REFERENCES offices(id),
	status TEXT NOT NULL,
	principal_person_id INTEGER NOT NULL REFERENCES persons(id),
	assigned_to INTEGER REFERENCES users(id),
	destination_country TEXT,
	priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
	opened_on TEXT NOT NULL,
	closed_on TEXT,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	created_by INTEGER,
	updated_at TEXT NOT NULL,
	updated_by INTEGER
) STRICT;
CREATE INDEX cases_office ON cases(office_id, id);
CREATE INDEX cases_status ON cases(program, status, id);
CREATE INDEX cases_assigned ON cases(assigned_to, id);
CREATE INDEX cases_opened ON cases(opened_on);
CREATE INDEX cases_principal ON cases(principal_person_id);

CREATE TABLE case_members (
	case_id INTEGER NOT NULL REFERENCES cases(id),
	person_id INTEGER NOT NULL REFERENCES persons(id),
	relationship TEXT NOT NULL,
	PRIMARY KEY (case_id, person_id)
) STRICT;
CREATE INDEX case_members_person ON case_members(person_id);

CREATE TABLE case_history (
	id INTEGER PRIMARY KEY,
	case_id INTEGER NOT NULL REFERENCES cases(id),
	from_status TEXT,
	to_status TEXT NOT NULL,
	reason TEXT,
	by_user INTEGER REFERENCES users(id),
	at TEXT NOT NULL
) STRICT;
CREATE INDEX case_history_case ON case_history(case_id, id);
