/* Persons: registration, look-up, changes, consent.
 *
 * A request is read completely (every field error collected) before
 * anything is written; the server rolls the transaction back on any
 * status >= 400, so an error response undoes whatever was written. */
#include <json-c/json.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "api/access.h"
#include "api/api.h"
#include "api/common.h"
#include "api/input.h"
#include "api/matching.h"
#include "api/person_input.h"
#include "domain/person.h"
#include "store/db.h"
#include "store/misc.h"
#include "store/persons.h"
#include "store/users.h"
#include "util/isocodes.h"

/* ---- shared helpers ---- */

static const char *date_str(struct arena *a, const struct date *d)
{
	char s[11];
	date_format(d, s);
	return arena_strdup(a, s);
}

static int audit(struct req *req, const char *action, int64_t person_id, struct buf *detail)
{
	int rc = api_audit(req, action, "person", person_id, buf_str(detail));
	buf_release(detail);
	return rc;
}

/* 403 naming "office": the caller does not work for that office. */
static void forbid_office(struct req *req, struct resp *resp, int64_t office_id)
{
	struct office o;
	const char *code = "this office";
	if (offices_get(req->db, req->arena, office_id, &o) == 1)
		code = arena_printf(req->arena, "office %s", o.code);
	resp_forbidden_field(resp, "office",
	                     arena_printf(req->arena,
	                                  "you do not work for %s: only its staff (or an "
	                                  "admin) may register or move people there",
	                                  code));
}

/* ---- writing ---- */

static void write_consent(struct jsonw *w, const struct person_consent *c)
{
	jsonw_obj(w);
	jsonw_kint(w, "id", c->id);
	jsonw_kint(w, "person_id", c->person_id);
	jsonw_kstr(w, "purpose", c->purpose);
	jsonw_kstr(w, "given_on", c->given_on);
	jsonw_kid(w, "recorded_by", c->recorded_by);
	jsonw_kstr(w, "withdrawn_on", c->withdrawn_on);
	jsonw_kid(w, "withdrawn_by", c->withdrawn_by);
	jsonw_kstr(w, "notes", c->notes);
	jsonw_kstr(w, "withdrawal_notes", c->withdrawal_notes);
	jsonw_kstr(w, "created_at", c->created_at);
	jsonw_end(w);
}

static void write_codes(struct jsonw *w, const char *key, const char **codes, int n)
{
	jsonw_karr(w, key);
	for (int i = 0; i < n; i++)
		jsonw_str(w, codes[i]);
	jsonw_end(w);
}

/* The person object; full adds consents, households and cases. */
static void write_person(struct jsonw *w, const struct person *p, bool full)
{
	jsonw_obj(w);
	jsonw_kint(w, "id", p->id);
	jsonw_kstr(w, "ref", p->ref);
	jsonw_kstr(w, "office", p->office);
	jsonw_kstr(w, "given_name", p->given_name);
	jsonw_kstr(w, "family_name", p->family_name);
	jsonw_kstr(w, "father_name", p->father_name);
	jsonw_kstr(w, "given_name_native", p->given_name_native);
	jsonw_kstr(w, "family_name_native", p->family_name_native);
	jsonw_kstr(w, "father_name_native", p->father_name_native);
	jsonw_kstr(w, "sex", p->sex);
	jsonw_kstr(w, "birth_date", p->birth_date);
	jsonw_kbool(w, "birth_date_estimated", p->birth_date_estimated);
	jsonw_kstr(w, "nationality", p->nationality);
	jsonw_kstr(w, "phone", p->phone);
	jsonw_kstr(w, "province_of_residence", p->province_of_residence);
	jsonw_kstr(w, "province_of_origin", p->province_of_origin);
	jsonw_kstr(w, "education", p->education);
	jsonw_kstr(w, "occupation", p->occupation);
	jsonw_kstr(w, "skills", p->skills);
	write_codes(w, "languages", p->languages, p->n_languages);
	jsonw_karr(w, "documents");
	for (int i = 0; i < p->n_documents; i++) {
		const struct person_document *d = &p->documents[i];
		jsonw_obj(w);
		jsonw_kint(w, "id", d->id);
		jsonw_kstr(w, "type", d->type);
		jsonw_kstr(w, "number", d->number);
		jsonw_kstr(w, "issuer", d->issuer);
		jsonw_kstr(w, "expires_on", d->expires_on);
		jsonw_end(w);
	}
	jsonw_end(w);
	write_codes(w, "vulnerabilities", p->vulnerabilities, p->n_vulnerabilities);
	if (full) {
		jsonw_karr(w, "consents");
		for (int i = 0; i < p->n_consents; i++)
			write_consent(w, &p->consents[i]);
		jsonw_end(w);
		jsonw_karr(w, "households");
		for (int i = 0; i < p->n_households; i++) {
			jsonw_obj(w);
			jsonw_kint(w, "id", p->households[i].id);
			jsonw_kstr(w, "ref", p->households[i].ref);
			jsonw_kstr(w, "relationship", p->households[i].relationship);
			jsonw_end(w);
		}
		jsonw_end(w);
		jsonw_karr(w, "cases");
		for (int i = 0; i < p->n_cases; i++) {
			jsonw_obj(w);
			jsonw_kint(w, "id", p->cases[i].id);
			jsonw_kstr(w, "ref", p->cases[i].ref);
			jsonw_kstr(w, "program", p->cases[i].program);
			jsonw_kstr(w, "status", p->cases[i].status);
			jsonw_kstr(w, "relationship", p->cases[i].relationship);
			jsonw_end(w);
		}
		jsonw_end(w);
	}
	jsonw_kstr(w, "registered_on", p->registered_on);
	jsonw_kint(w, "version", p->version);
	jsonw_kstr(w, "created_at", p->created_at);
	jsonw_kstr(w, "updated_at", p->updated_at);
	jsonw_end(w);
}

/* Reads the person back in the caller's scope and answers with it (the
 * households and cases it names are the ones in scope). GET audits the
 * read. */
static void respond_person(struct req *req, struct resp *resp, const struct scope *scope,
                           int64_t id, int status)
{
	struct person p;
	int rc = persons_get(req->db, req->arena, scope, id, PERSON_GET_RELATED, &p);
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	if (rc == 0) {
		resp_not_found(resp, "person", arena_printf(req->arena, "%lld", (long long)id));
		return;
	}
	if (!strcmp(req->method, "GET"))
		api_audit_read(req, "person.read", "person", id);
	write_person(resp_json(resp, status), &p, true);
	if (status == 201)
		resp_header(resp, "Location",
		            arena_printf(req->arena, "/api/v1/persons/%lld", (long long)id));
}

/* ---- the fields of a body ----
 *
 * person_input_read (api/person_input.c, shared with `safar import persons`)
 * reads them: PERSON_FIELDS are its person_input_fields. */

#define PERSON_FIELDS                                                                              \
	"office", "given_name", "family_name", "father_name", "given_name_native",                 \
	    "family_name_native", "father_name_native", "sex", "birth_date",                       \
	    "birth_date_estimated", "nationality", "phone", "province_of_residence",               \
	    "province_of_origin", "education", "occupation", "skills", "languages", "documents",   \
	    "vulnerabilities", "registered_on"

static const char *const create_fields[] = {PERSON_FIELDS, "check_duplicates",
                                            "duplicate_override_reason", NULL};
static const char *const update_fields[] = {"version", PERSON_FIELDS, NULL};

/* ---- POST /persons ---- */

static void create_person(struct req *req, struct resp *resp)
{
	if (!api_need_body(req, resp) || !api_reference_ready(resp))
		return;
	struct verr e = VERR_INIT;
	struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &e, .arena = req->arena};
	struct person p = {0};
	unsigned set;
	const char *office_code;
	struct date today = api_today(req);
	in_known_fields(&c, create_fields);
	if (person_input_read(req->db, &c, &today, true, &p, &set, &office_code) < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	bool check_duplicates = false;
	const char *override_reason = NULL;
	in_bool(&c, "check_duplicates", 0, &check_duplicates);
	in_str(&c, "duplicate_override_reason", 500, IN_MULTILINE, &override_reason);
	if (override_reason && !*override_reason)
		verr_add(&e, "duplicate_override_reason",
		         "must say why this person is registered despite the possible duplicates");
	if (!office_code && !json_object_object_get_ex(req->body, "office", NULL)) {
		const struct principal *who = req->who;
		if (who && who->n_offices == 1)
			p.office_id = who->office_ids[0];
		else
			verr_add(&e, "office",
			         who && who->n_offices > 1
			             ? "is required: you work for several offices; give "
			               "the office code (e.g. THR)"
			             : "is required: give the office code (e.g. THR)");
	}
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	struct scope scope;
	api_scope(req, "person.write", &scope);
	if (!scope_office(&scope, p.office_id)) {
		forbid_office(req, resp, p.office_id);
		return;
	}
	if (!p.registered_on)
		p.registered_on = date_str(req->arena, &today);

	/* possible duplicates: refused with a 409 listing them, or recorded */
	const char *override_audit = NULL;
	if (api_duplicates_gate(req, resp, &p, check_duplicates, override_reason, &override_audit))
		return;

	char now[32];
	time_rfc3339(req->now, now);
	int64_t by = req->who ? req->who->user_id : 0;
	if (persons_insert(req->db, req->arena, &p, now, by)) {
		resp_store_error(resp, req->db);
		return;
	}
	/* The audit detail names the person's fields given, not their values
	 * (the duplicate check's own fields are not the person's: the
	 * override is recorded apart) */
	struct buf b = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "ref", p.ref);
	jsonw_karr(&w, "fields");
	json_object_object_foreach(req->body, key, val)
	{
		(void)val;
		if (strcmp(key, "check_duplicates") && strcmp(key, "duplicate_override_reason"))
			jsonw_str(&w, key);
	}
	jsonw_end(&w);
	if (override_audit) {
		jsonw_key(&w, "duplicate_override");
		jsonw_raw(&w, override_audit);
	}
	jsonw_end(&w);
	if (audit(req, "person.create", p.id, &b)) {
		resp_store_error(resp, req->db);
		return;
	}
	respond_person(req, resp, &scope, p.id, 201);
}

/* ---- GET /persons/{id} ---- */

static void get_person(struct req *req, struct resp *resp)
{
	int64_t id = req_param_id(req, 0);
	if (!id) {
		resp_not_found(resp, "person", req->params[0]);
		return;
	}
	struct scope scope;
	api_scope(req, "person.read", &scope);
	if (api_person_gone(req, resp, &scope, id)) /* 410: merged into another */
		return;
	respond_person(req, resp, &scope, id, 200);
}

/* ---- PATCH /persons/{id} ---- */

/* The scalar text fields, for the audit's before/after. */
static const struct {
	const char *name;
	size_t offset;
} text_fields[] = {
#define F(x)                                                                                       \
	{                                                                                          \
#x, offsetof(struct person, x)                                                     \
	}
    F(office),
    F(given_name),
    F(family_name),
    F(father_name),
    F(given_name_native),
    F(family_name_native),
    F(father_name_native),
    F(sex),
    F(birth_date),
    F(nationality),
    F(phone),
    F(province_of_residence),
    F(province_of_origin),
    F(education),
    F(occupation),
    F(skills),
    F(registered_on),
#undef F
};

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool same_codes(const char **a, int na, const char **b, int nb)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return true;
}

static bool same_documents(const struct person *a, const struct person *b)
{
	if (a->n_documents != b->n_documents)
		return false;
	for (int i = 0; i < a->n_documents; i++) {
		const struct person_document *x = &a->documents[i], *y = &b->documents[i];
		if (!same_str(x->type, y->type) || !same_str(x->number, y->number) ||
		    !same_str(x->issuer, y->issuer) || !same_str(x->expires_on, y->expires_on))
			return false;
	}
	return true;
}

static void diff_codes(struct jsonw *w, const char *key, const char **a, int na, const char **b,
                       int nb)
{
	if (same_codes(a, na, b, nb))
		return;
	jsonw_kobj(w, key);
	write_codes(w, "before", a, na);
	write_codes(w, "after", b, nb);
	jsonw_end(w);
}

/* {"ref", "changed": {field: {before, after}}}; lists of codes with their
 * before/after, documents with their counts. */
static void person_diff(struct buf *b, const struct person *old, const struct person *new,
                        unsigned set)
{
	struct jsonw w;
	jsonw_init(&w, b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "ref", old->ref);
	jsonw_kobj(&w, "changed");
	for (size_t i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++) {
		const char *x = *(const char *const *)((const char *)old + text_fields[i].offset);
		const char *y = *(const char *const *)((const char *)new + text_fields[i].offset);
		if (same_str(x, y))
			continue;
		jsonw_kobj(&w, text_fields[i].name);
		jsonw_kstr(&w, "before", x);
		jsonw_kstr(&w, "after", y);
		jsonw_end(&w);
	}
	if (old->birth_date_estimated != new->birth_date_estimated) {
		jsonw_kobj(&w, "birth_date_estimated");
		jsonw_kbool(&w, "before", old->birth_date_estimated);
		jsonw_kbool(&w, "after", new->birth_date_estimated);
		jsonw_end(&w);
	}
	if (set & PERSON_SET_LANGUAGES)
		diff_codes(&w, "languages", old->languages, old->n_languages, new->languages,
		           new->n_languages);
	if (set & PERSON_SET_VULNERABILITIES)
		diff_codes(&w, "vulnerabilities", old->vulnerabilities, old->n_vulnerabilities,
		           new->vulnerabilities, new->n_vulnerabilities);
	if ((set & PERSON_SET_DOCUMENTS) && !same_documents(old, new)) {
		jsonw_kobj(&w, "documents");
		jsonw_kint(&w, "before", old->n_documents);
		jsonw_kint(&w, "after", new->n_documents);
		jsonw_end(&w);
	}
	jsonw_end(&w);
	jsonw_end(&w);
}

static void update_person(struct req *req, struct resp *resp)
{
	int64_t id = req_param_id(req, 0);
	struct person cur;
	struct scope scope;
	api_scope(req, "person.write", &scope);
	int rc = id ? persons_get(req->db, req->arena, &scope, id, 0, &cur) : 0;
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	if (rc == 0) {
		resp_not_found(resp, "person", req->params[0]);
		return;
	}
	if (!api_need_body(req, resp) || !api_reference_ready(resp))
		return;

	struct verr e = VERR_INIT;
	struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &e, .arena = req->arena};
	struct person p = cur;
	int64_t version = 0;
	unsigned set;
	const char *office_code;
	in_known_fields(&c, update_fields);
	api_update_version(req, &c, &version);
	struct date today = api_today(req);
	if (person_input_read(req->db, &c, &today, false, &p, &set, &office_code) < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	/* Moving a person needs both offices: the old one is in scope (else
	 * 404 above), the new one must be too. */
	if (p.office_id != cur.office_id && !scope_office(&scope, p.office_id)) {
		forbid_office(req, resp, p.office_id);
		return;
	}
	if (version != cur.version) {
		resp_conflict(resp, cur.version);
		return;
	}

	char now[32];
	time_rfc3339(req->now, now);
	rc = persons_update(req->db, &p, set, version, now, req->who ? req->who->user_id : 0);
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	if (rc == 0) { /* changed since we read it */
		struct person again;
		if (persons_get(req->db, req->arena, NULL, id, 0, &again) != 1) {
			resp_store_error(resp, req->db);
			return;
		}
		resp_conflict(resp, again.version);
		return;
	}
	struct buf b = BUF_INIT;
	person_diff(&b, &cur, &p, set);
	if (audit(req, "person.update", id, &b)) {
		resp_store_error(resp, req->db);
		return;
	}
	respond_person(req, resp, &scope, id, 200);
}

/* ---- GET /persons ---- */

static void list_persons(struct req *req, struct resp *resp)
{
	if (!api_reference_ready(resp))
		return;
	struct verr e = VERR_INIT;
	struct person_filter f = {0};
	const char *s;
	int limit = api_limit(req, &e);
	int64_t after = 0;
	if (api_cursor_decode(req_query(req, "cursor"), &after))
		verr_add(&e, "cursor", "is not a cursor this server gave out");
	if ((s = req_query(req, "office")) &&
	    api_resolve_office(req->db, req->arena, &e, "office", s, &f.office_id, NULL) < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	if ((f.sex = req_query(req, "sex")) && !code_in(person_sexes, f.sex))
		verr_add(&e, "sex", "must be one of: F, M, X");
	if ((f.nationality = req_query(req, "nationality")) && !iso_country_valid(f.nationality))
		verr_add(&e, "nationality", "no country with ISO 3166-1 alpha-3 code \"%.20s\"",
		         f.nationality);
	if ((f.province = req_query(req, "province")) && !iso_subdivision_valid(f.province))
		verr_add(&e, "province", "no ISO 3166-2 province with code \"%.20s\"", f.province);
	if ((f.vulnerability = req_query(req, "vulnerability")) &&
	    !code_in(person_vulnerabilities, f.vulnerability))
		verr_add(&e, "vulnerability", "no vulnerability with code \"%.40s\"",
		         f.vulnerability);
	struct date from, to;
	if ((f.registered_from = req_query(req, "registered_from")) &&
	    date_parse(f.registered_from, &from))
		verr_add(&e, "registered_from", "must be a real date written YYYY-MM-DD");
	if ((f.registered_to = req_query(req, "registered_to")) && date_parse(f.registered_to, &to))
		verr_add(&e, "registered_to", "must be a real date written YYYY-MM-DD");
	if ((f.ref = req_query(req, "ref")) && strlen(f.ref) > 32)
		verr_add(&e, "ref", "is too long");
	if ((f.document = req_query(req, "document")) &&
	    (!*f.document || utf8_length(f.document, strlen(f.document)) > PERSON_DOC_NUMBER_MAX))
		verr_add(&e, "document", "must be a document number of 1 to %d characters",
		         PERSON_DOC_NUMBER_MAX);
	if ((f.phone = req_query(req, "phone")))
		person_check_phone(&e, "phone", f.phone);
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}

	struct scope scope;
	api_scope(req, "person.read", &scope);
	f.scope = &scope;
	struct person *items;
	int n;
	bool more;
	if (persons_list(req->db, req->arena, &f, after, limit, &items, &n, &more)) {
		resp_store_error(resp, req->db);
		return;
	}
	struct jsonw *w = resp_json(resp, 200);
	jsonw_obj(w);
	jsonw_karr(w, "items");
	for (int i = 0; i < n; i++)
		write_person(w, &items[i], false);
	jsonw_end(w);
	if (more && n)
		jsonw_kstr(w, "next_cursor", api_cursor_encode(req->arena, items[n - 1].id));
	else
		jsonw_knull(w, "next_cursor");
	jsonw_end(w);
}

/* ---- consents ---- */

static void add_consent(struct req *req, struct resp *resp)
{
	static const char *const allowed[] = {"purpose", "given_on", "notes", NULL};
	int64_t id = req_param_id(req, 0);
	struct scope scope;
	api_scope(req, "person.write", &scope);
	int rc = id ? persons_exists(req->db, &scope, id, NULL) : 0;
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	if (rc == 0) {
		resp_not_found(resp, "person", req->params[0]);
		return;
	}
	if (!api_need_body(req, resp))
		return;
	struct verr e = VERR_INIT;
	struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &e, .arena = req->arena};
	struct date today = api_today(req), given = today;
	struct person_consent pc = {.person_id = id,
	                            .recorded_by = req->who ? req->who->user_id : 0};
	bool set = false;
	in_known_fields(&c, allowed);
	in_enum(&c, "purpose", consent_purposes, IN_REQUIRED, &pc.purpose);
	if (in_date(&c, "given_on", IN_NULLABLE, &given, &set) == 1 && !set)
		given = today;
	check_not_future(&e, "given_on", &given, &today);
	in_str(&c, "notes", CONSENT_NOTES_MAX, IN_NULLABLE | IN_MULTILINE, &pc.notes);
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	pc.given_on = date_str(req->arena, &given);

	char now[32];
	time_rfc3339(req->now, now);
	if (consents_add(req->db, &pc, now)) {
		resp_store_error(resp, req->db);
		return;
	}
	struct buf b = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kint(&w, "consent_id", pc.id);
	jsonw_kstr(&w, "purpose", pc.purpose);
	jsonw_kstr(&w, "given_on", pc.given_on);
	jsonw_end(&w);
	struct person_consent out;
	if (audit(req, "person.consent", id, &b) ||
	    consents_get(req->db, req->arena, id, pc.id, &out) != 1) {
		resp_store_error(resp, req->db);
		return;
	}
	write_consent(resp_json(resp, 201), &out);
}

static void withdraw_consent(struct req *req, struct resp *resp)
{
	static const char *const allowed[] = {"withdrawn_on", "notes", NULL};
	int64_t id = req_param_id(req, 0), consent_id = req_param_id(req, 1);
	struct person_consent cur;
	struct scope scope;
	api_scope(req, "person.write", &scope);
	int rc = id ? persons_exists(req->db, &scope, id, NULL) : 0;
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	if (rc == 0) {
		resp_not_found(resp, "person", req->params[0]);
		return;
	}
	rc = consent_id ? consents_get(req->db, req->arena, id, consent_id, &cur) : 0;
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	if (rc == 0) {
		resp_not_found(resp, "consent", req->params[1]);
		return;
	}

	struct verr e = VERR_INIT;
	struct date today = api_today(req), when = today, given;
	const char *notes = NULL;
	if (req->body) {
		struct in_ctx c = {.obj = req->body, .prefix = "", .errs = &e, .arena = req->arena};
		bool set = false;
		in_known_fields(&c, allowed);
		if (in_date(&c, "withdrawn_on", IN_NULLABLE, &when, &set) == 1 && !set)
			when = today;
		in_str(&c, "notes", CONSENT_NOTES_MAX, IN_NULLABLE | IN_MULTILINE, &notes);
	}
	check_not_future(&e, "withdrawn_on", &when, &today);
	if (!date_parse(cur.given_on, &given) && date_cmp(&when, &given) < 0)
		verr_add(&e, "withdrawn_on", "must not be before the consent was given (%s)",
		         cur.given_on);
	if (verr_any(&e)) {
		resp_invalid(resp, &e);
		return;
	}
	if (cur.withdrawn_on) {
		struct verr why = VERR_INIT;
		verr_add(&why, "consent_id", "consent %lld was already withdrawn on %s",
		         (long long)consent_id, cur.withdrawn_on);
		resp_refused(resp, "the consent was already withdrawn", &why);
		return;
	}

	const char *on = date_str(req->arena, &when);
	rc = consents_withdraw(req->db, consent_id, on, req->who ? req->who->user_id : 0, notes);
	if (rc < 0) {
		resp_store_error(resp, req->db);
		return;
	}
	struct buf b = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kint(&w, "consent_id", consent_id);
	jsonw_kstr(&w, "purpose", cur.purpose);
	jsonw_kstr(&w, "withdrawn_on", on);
	jsonw_end(&w);
	struct person_consent out;
	if (audit(req, "person.consent_withdrawn", id, &b) ||
	    consents_get(req->db, req->arena, id, consent_id, &out) != 1) {
		resp_store_error(resp, req->db);
		return;
	}
	write_consent(resp_json(resp, 200), &out);
}

void api_person_item(struct jsonw *w, const struct person *p)
{
	write_person(w, p, false);
}

const struct route person_routes[] = {
    {"GET", "/api/v1/persons", list_persons, "person.read", 0,
     "List persons (filters: office, sex, nationality, province, vulnerability, "
     "registered_from, registered_to, ref, document, phone)"},
    {"POST", "/api/v1/persons", create_person, "person.write", 0, "Register a person"},
    {"GET", "/api/v1/persons/{id}", get_person, "person.read", ROUTE_AUDITED_READ,
     "One person with consents, households and cases"},
    {"PATCH", "/api/v1/persons/{id}", update_person, "person.write", 0, "Change a person's fields"},
    {"POST", "/api/v1/persons/{id}/consents", add_consent, "person.write", 0, "Record a consent"},
    {"POST", "/api/v1/persons/{id}/consents/{consent_id}/withdrawal", withdraw_consent,
     "person.write", 0, "Withdraw a consent"},
    {0},
};
