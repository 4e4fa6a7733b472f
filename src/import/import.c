#include "import/import.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "api/person_input.h"
#include "domain/verr.h"
#include "match/match.h"
#include "store/db.h"
#include "store/imports.h"
#include "store/misc.h"
#include "store/persons.h"
#include "store/users.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/jsonw.h"
#include "util/log.h"
#include "util/xalloc.h"

/* ---- the columns ---- */

enum col_kind {
	COL_TEXT, /* a string field */
	COL_BOOL, /* true/false, yes/no, 1/0 */
	COL_LIST, /* codes separated by ; */
	COL_DOC,  /* a member of the one document */
};

struct column_def {
	const char *name; /* the header name */
	const char *json; /* the field of the API body (of documents[0] for COL_DOC) */
	enum col_kind kind;
};

static const struct column_def column_defs[] = {
    {"office", "office", COL_TEXT},
    {"given_name", "given_name", COL_TEXT},
    {"family_name", "family_name", COL_TEXT},
    {"father_name", "father_name", COL_TEXT},
    {"given_name_native", "given_name_native", COL_TEXT},
    {"family_name_native", "family_name_native", COL_TEXT},
    {"father_name_native", "father_name_native", COL_TEXT},
    {"sex", "sex", COL_TEXT},
    {"birth_date", "birth_date", COL_TEXT},
    {"birth_date_estimated", "birth_date_estimated", COL_BOOL},
    {"nationality", "nationality", COL_TEXT},
    {"phone", "phone", COL_TEXT},
    {"province_of_residence", "province_of_residence", COL_TEXT},
    {"province_of_origin", "province_of_origin", COL_TEXT},
    {"education", "education", COL_TEXT},
    {"occupation", "occupation", COL_TEXT},
    {"skills", "skills", COL_TEXT},
    {"languages", "languages", COL_LIST},
    {"vulnerabilities", "vulnerabilities", COL_LIST},
    {"document_type", "type", COL_DOC},
    {"document_number", "number", COL_DOC},
    {"document_issuer", "issuer", COL_DOC},
    {"document_expires_on", "expires_on", COL_DOC},
};
#define NDEFS ((int)(sizeof(column_defs) / sizeof(column_defs[0])))

/* person.import audit rows gathered before they are written in one batch */
#define AUDIT_PENDING 512

enum { DEF_OFFICE = 0, DEF_GIVEN_NAME = 1, DEF_SEX = 7 };

const char *const import_person_columns[] = {
    "office",
    "given_name",
    "family_name",
    "father_name",
    "given_name_native",
    "family_name_native",
    "father_name_native",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "nationality",
    "phone",
    "province_of_residence",
    "province_of_origin",
    "education",
    "occupation",
    "skills",
    "languages",
    "vulnerabilities",
    "document_type",
    "document_number",
    "document_issuer",
    "document_expires_on",
    NULL,
};

static int def_by_name(const char *name)
{
	for (int i = 0; i < NDEFS; i++)
		if (!strcmp(column_defs[i].name, name))
			return i;
	return -1;
}

/* A header as a field name: trimmed, lower case, spaces and hyphens as _. */
static void normalise_header(const char *s, char *out, size_t cap)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = 0;
	for (; *s && n + 1 < cap; s++) {
		char c = *s;
		if (c == ' ' || c == '-')
			c = '_';
		out[n++] = (char)tolower((unsigned char)c);
	}
	while (n && out[n - 1] == '_')
		n--;
	out[n] = '\0';
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/* ---- mappings ---- */

void import_mapping_add(struct import_mapping *m, const char *column, const char *field)
{
	m->items = xrealloc(m->items, sizeof(*m->items) * (size_t)(m->n + 1));
	m->items[m->n].column = xstrdup(column);
	m->items[m->n].field = field && *field ? xstrdup(field) : NULL;
	m->n++;
}

void import_mapping_release(struct import_mapping *m)
{
	for (int i = 0; i < m->n; i++) {
		free(m->items[i].column);
		free(m->items[i].field);
	}
	free(m->items);
	m->items = NULL;
	m->n = 0;
}

/* A field a mapping names: a known column, or "" / "-" / "ignore". */
static int check_target(const char *field, const char *column, char **cause)
{
	if (!field || !*field || !strcmp(field, "-") || !strcmp(field, "ignore"))
		return 0;
	if (def_by_name(field) < 0) {
		*cause =
		    xasprintf("the mapping sends column \"%.60s\" to \"%.60s\", which is not a "
		              "person field; the fields are: given_name, family_name, "
		              "father_name, the three *_native names, sex, birth_date, "
		              "birth_date_estimated, nationality, phone, province_of_residence, "
		              "province_of_origin, education, occupation, skills, languages, "
		              "vulnerabilities, document_type, document_number, "
		              "document_issuer, document_expires_on, office (or leave it empty "
		              "to ignore the column)",
		              column, field);
		return -1;
	}
	return 0;
}

static const char *target_of(const char *field)
{
	if (!field || !*field || !strcmp(field, "-") || !strcmp(field, "ignore"))
		return NULL;
	return field;
}

int import_mapping_load(struct import_mapping *m, const char *path, char **cause)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*cause = xasprintf("cannot open the mapping file %s: %s", path, strerror(errno));
		return -1;
	}
	struct csv_reader r;
	csv_init(&r, csv_fd_read, &fd);
	int rc, ret = 0;
	while ((rc = csv_next(&r)) == 1) {
		const char *col = csv_field(&r, 0);
		if (*col == '#' || (r.record == 1 && !strcasecmp(col, "column") &&
		                    csv_nfields(&r) == 2 && !strcasecmp(csv_field(&r, 1), "field")))
			continue;
		if (csv_nfields(&r) > 2) {
			*cause = xasprintf("mapping file %s, line %lld: write `column,field` (two "
			                   "fields; quote a column name holding a comma)",
			                   path, (long long)r.line);
			ret = -1;
			break;
		}
		const char *field = csv_nfields(&r) == 2 ? csv_field(&r, 1) : "";
		while (*field == ' ')
			field++;
		if (check_target(field, col, cause)) {
			ret = -1;
			break;
		}
		import_mapping_add(m, col, target_of(field));
	}
	if (rc < 0 && !ret) {
		*cause = xasprintf("mapping file %s: %s", path, r.error);
		ret = -1;
	}
	csv_release(&r);
	close(fd);
	return ret;
}

int import_mapping_from_json(struct import_mapping *m, struct json_object *obj, char **cause)
{
	if (!json_object_is_type(obj, json_type_object)) {
		*cause = xstrdup("must be an object {\"column header\": \"field\" or null}");
		return -1;
	}
	json_object_object_foreach(obj, key, val)
	{
		const char *field = NULL;
		if (val && !json_object_is_type(val, json_type_null)) {
			if (!json_object_is_type(val, json_type_string)) {
				*cause =
				    xasprintf("column \"%.60s\": give the field name as a string, "
				              "or null to ignore the column",
				              key);
				return -1;
			}
			field = json_object_get_string(val);
		}
		if (check_target(field, key, cause))
			return -1;
		import_mapping_add(m, key, target_of(field));
	}
	return 0;
}

/* ---- the header ---- */

struct layout {
	int ncols;
	int *def_of_col;    /* column -> column_defs index, -1 ignored */
	char **header;      /* the header as written, for the report */
	int col_of_def[32]; /* column_defs index -> column, -1 absent */
};

static void layout_release(struct layout *l)
{
	for (int i = 0; i < l->ncols; i++)
		free(l->header[i]);
	free(l->header);
	free(l->def_of_col);
	memset(l, 0, sizeof(*l));
}

static const char *mapped(const struct import_mapping *m, const char *header, bool *found)
{
	*found = false;
	if (!m)
		return NULL;
	char want[128], have[128];
	normalise_header(header, want, sizeof(want));
	for (int i = 0; i < m->n; i++) {
		normalise_header(m->items[i].column, have, sizeof(have));
		if (!strcmp(want, have)) {
			*found = true;
			return m->items[i].field;
		}
	}
	return NULL;
}

/* Resolves the header record of r into l. 0, or -1 with *cause. */
static int read_header(struct csv_reader *r, const struct import_mapping *m, bool have_office,
                       struct layout *l, char **cause)
{
	l->ncols = csv_nfields(r);
	l->def_of_col = xcalloc((size_t)l->ncols, sizeof(*l->def_of_col));
	l->header = xcalloc((size_t)l->ncols, sizeof(*l->header));
	for (int i = 0; i < NDEFS; i++)
		l->col_of_def[i] = -1;
	for (int c = 0; c < l->ncols; c++) {
		const char *h = csv_field(r, c);
		l->header[c] = xstrdup(h);
		if (blank(h)) {
			*cause =
			    xasprintf("row 1, column %d: the header has no name for this column; "
			              "name it (e.g. given_name) or remove the column",
			              c + 1);
			return -1;
		}
		bool found;
		const char *field = mapped(m, h, &found);
		char name[128];
		if (!found) {
			normalise_header(h, name, sizeof(name));
			field = name;
		}
		int d = field ? def_by_name(field) : -1;
		if (field && d < 0) {
			*cause = xasprintf(
			    "row 1, column %d: \"%.60s\" is not a person field. Name the column "
			    "after one (given_name, family_name, father_name, given_name_native, "
			    "family_name_native, father_name_native, sex, birth_date, "
			    "birth_date_estimated, nationality, phone, province_of_residence, "
			    "province_of_origin, education, occupation, skills, languages, "
			    "vulnerabilities, document_type, document_number, document_issuer, "
			    "document_expires_on, office), or give a mapping file with a line "
			    "`%.60s,FIELD` (or `%.60s,` to ignore the column)",
			    c + 1, h, h, h);
			return -1;
		}
		l->def_of_col[c] = d;
		if (d < 0)
			continue;
		if (l->col_of_def[d] >= 0) {
			*cause =
			    xasprintf("row 1: columns %d and %d both give %s; keep one of them",
			              l->col_of_def[d] + 1, c + 1, column_defs[d].name);
			return -1;
		}
		l->col_of_def[d] = c;
	}
	const char *missing = l->col_of_def[DEF_GIVEN_NAME] < 0 ? "given_name"
	                      : l->col_of_def[DEF_SEX] < 0      ? "sex"
	                                                        : NULL;
	if (missing) {
		*cause = xasprintf("the file has no %s column, which every person needs (the "
		                   "header is row 1; map a column to it with a mapping file if it "
		                   "has another name)",
		                   missing);
		return -1;
	}
	if (l->col_of_def[DEF_OFFICE] < 0 && !have_office) {
		*cause = xstrdup("the file has no office column: say which office the persons are "
		                 "registered in (--office CODE, or an office column)");
		return -1;
	}
	return 0;
}

/* ---- the report ---- */

struct report {
	const struct import_opts *o;
	struct buf b;
	int failed;
};

static void report_flush(struct report *rp)
{
	if (rp->b.len && rp->o->report && !rp->failed)
		rp->failed = rp->o->report(rp->o->report_ctx, rp->b.data, rp->b.len);
	buf_reset(&rp->b);
}

static void report_line(struct report *rp, int64_t row, const char *column, const char *value,
                        const char *reason)
{
	if (!rp->o->report)
		return;
	if (row)
		buf_addf(&rp->b, "%lld,", (long long)row);
	else
		buf_addf(&rp->b, ",");
	(void)csv_write_field(&rp->b, column ? column : "");
	buf_addf(&rp->b, ",");
	(void)csv_write_field(&rp->b, value ? value : "");
	buf_addf(&rp->b, ",");
	(void)csv_write_field(&rp->b, reason ? reason : "");
	buf_addf(&rp->b, "\r\n");
	if (rp->b.len > 60000)
		report_flush(rp);
}

/* ---- one row ---- */

/* A JSON body for POST /persons from the current record. */
static struct json_object *row_object(const struct csv_reader *r, const struct layout *l)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *doc = NULL;
	for (int c = 0; c < l->ncols; c++) {
		int d = l->def_of_col[c];
		if (d < 0)
			continue;
		const char *v = csv_field(r, c);
		size_t len = csv_field_len(r, c);
		while (len && (*v == ' ' || *v == '\t'))
			v++, len--;
		while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
			len--;
		if (!len)
			continue;
		const struct column_def *def = &column_defs[d];
		struct json_object *val;
		switch (def->kind) {
		case COL_BOOL: {
			char t[8] = "";
			if (len < sizeof(t)) {
				memcpy(t, v, len);
				t[len] = '\0';
			}
			if (!strcasecmp(t, "true") || !strcasecmp(t, "yes") || !strcmp(t, "1"))
				val = json_object_new_boolean(1);
			else if (!strcasecmp(t, "false") || !strcasecmp(t, "no") || !strcmp(t, "0"))
				val = json_object_new_boolean(0);
			else /* the API's own message: "must be true or false" */
				val = json_object_new_string_len(v, (int)len);
			break;
		}
		case COL_LIST: {
			val = json_object_new_array();
			const char *p = v, *end = v + len;
			while (p < end) {
				const char *semi = memchr(p, ';', (size_t)(end - p));
				const char *e = semi ? semi : end;
				const char *s = p;
				while (s < e && (*s == ' ' || *s == '\t'))
					s++;
				const char *t = e;
				while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
					t--;
				if (t > s)
					json_object_array_add(
					    val, json_object_new_string_len(s, (int)(t - s)));
				p = e + 1;
			}
			break;
		}
		default:
			val = json_object_new_string_len(v, (int)len);
		}
		if (def->kind == COL_DOC) {
			if (!doc)
				doc = json_object_new_object();
			json_object_object_add(doc, def->json, val);
		} else {
			json_object_object_add(obj, def->json, val);
		}
	}
	if (doc) {
		struct json_object *docs = json_object_new_array();
		json_object_array_add(docs, doc);
		json_object_object_add(obj, "documents", docs);
	}
	return obj;
}

/* The column an API error field comes from: "documents[0].number" ->
 * document_number, "languages[2]" -> languages. -1 when none. */
static int column_of_field(const struct layout *l, const char *field)
{
	char name[64];
	if (!strncmp(field, "documents[", 10)) {
		const char *dot = strchr(field, '.');
		if (!dot)
			return l->col_of_def[def_by_name("document_type")];
		snprintf(name, sizeof(name), "document_%s", dot + 1);
		int d = def_by_name(name);
		return d < 0 ? -1 : l->col_of_def[d];
	}
	size_t n = strcspn(field, "[.");
	if (n >= sizeof(name))
		return -1;
	memcpy(name, field, n);
	name[n] = '\0';
	int d = def_by_name(name);
	return d < 0 ? -1 : l->col_of_def[d];
}

/* ---- the two passes ---- */

struct run {
	struct db *db;
	const struct import_source *src;
	const struct import_opts *o;
	struct import_stats *st;
	struct layout l;
	struct report rp;
	struct csv_reader r;
	int64_t default_office;
	struct date today;
	char today_text[11], now[32];
	struct timespec t0, last_progress;
	/* rows of the persons written by this run: row_of[id - first_id], for
	 * the duplicate report only (4 bytes a row: not kept without it) */
	int32_t *row_of;
	size_t row_of_cap;
	/* the counts before pass 2 (a resumed job's), restored after a check */
	int64_t base_imported, base_done;
	/* match keys written in bulk: flushed before each commit and, when
	 * possible duplicates are looked for, before each search (which must
	 * find the rows before) */
	struct match_bulk *bulk;
	/* the person.import audit rows of the rows written, appended to the
	 * chain in one batch (audit_write_batch) with the match keys */
	struct audit_entry audits[AUDIT_PENDING];
	int n_audits;
	struct arena audit_arena; /* their details */
	/* the last "person" sequence number taken in this transaction (0:
	 * none yet): the next rows count on from it, and seq_set records it
	 * before the commit */
	int64_t seq;
};

/* Appends the audit rows gathered to the chain. */
static int flush_audits(struct run *x)
{
	int rc = audit_write_batch(x->db, x->audits, x->n_audits);
	x->n_audits = 0;
	arena_release(&x->audit_arena);
	return rc;
}

/* Writes what was gathered (match keys, audit rows): before every commit.
 * (The match keys also go before each duplicate search, the audit rows
 * whenever AUDIT_PENDING wait: not the keys then, which are cheaper the
 * more are written at once.) */
static int flush_writes(struct run *x)
{
	int rc = match_bulk_flush(x->bulk);
	if (!rc && x->seq)
		rc = seq_set(x->db, "person", x->seq);
	return rc ? rc : flush_audits(x);
}

static double since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Calls the progress callback at most ~10 times a second (and always when
 * force is set). Non-zero: stop. */
static int progress(struct run *x, bool force)
{
	if (!x->o->progress)
		return 0;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double dt = (double)(now.tv_sec - x->last_progress.tv_sec) +
	            (double)(now.tv_nsec - x->last_progress.tv_nsec) / 1e9;
	if (!force && dt < 0.1)
		return 0;
	x->last_progress = now;
	x->st->seconds = since(&x->t0);
	return x->o->progress(x->o->progress_ctx, x->st);
}

static int open_reader(struct run *x, char **cause)
{
	if (x->src->rewind(x->src->ctx)) {
		*cause = xasprintf("cannot read %s: %s", x->src->name, strerror(errno));
		return -1;
	}
	csv_release(&x->r);
	csv_init(&x->r, x->src->read, x->src->ctx);
	return 0;
}

/* Pass 1: the file is CSV, UTF-8, with a usable header; rows counted. */
static enum import_outcome scan(struct run *x, char **cause)
{
	if (open_reader(x, cause))
		return IMPORT_REFUSED;
	x->st->scanning = true;
	int rc = csv_next(&x->r);
	if (rc == 0) {
		*cause = xasprintf("%s is empty: a CSV file with a header row (given_name, sex, "
		                   "...) and one row per person is expected",
		                   x->src->name);
		return IMPORT_REFUSED;
	}
	if (rc < 0)
		goto malformed;
	if (read_header(&x->r, x->o->mapping, x->default_office != 0, &x->l, cause))
		return IMPORT_REFUSED;
	while ((rc = csv_next(&x->r)) == 1) {
		x->st->rows_total++;
		if ((x->st->rows_total & 4095) == 0) {
			x->st->bytes_total = csv_offset(&x->r);
			if (progress(x, false))
				return IMPORT_STOPPED;
		}
	}
	if (rc < 0)
		goto malformed;
	x->st->bytes_total = csv_offset(&x->r);
	if (x->st->rows_total == 0) {
		*cause = xasprintf("%s has a header but no rows of persons", x->src->name);
		return IMPORT_REFUSED;
	}
	x->st->scanning = false;
	return IMPORT_DONE;
malformed:
	*cause = xasprintf("%s is not a CSV file Safar can read: %s. Nothing was imported.",
	                   x->src->name, x->r.error);
	return IMPORT_REFUSED;
}

static int remember_row(struct run *x, int64_t id, int64_t row)
{
	if (!x->st->first_id)
		x->st->first_id = id;
	x->st->last_id = id;
	if (x->o->no_duplicates)
		return 0;
	size_t k = (size_t)(id - x->st->first_id);
	if (k >= x->row_of_cap) {
		size_t cap = x->row_of_cap ? x->row_of_cap * 2 : 4096;
		while (cap <= k)
			cap *= 2;
		x->row_of = xrealloc(x->row_of, cap * sizeof(*x->row_of));
		memset(x->row_of + x->row_of_cap, 0, (cap - x->row_of_cap) * sizeof(*x->row_of));
		x->row_of_cap = cap;
	}
	x->row_of[k] = (int32_t)(row > INT32_MAX ? INT32_MAX : row);
	return 0;
}

/* Flags possible duplicates of p (just written, from row) in the report. */
static int check_duplicates(struct run *x, struct arena *a, const struct person *p, int64_t row)
{
	struct match_subject s;
	match_subject_from_person(&s, p);
	struct match_search_opts mo = {
	    .limit = 5,
	    .min_score = MATCH_DUPLICATE_THRESHOLD,
	    .exclude_id = p->id,
	    .office_ids = x->o->office_ids,
	    .n_office_ids = x->o->n_office_ids,
	    .all_offices = x->o->all_offices,
	    .scope = x->o->scope,
	};
	struct match_hit *hits;
	int n;
	int rc = match_search(x->db, a, &s, &mo, &hits, &n);
	if (rc)
		return rc;
	if (n)
		x->st->duplicates++;
	for (int i = 0; i < n; i++) {
		const char *who;
		int64_t id = hits[i].person_id;
		if (x->st->first_id && id >= x->st->first_id && id < p->id &&
		    (size_t)(id - x->st->first_id) < x->row_of_cap &&
		    x->row_of[id - x->st->first_id]) {
			who = arena_printf(a, "row %d", x->row_of[id - x->st->first_id]);
		} else {
			struct person other;
			rc = persons_get(x->db, a, x->o->scope, id, 0, &other);
			if (rc < 0)
				return rc;
			who = rc ? other.ref : arena_printf(a, "person %lld", (long long)id);
		}
		report_line(&x->rp, row, "(duplicate)", who,
		            arena_printf(a, "possible duplicate (score %d): %s", hits[i].score,
		                         hits[i].explanation ? hits[i].explanation : ""));
	}
	return 0;
}

static bool office_allowed(const struct import_opts *o, int64_t office_id)
{
	if (o->all_offices)
		return true;
	for (int i = 0; i < o->n_office_ids; i++)
		if (o->office_ids[i] == office_id)
			return true;
	return false;
}

/* ---- one row ---- */

/* What is wrong with a refused row: one report line each. */
struct problem {
	const char *column, *value, *reason;
};

enum { ROW_END = 2, ROW_MALFORMED = 3 };

/* A data row read and checked, and its match keys computed: by the reading
 * thread (see "reading ahead") or inline. Its strings live in a. */
struct ahead_row {
	int64_t row;
	int state; /* 1 valid, 0 refused, ROW_END, ROW_MALFORMED, or a DB error */
	struct arena a;
	struct person p;
	struct problem *problems;
	int n_problems, cap_problems;
	struct match_prep *mp; /* NULL when the keys are not wanted */
	const char *error;     /* ROW_MALFORMED, DB error: the message */
};

static void problem(struct ahead_row *s, const char *column, const char *value, const char *reason)
{
	if (s->n_problems == s->cap_problems) {
		int cap = s->cap_problems ? 2 * s->cap_problems : 8;
		struct problem *p = arena_alloc(&s->a, (size_t)cap * sizeof(*p));
		if (s->n_problems)
			memcpy(p, s->problems, (size_t)s->n_problems * sizeof(*p));
		s->problems = p;
		s->cap_problems = cap;
	}
	s->problems[s->n_problems++] =
	    (struct problem){arena_strdup(&s->a, column), arena_strdup(&s->a, value), reason};
}

/* The current record checked into s->p exactly as POST /persons checks a
 * body (offices looked up through db); a refused row gets its problems.
 * 1 valid, 0 refused, or a negative DB error. */
static int read_row(struct run *x, struct db *db, struct ahead_row *s)
{
	const struct csv_reader *r = &x->r;
	struct arena *a = &s->a;
	struct person *p = &s->p;
	if (csv_nfields(r) != x->l.ncols) {
		problem(s, "", "",
		        arena_printf(a,
		                     "the row has %d fields but the header has %d (line %lld); "
		                     "check for a missing or extra comma",
		                     csv_nfields(r), x->l.ncols, (long long)r->line));
		return 0;
	}
	struct json_object *obj = row_object(r, &x->l);
	struct verr e = VERR_INIT;
	struct in_ctx c = {.obj = obj, .prefix = "", .errs = &e, .arena = a};
	unsigned set;
	const char *office_code;
	memset(p, 0, sizeof(*p));
	int rc = person_input_read(db, &c, &x->today, true, p, &set, &office_code);
	if (rc < 0)
		goto out;
	if (!office_code && !json_object_object_get_ex(obj, "office", NULL)) {
		if (x->default_office)
			p->office_id = x->default_office;
		else
			verr_add(&e, "office", "is required: give the office code (e.g. THR)");
	}
	if (p->office_id && !office_allowed(x->o, p->office_id))
		verr_add(&e, "office", "you do not work for office %s",
		         office_code ? office_code : "(the default)");
	if (verr_any(&e)) {
		for (int i = 0; i < e.n; i++) {
			int col = column_of_field(&x->l, e.items[i].field);
			const char *name = col >= 0 ? x->l.header[col] : e.items[i].field;
			const char *value = col >= 0 ? csv_field(r, col) : "";
			if (!strcmp(e.items[i].field, "office") && col < 0)
				name = "office", value = x->o->office ? x->o->office : "";
			problem(s, name, value, arena_strdup(a, e.items[i].message));
		}
		rc = 0;
		goto out;
	}
	p->registered_on = x->today_text;
	rc = 1;
out:
	json_object_put(obj);
	return rc;
}

/* The next record into s, read and checked (db for the checks), with its
 * match keys when s->mp is set. */
static void fill_row(struct run *x, struct db *db, struct ahead_row *s)
{
	arena_release(&s->a);
	s->problems = NULL;
	s->n_problems = s->cap_problems = 0;
	s->error = NULL;
	int rc = csv_next(&x->r);
	if (rc != 1) {
		s->state = rc == 0 ? ROW_END : ROW_MALFORMED;
		if (rc < 0)
			s->error = arena_strdup(&s->a, x->r.error);
		return;
	}
	s->row = x->r.record;
	s->state = read_row(x, db, s);
	if (s->state < 0)
		s->error = arena_strdup(&s->a, db_errmsg(db));
	else if (s->state == 1 && s->mp)
		match_prepare(s->mp, &s->p);
}

/* ---- reading ahead ----
 *
 * Reading a row, checking it as the API does and computing its match
 * keys is about half of an import's work and writes nothing: a second
 * thread does it for the rows ahead while this one writes. It has its own
 * connection (the checks look offices up) and hands the rows back in
 * order through a ring of slots. Without a second connection (an
 * in-memory database, a source read through the import's connection)
 * the same steps run inline, one slot. */

#define AHEAD_SLOTS 128

struct ahead {
	struct run *x;
	struct db *db; /* the reading thread's connection, NULL inline */
	struct ahead_row slots[AHEAD_SLOTS];
	unsigned head, tail; /* the slot to take next, to fill next */
	bool taken;          /* slots[head] is the caller's */
	bool stop, threaded;
	/* a thread asleep on the ring: the reader until half of it is free
	 * (woken once per half, not once per row), the writer until a row is
	 * there */
	bool reader_waits, writer_waits;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t filled, freed;
};

static bool row_last(const struct ahead_row *s)
{
	return s->state == ROW_END || s->state == ROW_MALFORMED || s->state < 0;
}

static void *ahead_main(void *arg)
{
	struct ahead *ah = arg;
	pthread_mutex_lock(&ah->mu);
	while (!ah->stop) {
		if (ah->tail - ah->head == AHEAD_SLOTS) {
			ah->reader_waits = true;
			while (!ah->stop && ah->tail - ah->head > AHEAD_SLOTS / 2)
				pthread_cond_wait(&ah->freed, &ah->mu);
			ah->reader_waits = false;
			continue;
		}
		struct ahead_row *s = &ah->slots[ah->tail % AHEAD_SLOTS];
		pthread_mutex_unlock(&ah->mu);
		fill_row(ah->x, ah->db, s);
		pthread_mutex_lock(&ah->mu);
		ah->tail++;
		if (ah->writer_waits)
			pthread_cond_signal(&ah->filled);
		if (row_last(s))
			break;
	}
	pthread_mutex_unlock(&ah->mu);
	return NULL;
}

/* Starts reading the rows after the current record (keys: compute the
 * match keys too). */
static struct ahead *ahead_start(struct run *x, bool keys)
{
	struct ahead *ah = xcalloc(1, sizeof(*ah));
	ah->x = x;
	for (int i = 0; i < AHEAD_SLOTS; i++)
		ah->slots[i].mp = keys ? match_prep_new() : NULL;
	char *cause = NULL;
	if (x->src->single_thread || db_open_again(x->db, &ah->db, &cause)) {
		free(cause);
		ah->db = NULL;
		return ah;
	}
	pthread_mutex_init(&ah->mu, NULL);
	pthread_cond_init(&ah->filled, NULL);
	pthread_cond_init(&ah->freed, NULL);
	ah->threaded = pthread_create(&ah->thread, NULL, ahead_main, ah) == 0;
	if (!ah->threaded) {
		db_close(ah->db);
		ah->db = NULL;
	}
	return ah;
}

/* The next row (the slot given before goes back): valid until the next
 * call. After a last one (ROW_END, ROW_MALFORMED, an error) call
 * ahead_stop only. */
static struct ahead_row *ahead_next(struct ahead *ah)
{
	if (!ah->threaded) {
		fill_row(ah->x, ah->x->db, &ah->slots[0]);
		return &ah->slots[0];
	}
	pthread_mutex_lock(&ah->mu);
	if (ah->taken) {
		ah->head++;
		if (ah->reader_waits && ah->tail - ah->head <= AHEAD_SLOTS / 2)
			pthread_cond_signal(&ah->freed);
	}
	ah->writer_waits = true;
	while (ah->head == ah->tail)
		pthread_cond_wait(&ah->filled, &ah->mu);
	ah->writer_waits = false;
	ah->taken = true;
	struct ahead_row *s = &ah->slots[ah->head % AHEAD_SLOTS];
	pthread_mutex_unlock(&ah->mu);
	return s;
}

static void ahead_stop(struct ahead *ah)
{
	if (!ah)
		return;
	if (ah->threaded) {
		pthread_mutex_lock(&ah->mu);
		ah->stop = true;
		pthread_cond_signal(&ah->freed);
		pthread_mutex_unlock(&ah->mu);
		pthread_join(ah->thread, NULL);
		pthread_mutex_destroy(&ah->mu);
		pthread_cond_destroy(&ah->filled);
		pthread_cond_destroy(&ah->freed);
	}
	db_close(ah->db);
	for (int i = 0; i < AHEAD_SLOTS; i++) {
		arena_release(&ah->slots[i].a);
		match_prep_free(ah->slots[i].mp);
	}
	free(ah);
}

/* A refused row: its report lines, counted. */
static void report_refused(struct run *x, const struct ahead_row *s)
{
	for (int i = 0; i < s->n_problems; i++)
		report_line(&x->rp, s->row, s->problems[i].column, s->problems[i].value,
		            s->problems[i].reason);
	x->st->rows_refused++;
}

/* A valid row written (its persons row, lists, match row and keys, audit
 * row) and, when asked, its possible duplicates reported. 0 or a DB
 * error. */
static int write_row(struct run *x, struct ahead_row *s)
{
	struct arena *a = &s->a;
	struct person *p = &s->p;
	int64_t row = s->row;
	int rc = x->seq ? (x->seq++, DB_OK) : seq_next(x->db, "person", &x->seq);
	if (rc)
		return rc;
	/* with its match keys, gathered in x->bulk */
	if ((rc = persons_insert_bulk(x->db, a, p, x->now, x->o->user_id, x->bulk, s->mp, x->seq)))
		return rc;
	const char *detail =
	    x->o->import_id
	        ? arena_printf(a, "{\"ref\":\"%s\",\"import\":%lld,\"row\":%lld}", p->ref,
	                       (long long)x->o->import_id, (long long)row)
	        : arena_printf(a, "{\"ref\":\"%s\",\"row\":%lld}", p->ref, (long long)row);
	x->audits[x->n_audits++] =
	    (struct audit_entry){.at = x->now,
	                         .user_id = x->o->user_id,
	                         .client = x->o->client ? x->o->client : "cli",
	                         .action = "person.import",
	                         .entity = "person",
	                         .entity_id = p->id,
	                         .detail = arena_strdup(&x->audit_arena, detail)};
	if (x->n_audits == AUDIT_PENDING && (rc = flush_audits(x)))
		return rc;
	remember_row(x, p->id, row);
	x->st->rows_imported++;
	if (!x->o->no_duplicates && !(rc = match_bulk_flush(x->bulk)))
		rc = check_duplicates(x, a, p, row);
	return rc;
}

static int write_summary(struct run *x, struct arena *a)
{
	struct buf b = BUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &b);
	jsonw_obj(&w);
	jsonw_kstr(&w, "file", x->src->name);
	if (x->o->import_id)
		jsonw_kint(&w, "import", x->o->import_id);
	jsonw_kint(&w, "rows", x->st->rows_total);
	jsonw_kint(&w, "imported", x->st->rows_imported);
	jsonw_kint(&w, "refused", x->st->rows_refused);
	jsonw_kint(&w, "duplicates", x->st->duplicates);
	jsonw_kint(&w, "first_id", x->st->first_id);
	jsonw_kint(&w, "last_id", x->st->last_id);
	jsonw_kbool(&w, "skip_invalid", x->o->skip_invalid);
	jsonw_end(&w);
	struct audit_entry ae = {.at = x->now,
	                         .user_id = x->o->user_id,
	                         .client = x->o->client ? x->o->client : "cli",
	                         .action = "import.persons",
	                         .entity = x->o->import_id ? "import" : NULL,
	                         .entity_id = x->o->import_id,
	                         .detail = buf_str(&b)};
	int rc = audit_write(x->db, &ae);
	buf_release(&b);
	(void)a;
	return rc;
}

/* Opens the file again past its header and past the rows an earlier run
 * of the same job finished (o->resume). */
static enum import_outcome reopen_rows(struct run *x, char **cause)
{
	if (open_reader(x, cause))
		return IMPORT_REFUSED;
	int rc = csv_next(&x->r); /* the header, checked by the scan */
	for (int64_t k = 0; rc == 1 && x->o->resume && k < x->o->resume->rows_done; k++)
		rc = csv_next(&x->r);
	if (rc != 1) {
		*cause = xasprintf("%s changed while it was being imported", x->src->name);
		return IMPORT_REFUSED;
	}
	return IMPORT_DONE;
}

/* The outcome of the rows after their last, s: all read (IMPORT_DONE) or
 * why they stopped. */
static enum import_outcome rows_ended(struct run *x, const struct ahead_row *s, char **cause)
{
	if (s->state == ROW_END)
		return IMPORT_DONE;
	if (s->state == ROW_MALFORMED) {
		*cause =
		    xasprintf("%s changed while it was being imported: %s", x->src->name, s->error);
		return IMPORT_REFUSED;
	}
	*cause = xasprintf("row %lld: the database failed: %s", (long long)s->row, s->error);
	return IMPORT_FAILED;
}

/* Pass 2 of an all-or-nothing import written in batches: every row read
 * and checked without writing (nor taking the database's writer), so that
 * a refused row refuses the import before anything is committed. The
 * report then has the refused rows only (duplicates are looked for while
 * writing). */
static enum import_outcome check_rows(struct run *x, char **cause)
{
	enum import_outcome out = reopen_rows(x, cause);
	if (out != IMPORT_DONE)
		return out;
	x->st->scanning = true;
	struct ahead *ah = ahead_start(x, false);
	struct ahead_row *s;
	while ((s = ahead_next(ah))->state == 1 || s->state == 0) {
		if (s->state == 1)
			x->st->rows_imported++; /* would be */
		else
			report_refused(x, s);
		if (++x->st->rows_done % 128 == 0 && progress(x, false)) {
			out = IMPORT_STOPPED;
			goto out;
		}
	}
	if ((out = rows_ended(x, s, cause)) != IMPORT_DONE)
		goto out;
	if (x->st->rows_refused) {
		out = IMPORT_INVALID;
		goto out;
	}
	/* every row valid: the write pass counts them again */
	x->st->rows_imported = x->base_imported;
	x->st->rows_done = x->base_done;
	x->st->scanning = false;
out:
	ahead_stop(ah);
	return out;
}

/* BEGIN of a write transaction; between batches it waits its turn behind
 * the requests that queued meanwhile (each wait is bounded by the
 * driver's lock timeout: try a while before failing the import). */
static int begin_write(struct run *x, bool between_batches)
{
	int rc = db_begin(x->db, true);
	for (int tries = 0; rc == DB_BUSY && between_batches && tries < 12; tries++)
		rc = db_begin(x->db, true);
	return rc;
}

/* Whether the batch begun at t0 with n rows is full. */
static bool batch_full(const struct import_opts *o, const struct timespec *t0, int64_t n)
{
	return (o->batch_rows > 0 && n >= o->batch_rows) ||
	       (o->batch_ms > 0 && since(t0) * 1000 >= o->batch_ms);
}

/* Pass 2 (or 3): every row written. In one transaction, or in batches
 * (o->batch_ms, o->batch_rows; not for a dry run), each committing its
 * rows with the job's progress (o->batch). */
static enum import_outcome import_rows(struct run *x, char **cause)
{
	bool batches = (x->o->batch_ms > 0 || x->o->batch_rows > 0) && !x->o->dry_run;
	x->base_imported = x->st->rows_imported;
	x->base_done = x->st->rows_done;
	enum import_outcome out;
	if (batches && !x->o->skip_invalid && (out = check_rows(x, cause)) != IMPORT_DONE)
		return out;
	if ((out = reopen_rows(x, cause)) != IMPORT_DONE)
		return out;
	clock_gettime(CLOCK_MONOTONIC, &x->t0);
	int rc;
	if ((rc = imports_bulk_mode(x->db, true))) {
		*cause = xasprintf("cannot set the connection up: %s", db_errmsg(x->db));
		return IMPORT_FAILED;
	}
	rc = begin_write(x, false);
	if (rc < 0) {
		*cause = xasprintf("cannot start a transaction: %s", db_errmsg(x->db));
		return IMPORT_FAILED;
	}
	struct arena a = ARENA_INIT;
	struct ahead *ah = NULL;
	out = IMPORT_DONE;
	x->bulk = match_bulk_new(x->db, 0);
	if (x->o->in_transaction && x->o->in_transaction(x->o->tx_ctx, x->db, true, x->st)) {
		out = IMPORT_STOPPED;
		goto out;
	}
	struct timespec batch_t0;
	clock_gettime(CLOCK_MONOTONIC, &batch_t0);
	int64_t in_batch = 0;
	ah = ahead_start(x, true);
	struct ahead_row *s;
	while ((s = ahead_next(ah))->state == 1 || s->state == 0) {
		int64_t row = s->row;
		if (s->state == 1)
			rc = write_row(x, s);
		else
			report_refused(x, s), rc = 0;
		if (rc < 0) {
			*cause = xasprintf("row %lld: the database failed: %s", (long long)row,
			                   db_errmsg(x->db));
			out = IMPORT_FAILED;
			goto out;
		}
		x->st->rows_done++;
		if ((x->st->rows_done & 127) == 0 && progress(x, false)) {
			out = IMPORT_STOPPED;
			goto out;
		}
		if (x->rp.failed) {
			*cause = xstrdup("the report could not be written");
			out = IMPORT_FAILED;
			goto out;
		}
		in_batch++;
		if (!batches || !batch_full(x->o, &batch_t0, in_batch) ||
		    x->st->rows_done >= x->st->rows_total)
			continue;
		/* the batch commits with the job's progress and its report so
		 * far; the writer is free for a moment before the next one */
		if ((rc = flush_writes(x))) {
			*cause = xasprintf("row %lld: the database failed: %s", (long long)row,
			                   db_errmsg(x->db));
			out = IMPORT_FAILED;
			goto out;
		}
		report_flush(&x->rp);
		x->st->seconds = since(&x->t0);
		if (x->rp.failed || (x->o->batch && x->o->batch(x->o->tx_ctx, x->db, x->st))) {
			*cause = xstrdup("the import's progress could not be recorded");
			out = IMPORT_FAILED;
			goto out;
		}
		if ((rc = db_commit(x->db))) {
			*cause = xasprintf("cannot commit rows up to %lld: %s", (long long)row,
			                   db_errmsg(x->db));
			out = IMPORT_FAILED;
			goto out;
		}
		x->st->rows_committed = x->st->rows_done;
		x->st->batches++;
		x->seq = 0; /* others may take numbers until the next batch */
		struct timespec pause = {0, 2 * 1000000L};
		nanosleep(&pause, NULL);
		if ((rc = begin_write(x, true)) < 0) {
			*cause = xasprintf("cannot start a transaction after row %lld: %s",
			                   (long long)row, db_errmsg(x->db));
			out = IMPORT_FAILED;
			goto out;
		}
		clock_gettime(CLOCK_MONOTONIC, &batch_t0);
		in_batch = 0;
	}
	if ((out = rows_ended(x, s, cause)) != IMPORT_DONE)
		goto out;
	report_flush(&x->rp);
	if (x->rp.failed) {
		*cause = xstrdup("the report could not be written");
		out = IMPORT_FAILED;
		goto out;
	}
	if (x->o->dry_run)
		out = IMPORT_DRY_RUN;
	else if (x->st->rows_refused && !x->o->skip_invalid)
		out = IMPORT_INVALID;
	if (out == IMPORT_DONE && (rc = flush_writes(x))) {
		*cause = xasprintf("the database failed: %s", db_errmsg(x->db));
		out = IMPORT_FAILED;
		goto out;
	}
	if (out == IMPORT_DONE) {
		x->st->seconds = since(&x->t0);
		if (x->o->in_transaction &&
		    x->o->in_transaction(x->o->tx_ctx, x->db, false, x->st)) {
			out = IMPORT_STOPPED;
			goto out;
		}
		if ((rc = write_summary(x, &a)) || (rc = db_commit(x->db))) {
			*cause = xasprintf("cannot commit the import: %s", db_errmsg(x->db));
			out = IMPORT_FAILED;
			goto out;
		}
		x->st->committed = true;
		x->st->rows_committed = x->st->rows_done;
	}
out:
	ahead_stop(ah);
	arena_release(&a);
	match_bulk_free(x->bulk);
	x->bulk = NULL;
	x->n_audits = 0;
	arena_release(&x->audit_arena);
	if (!x->st->committed)
		db_rollback(x->db);
	if (imports_bulk_mode(x->db, false) && out == IMPORT_DONE)
		log_error("import: cannot restore the connection's cache size: %s",
		          db_errmsg(x->db));
	x->st->seconds = since(&x->t0);
	return out;
}

enum import_outcome import_persons(struct db *db, const struct import_source *src,
                                   const struct import_opts *o, struct import_stats *st,
                                   char **cause)
{
	struct run x = {.db = db, .src = src, .o = o, .st = st, .audit_arena = ARENA_INIT};
	memset(st, 0, sizeof(*st));
	*cause = NULL;
	buf_init(&x.rp.b, 0);
	x.rp.o = o;
	csv_init(&x.r, src->read, src->ctx);
	time_t now = time(NULL);
	if (!o->today || date_parse(o->today, &x.today))
		x.today = date_from_time(now);
	date_format(&x.today, x.today_text);
	if (o->now)
		snprintf(x.now, sizeof(x.now), "%s", o->now);
	else
		time_rfc3339(now, x.now);
	clock_gettime(CLOCK_MONOTONIC, &x.t0);
	x.last_progress = x.t0;
	enum import_outcome out;

	if (o->office) {
		struct arena a = ARENA_INIT;
		struct office off;
		int rc = offices_get_by_code(db, &a, o->office, &off);
		int64_t id = rc == 1 ? off.id : 0;
		arena_release(&a);
		if (rc < 0) {
			*cause = xasprintf("cannot read the offices: %s", db_errmsg(db));
			out = IMPORT_FAILED;
			goto out;
		}
		if (rc == 0) {
			*cause =
			    xasprintf("no office with code \"%.10s\" (the offices are listed by "
			              "GET /api/v1/offices; `safar init` creates THR, MHD, SHZ, "
			              "ISF and KRM)",
			              o->office);
			out = IMPORT_REFUSED;
			goto out;
		}
		if (!office_allowed(o, id)) {
			*cause = xasprintf("you do not work for office %.10s", o->office);
			out = IMPORT_REFUSED;
			goto out;
		}
		x.default_office = id;
	}

	if ((out = scan(&x, cause)) != IMPORT_DONE)
		goto out;
	if (o->resume) { /* carried on from an earlier run of the same job */
		st->rows_done = o->resume->rows_done;
		st->rows_committed = o->resume->rows_done;
		st->rows_imported = o->resume->rows_imported;
		st->rows_refused = o->resume->rows_refused;
		st->duplicates = o->resume->duplicates;
		st->first_id = o->resume->first_id;
		st->last_id = o->resume->last_id;
	}
	if (progress(&x, true)) {
		out = IMPORT_STOPPED;
		goto out;
	}
	if (o->report && !st->rows_done) /* a resumed report has its header */
		buf_addf(&x.rp.b, "row,column,value,reason\r\n");
	out = import_rows(&x, cause);
	report_flush(&x.rp);
	progress(&x, true);
out:
	csv_release(&x.r);
	layout_release(&x.l);
	buf_release(&x.rp.b);
	free(x.row_of);
	return out;
}

int import_fd_rewind(void *ctx)
{
	struct import_fd_source *s = ctx;
	return lseek(s->fd, 0, SEEK_SET) < 0 ? -1 : 0;
}
