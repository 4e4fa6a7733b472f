-- People, their documents, vulnerabilities and consent; households.

CREATE TABLE persons (
	id INTEGER PRIMARY KEY,
	ref TEXT NOT NULL UNIQUE,
	office_id INTEGER NOT NULL REFERENCES offices(id),
	given_name TEXT NOT NULL,
	family_name TEXT,
	father_name TEXT,
	given_name_native TEXT,
	family_name_native TEXT,
	father_name_native TEXT,
	sex TEXT NOT NULL CHECK (sex IN ('F', 'M', 'X')),
	birth_date TEXT,
	birth_date_estimated INTEGER NOT NULL DEFAULT 0,
	nationality TEXT,
	phone TEXT,
	province_of_residence TEXT,
	province_of_origin TEXT,
	education TEXT,
	occupation TEXT,
	skills TEXT,
	registered_on TEXT NOT NULL,
	deleted_at TEXT,
	deleted_by INTEGER,
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	created_by INTEGER,
	updated_at TEXT NOT NULL,
	updated_by INTEGER
) STRICT;
CREATE INDEX persons_office ON persons(office_id, id);
CREATE INDEX persons_phone ON persons(phone);
CREATE INDEX persons_registered ON persons(registered_on);
CREATE INDEX persons_residence ON persons(province_of_residence);
CREATE INDEX persons_origin ON persons(province_of_origin);

CREATE TABLE person_documents (
	id INTEGER PRIMARY KEY,
	person_id INTEGER NOT NULL REFERENCES persons(id),
	type TEXT NOT NULL CHECK (type IN ('tazkira', 'passport', 'family_passport',
		'amayesh', 'headcount_slip', 'laissez_passer')),
	number TEXT NOT NULL,
	issuer TEXT,
	expires_on TEXT
) STRICT;
CREATE INDEX person_documents_person ON person_documents(person_id);
CREATE INDEX person_documents_number ON person_documents(number);

CREATE TABLE person_vulnerabilities (
	person_id INTEGER NOT NULL REFERENCES persons(id),
	code TEXT NOT NULL,
	PRIMARY KEY (person_id, code)
) STRICT;
CREATE INDEX person_vulnerabilities_code ON person_vulnerabilities(code, person_id);

CREATE TABLE person_languages (
	person_id INTEGER NOT NULL REFERENCES persons(id),
	code TEXT NOT NULL,
	position INTEGER NOT NULL DEFAULT 0, -- the order given; the first is the main language
	PRIMARY KEY (person_id, code)
) STRICT;

CREATE TABLE consents (
	id INTEGER PRIMARY KEY,
	person_id INTEGER NOT NULL REFERENCES persons(id),
	purpose TEXT NOT NULL,
	given_on TEXT NOT NULL,
	recorded_by INTEGER REFERENCES users(id),
	withdrawn_on TEXT,
	withdrawn_by INTEGER REFERENCES users(id),
	notes TEXT,
	withdrawal_notes TEXT,
	created_at TEXT NOT NULL
) STRICT;
CREATE INDEX consents_person ON consents(person_id);

CREATE TABLE households (
	id INTEGER PRIMARY KEY,
	ref TEXT NOT NULL UNIQUE,
	office_id INTEGER NOT NULL REFERENCES offices(id),
	head_person_id INTEGER NOT NULL REFERENCES persons(id),
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	created_by INTEGER,
	updated_at TEXT NOT NULL,
	updated_by INTEGER
) STRICT;
CREATE INDEX households_office ON households(office_id, id);

CREATE TABLE household_members (
	household_id INTEGER NOT NULL REFERENCES households(id),
	person_id INTEGER NOT NULL REFERENCES persons(id),
	relationship TEXT NOT NULL,
	PRIMARY KEY (household_id, person_id)
) STRICT;
CREATE INDEX household_members_person ON household_members(person_id);
