/* `safar demo`: fills a database with synthetic families of Afghans living
 * in Iran and programme cases at every stage of their workflows.
 *
 * Everything is written through the API in-process (api_dispatch) as the
 * database's admin user, so the demo data passes exactly the validation,
 * audit and workflow rules that a caseworker's input does; an API error
 * here is a bug in one or the other and stops the run.
 *
 * The generator is deterministic for a seed: its own random number
 * generator (splitmix64), no dependence on the C library's rand(). Dates
 * are relative to today so ages and expiry dates stay plausible. */
#include "cli/demo.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "cli/cli.h"
#include "cli/cliutil.h"
#include "cli/demo_names.h"
#include "domain/perm.h"
#include "store/db.h"
#include "store/demo.h"
#include "store/users.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/jsonw.h"
#include "util/xalloc.h"

#define DEFAULT_FAMILIES 200
#define DEFAULT_SEED     1404 /* the Solar Hijri year the demo was written in */
#define MAX_FAMILIES     100000
#define MAX_MEMBERS      8 /* the head and up to 7 others */
#define MAX_DOCS         8
#define MAX_VULNS        4
#define MAX_LANGS        3
#define ADULT_AGE        18

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- random numbers ----------------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* 0 .. n-1 (n > 0) */
static int rng_below(struct rng *r, int n)
{
	return (int)(rng_next(r) % (uint64_t)n);
}

/* lo .. hi inclusive */
static int rng_between(struct rng *r, int lo, int hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

static bool rng_pct(struct rng *r, int pct)
{
	return rng_below(r, 100) < pct;
}

static const char *rng_weighted(struct rng *r, const struct demo_weighted *w, size_t n)
{
	int total = 0;
	for (size_t i = 0; i < n; i++)
		total += w[i].weight;
	int x = rng_below(r, total);
	for (size_t i = 0; i < n; i++) {
		if (x < w[i].weight)
			return w[i].code;
		x -= w[i].weight;
	}
	return w[n - 1].code;
}

#define PICK(r, arr) ((arr)[rng_below((r), (int)COUNT(arr))])

/* ---- programmes ---------------------------------------------------------- */

enum program { P_AVRR, P_RESETTLEMENT, P_MOVEMENT, P_RQA, P_CT };

/* The main path of each workflow, from the initial state to closed
 * (GET /workflows has the full tables, with the side exits). */
static const char *const avrr_path[] = {"registered", "counselling",   "eligibility_review",
                                        "eligible",   "documentation", "travel_ready",
                                        "departed",   "arrived",       "reintegration",
                                        "monitoring", "closed",        NULL};
static const char *const resettlement_path[] = {"referred",
                                                "documentation",
                                                "health_assessment",
                                                "cultural_orientation",
                                                "fit_to_travel",
                                                "travel_ready",
                                                "departed",
                                                "arrived",
                                                "closed",
                                                NULL};
static const char *const movement_path[] = {"registered", "documentation", "booked", "travel_ready",
                                            "departed",   "arrived",       "closed", NULL};
static const char *const rqa_path[] = {"registered",
                                       "qualification_review",
                                       "matching",
                                       "placement_offered",
                                       "approved",
                                       "travel_ready",
                                       "departed",
                                       "arrived",
                                       "in_placement",
                                       "closed",
                                       NULL};
static const char *const ct_path[] = {
    "identified", "screening", "protection", "return_or_integration", "follow_up", "closed", NULL};

static const char *const ineligible_reasons[] = {
    "already received AVRR reintegration assistance in 2023",
    "holds an Iranian residence permit through marriage and does not intend to return",
    "does not meet the programme's vulnerability criteria for this year",
    "left Iran and returned twice in the last year without assistance",
};
static const char *const rqa_reject_reasons[] = {
    "degree could not be verified with the Ministry of Higher Education",
    "no placement matching the applicant's qualification",
    "applicant declined the placement offered",
};
static const char *const resettlement_reject_reasons[] = {
    "resettlement country declined the submission",
    "UNHCR withdrew the referral",
    "family composition differs from the referral and needs a new referral",
};
static const char *const withdraw_reasons[] = {
    "family decided to stay in Iran after Amayesh renewal",
    "principal applicant could not be reached for three months",
    "family moved to another province",
    "withdrew after counselling: security situation in the province of origin",
    "head of household found work and postponed the return",
    "family asked to close the case",
};

struct program_def {
	const char *name;
	const char *const *path;
	int weight;             /* share of the cases, in percent */
	const char *fail_state; /* ineligible / rejected, or NULL */
	int fail_lo, fail_hi;   /* path indexes the fail state is reachable from */
	int fail_pct;
	const char *const *fail_reasons;
	int n_fail_reasons;
};

static const struct program_def programs[DEMO_PROGRAMS] = {
    [P_AVRR] = {"AVRR", avrr_path, 48, "ineligible", 2, 2, 8, ineligible_reasons,
                COUNT(ineligible_reasons)},
    [P_RESETTLEMENT] = {"RESETTLEMENT", resettlement_path, 20, "rejected", 0, 2, 7,
                        resettlement_reject_reasons, COUNT(resettlement_reject_reasons)},
    [P_MOVEMENT] = {"MOVEMENT", movement_path, 14, NULL, 0, 0, 0, NULL, 0},
    [P_RQA] = {"RQA", rqa_path, 11, "rejected", 1, 3, 10, rqa_reject_reasons,
               COUNT(rqa_reject_reasons)},
    [P_CT] = {"COUNTER_TRAFFICKING", ct_path, 7, NULL, 0, 0, 0, NULL, 0},
};

const char *demo_program_name(int i)
{
	return i >= 0 && i < DEMO_PROGRAMS ? programs[i].name : NULL;
}

static int path_len(const char *const *path)
{
	int n = 0;
	while (path[n])
		n++;
	return n;
}

static int path_index(const char *const *path, const char *state)
{
	for (int i = 0; path[i]; i++)
		if (!strcmp(path[i], state))
			return i;
	return -1;
}

/* ---- places ------------------------------------------------------------- */

struct office_def {
	const char *code;
	int weight;
	const struct demo_weighted *residence; /* ISO 3166-2 provinces of Iran */
	size_t n_residence;
	const char *embassy; /* who issues passports and laissez-passers nearby */
};

static const struct demo_weighted res_thr[] = {{"IR-23", 70}, {"IR-30", 15}, {"IR-25", 15}};
static const struct demo_weighted res_mhd[] = {{"IR-09", 90}, {"IR-29", 10}};
static const struct demo_weighted res_shz[] = {{"IR-07", 92}, {"IR-18", 8}};
static const struct demo_weighted res_isf[] = {{"IR-10", 90}, {"IR-21", 10}};
static const struct demo_weighted res_krm[] = {{"IR-08", 85}, {"IR-11", 15}};

static const struct office_def offices[] = {
    {"THR", 35, res_thr, COUNT(res_thr), "Embassy of Afghanistan, Tehran"},
    {"MHD", 25, res_mhd, COUNT(res_mhd), "Consulate General of Afghanistan, Mashhad"},
    {"ISF", 15, res_isf, COUNT(res_isf), "Embassy of Afghanistan, Tehran"},
    {"SHZ", 15, res_shz, COUNT(res_shz), "Embassy of Afghanistan, Tehran"},
    {"KRM", 10, res_krm, COUNT(res_krm), "Consulate of Afghanistan, Zahedan"},
};

static const char *const resettlement_countries[] = {"CAN", "CAN", "DEU", "DEU", "USA", "GBR",
                                                     "AUS", "NOR", "SWE", "FIN", "NLD", "NZL"};
static const char *const movement_countries[] = {"DEU", "DEU", "CAN", "GBR", "TUR",
                                                 "IND", "SWE", "FRA", "ITA", "AUS"};
static const char *const mobile_prefixes[] = {"12", "13", "15", "17", "19", "21", "22", "30", "33",
                                              "35", "36", "37", "38", "39", "01", "02", "03", "90"};

/* ---- what people do ----------------------------------------------------- */

static const char *const male_jobs[] = {
    "construction worker",
    "daily labourer",
    "tailor",
    "farm worker",
    "carpet weaver",
    "shopkeeper",
    "driver",
    "welder",
    "baker",
    "car mechanic",
    "poultry farm worker",
    "stone cutter",
    "painter",
    "brick kiln worker",
    "security guard",
};
static const char *const female_jobs[] = {
    "homemaker", "homemaker",      "homemaker",   "homemaker",
    "tailor",    "carpet weaver",  "teacher",     "embroidery and handicrafts",
    "cleaner",   "saffron picker", "hairdresser",
};
static const char *const adult_education[] = {
    "none",
    "none",
    "literacy course",
    "primary school",
    "primary school",
    "secondary school",
    "high school diploma",
    "high school diploma",
    "bachelor's degree",
};
static const char *const skills[] = {
    "masonry and tiling",
    "tailoring",
    "carpentry",
    "welding",
    "cooking",
    "driving (Iranian licence)",
    "English and computer literacy",
    "plumbing",
    "electrical installation",
    "livestock keeping",
    "embroidery",
    "bookkeeping",
};
static const struct {
	const char *education, *occupation, *skills;
} professionals[] = {
    {"Doctor of Medicine (Tehran University of Medical Sciences)", "medical doctor",
     "general practice; paediatrics"},
    {"Master's degree in civil engineering", "civil engineer", "road design; AutoCAD"},
    {"Master's degree in Persian literature", "university lecturer", "teaching; curriculum design"},
    {"Bachelor's degree in nursing", "nurse", "emergency care; midwifery"},
    {"Bachelor's degree in midwifery", "midwife", "antenatal care"},
    {"Master's degree in computer science", "software engineer", "databases; networking; English"},
    {"Bachelor's degree in agriculture", "agronomist", "irrigation; saffron cultivation"},
    {"PhD in economics", "economist", "public finance; statistics"},
    {"Bachelor's degree in pharmacy", "pharmacist", "drug supply management"},
    {"Master's degree in education", "school principal", "teacher training"},
};

/* ---- the family model ----------------------------------------------------- */

struct doc {
	const char *type;
	char number[32];
	const char *issuer;
	struct date expires;
	bool has_expiry;
};

struct member {
	int64_t id, version;
	const struct demo_name *given, *family, *father;
	char sex; /* 'F' or 'M' */
	int age;
	struct date birth;
	bool estimated;
	const char *relationship; /* to the head: "head", "spouse", "child", ... */
	bool in_case;
	const char *case_relationship; /* to the case's principal */
	const char *education, *occupation, *skills;
	char phone[20];
	const char *vulns[MAX_VULNS];
	int n_vulns;
	const char *langs[MAX_LANGS];
	int n_langs;
	struct doc docs[MAX_DOCS];
	int n_docs;
	int64_t travel_consent_id; /* 0: none */
};

enum doc_status { DOCS_AMAYESH, DOCS_HEADCOUNT, DOCS_PASSPORT, DOCS_NONE };

struct family {
	enum program program;
	const struct office_def *office;
	const char *residence, *origin;
	enum demo_group group;
	const struct demo_name *name;
	const struct demo_name *husband; /* children's father when the head is a woman */
	struct member m[MAX_MEMBERS];
	int n;
	int principal; /* index of the case's principal in m */
	int64_t case_id, case_version;
	struct json_object *allowed; /* allowed_transitions of the case as last seen */
	const char *status;          /* a static string */
	bool travel_prepared;
};

struct demo {
	struct db *db;
	struct rng rng;
	struct date today;
	struct principal who;
	struct arena user_arena; /* the admin user's strings */
	struct arena arena;      /* one request at a time */
	struct buf body;
	struct jsonw w;
	struct demo_stats st;
	int64_t doc_serial;
};

static bool is_adult(const struct member *m)
{
	return m->age >= ADULT_AGE;
}

/* ---- names and dates -------------------------------------------------------- */

static bool name_taken(const struct demo_name *n, const struct demo_name *const *avoid, int navoid)
{
	for (int i = 0; i < navoid; i++)
		if (avoid[i] == n)
			return true;
	return false;
}

/* A name from the table carried by the group, not one of avoid (tried a
 * few times: small groups may run out). */
static const struct demo_name *pick_name(struct demo *d, const struct demo_name *t, size_t n,
                                         unsigned group, const struct demo_name *const *avoid,
                                         int navoid)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (t[i].groups & group)
			k++;
	const struct demo_name *got = NULL;
	for (int tries = 0; tries < 12; tries++) {
		int x = rng_below(&d->rng, (int)k);
		for (size_t i = 0; i < n; i++)
			if ((t[i].groups & group) && x-- == 0) {
				got = &t[i];
				break;
			}
		if (!name_taken(got, avoid, navoid))
			break;
	}
	return got;
}

static const struct demo_name *pick_given(struct demo *d, char sex, unsigned group,
                                          const struct demo_name *const *avoid, int navoid)
{
	if (sex == 'F')
		return pick_name(d, demo_female_names, demo_n_female_names, group, avoid, navoid);
	return pick_name(d, demo_male_names, demo_n_male_names, group, avoid, navoid);
}

/* Birth date for someone `age` years old today. Estimated ages are recorded
 * as 1 January of the year, as registration offices do; they are common
 * for adults born in Afghanistan and rare for small children. */
static void set_age(struct demo *d, struct member *m, int age, int estimated_pct)
{
	const struct date *t = &d->today;
	m->age = age;
	m->estimated = age >= 5 && rng_pct(&d->rng, estimated_pct);
	if (m->estimated) {
		m->birth = (struct date){t->year - age, 1, 1};
		return;
	}
	int y_hi = t->year - age, y_lo = y_hi - 1;
	struct date hi = {y_hi, t->month, t->day}, lo = {y_lo, t->month, t->day};
	if (hi.day > date_days_in_month(hi.year, hi.month))
		hi.day = date_days_in_month(hi.year, hi.month);
	if (lo.day > date_days_in_month(lo.year, lo.month))
		lo.day = date_days_in_month(lo.year, lo.month);
	long h = date_to_days(&hi), l = date_to_days(&lo) + 1;
	m->birth = date_from_days(l + rng_below(&d->rng, (int)(h - l + 1)));
}

static struct date days_from_today(struct demo *d, int days)
{
	return date_from_days(date_to_days(&d->today) + days);
}

static void add_vuln(struct member *m, const char *code)
{
	for (int i = 0; i < m->n_vulns; i++)
		if (!strcmp(m->vulns[i], code))
			return;
	if (m->n_vulns < MAX_VULNS)
		m->vulns[m->n_vulns++] = code;
}

static struct doc *add_doc(struct member *m, const char *type, const char *issuer)
{
	if (m->n_docs == MAX_DOCS)
		return NULL;
	struct doc *doc = &m->docs[m->n_docs++];
	memset(doc, 0, sizeof(*doc));
	doc->type = type;
	doc->issuer = issuer;
	return doc;
}

static void set_expiry(struct doc *doc, struct date on)
{
	doc->expires = on;
	doc->has_expiry = true;
}

/* A number of `digits` random digits, unique within the run thanks to the
 * serial in its last places. */
static void random_digits(struct demo *d, char *out, size_t size, int digits)
{
	uint64_t serial = (uint64_t)++d->doc_serial;
	int n = 0;
	for (; n < digits && (size_t)n + 1 < size; n++)
		out[n] = (char)('0' + rng_below(&d->rng, 10));
	out[n] = '\0';
	for (int i = n - 1; i >= n - 5 && i >= 0 && serial; i--, serial /= 10)
		out[i] = (char)('0' + serial % 10);
}

static void passport_number(struct demo *d, char *out, size_t size)
{
	char digits[16];
	random_digits(d, digits, sizeof(digits), 8);
	snprintf(out, size, "P%s", digits);
}

/* ---- building a family (no I/O) ---------------------------------------- */

static void languages_for(struct demo *d, const struct family *f, struct member *m)
{
	switch (f->group) {
	case DEMO_HAZARA:
		m->langs[m->n_langs++] = "haz";
		m->langs[m->n_langs++] = "prs";
		break;
	case DEMO_PASHTUN:
		m->langs[m->n_langs++] = "pus";
		if (rng_pct(&d->rng, 70))
			m->langs[m->n_langs++] = "prs";
		break;
	case DEMO_UZBEK:
		m->langs[m->n_langs++] = rng_pct(&d->rng, 80) ? "uzb" : "tuk";
		m->langs[m->n_langs++] = "prs";
		break;
	default:
		m->langs[m->n_langs++] = "prs";
	}
	if (is_adult(m) && m->n_langs < MAX_LANGS && rng_pct(&d->rng, 12))
		m->langs[m->n_langs++] = "eng";
}

static void work_for(struct demo *d, struct member *m)
{
	if (m->age >= 7 && m->age < ADULT_AGE) {
		static const char *const grades[] = {"grade 1", "grade 2",  "grade 3",  "grade 4",
		                                     "grade 5", "grade 6",  "grade 7",  "grade 8",
		                                     "grade 9", "grade 10", "grade 11", "grade 12"};
		int g = m->age - 7;
		if (rng_pct(&d->rng, 15))
			m->education = "not in school";
		else
			m->education = grades[g < 12 ? g : 11];
		if (m->age >= 13 && rng_pct(&d->rng, 15))
			m->occupation =
			    m->sex == 'M' ? "apprentice tailor" : "carpet weaving at home";
		return;
	}
	if (!is_adult(m))
		return;
	m->education = PICK(&d->rng, adult_education);
	if (m->age >= 65)
		m->occupation = "retired";
	else
		m->occupation =
		    m->sex == 'M' ? PICK(&d->rng, male_jobs) : PICK(&d->rng, female_jobs);
	if (rng_pct(&d->rng, 30))
		m->skills = PICK(&d->rng, skills);
}

static void phone_for(struct demo *d, struct member *m, int pct)
{
	if (!is_adult(m) || !rng_pct(&d->rng, pct))
		return;
	char digits[8];
	for (int i = 0; i < 7; i++)
		digits[i] = (char)('0' + rng_below(&d->rng, 10));
	digits[7] = '\0';
	snprintf(m->phone, sizeof(m->phone), "+989%s%s", PICK(&d->rng, mobile_prefixes), digits);
}

/* Identity documents: the family's status in Iran decides the main one;
 * adults (and some children) also hold an Afghan Tazkira. */
static void documents_for(struct demo *d, struct family *f, enum doc_status status,
                          struct date amayesh_expiry, struct date fp_expiry, bool family_passport,
                          const char *fp_number, struct member *m)
{
	struct doc *doc;
	switch (status) {
	case DOCS_AMAYESH:
		if (m->age >= 1 || rng_pct(&d->rng, 50)) {
			doc = add_doc(m, "amayesh", "BAFIA");
			random_digits(d, doc->number, sizeof(doc->number), 10);
			set_expiry(doc, amayesh_expiry);
		}
		break;
	case DOCS_HEADCOUNT:
		doc = add_doc(m, "headcount_slip", "BAFIA (2022 headcount)");
		random_digits(d, doc->number, sizeof(doc->number), 12);
		if (rng_pct(&d->rng, 60))
			set_expiry(doc, amayesh_expiry);
		break;
	case DOCS_PASSPORT:
		doc = add_doc(m, "passport", "Ministry of Interior, Kabul");
		passport_number(d, doc->number, sizeof(doc->number));
		set_expiry(doc, days_from_today(d, rng_between(&d->rng, -400, 1700)));
		break;
	case DOCS_NONE:
		break;
	}
	if (family_passport) {
		doc = add_doc(m, "family_passport", f->office->embassy);
		snprintf(doc->number, sizeof(doc->number), "%s", fp_number);
		set_expiry(doc, fp_expiry);
	}
	if ((is_adult(m) && rng_pct(&d->rng, 85)) || (!is_adult(m) && rng_pct(&d->rng, 35))) {
		doc = add_doc(m, "tazkira", NULL);
		if (rng_pct(&d->rng, 55)) {
			/* electronic Tazkira: Solar Hijri year, office, serial */
			char serial[8];
			random_digits(d, serial, sizeof(serial), 5);
			snprintf(doc->number, sizeof(doc->number), "%d-%04d-%s",
			         rng_between(&d->rng, 1397, 1403), rng_between(&d->rng, 101, 3401),
			         serial);
			doc->issuer = "NSIA";
		} else {
			/* paper Tazkira: volume, page, registration number */
			snprintf(doc->number, sizeof(doc->number), "%d/%d/%d",
			         rng_between(&d->rng, 1, 400), rng_between(&d->rng, 1, 300),
			         rng_between(&d->rng, 1, 9999) * 10 + (int)(d->doc_serial++ % 10));
			doc->issuer = "Ministry of Interior";
		}
	}
}

static struct member *add_member(struct family *f, char sex, const char *relationship)
{
	struct member *m = &f->m[f->n++];
	memset(m, 0, sizeof(*m));
	m->sex = sex;
	m->relationship = relationship;
	m->version = 1;
	return m;
}

/* Names already used in the family, so siblings do not share one. */
static int family_given_names(const struct family *f, const struct demo_name **out)
{
	int n = 0;
	for (int i = 0; i < f->n; i++)
		out[n++] = f->m[i].given;
	return n;
}

static enum program pick_program(struct demo *d)
{
	int x = rng_below(&d->rng, 100);
	for (int i = 0; i < DEMO_PROGRAMS; i++) {
		if (x < programs[i].weight)
			return (enum program)i;
		x -= programs[i].weight;
	}
	return P_AVRR;
}

static void build_family(struct demo *d, struct family *f, int index)
{
	memset(f, 0, sizeof(*f));
	/* The first families cover every programme, so even a small demo does. */
	static const enum program first[] = {P_AVRR, P_RESETTLEMENT, P_MOVEMENT, P_RQA, P_CT};
	f->program = index < (int)COUNT(first) ? first[index] : pick_program(d);

	int x = rng_below(&d->rng, 100);
	f->office = &offices[COUNT(offices) - 1];
	for (size_t i = 0; i < COUNT(offices); i++) {
		if (x < offices[i].weight) {
			f->office = &offices[i];
			break;
		}
		x -= offices[i].weight;
	}
	f->residence = rng_weighted(&d->rng, f->office->residence, f->office->n_residence);
	x = rng_below(&d->rng, 100);
	f->group = x < 40 ? DEMO_HAZARA : x < 70 ? DEMO_TAJIK : x < 92 ? DEMO_PASHTUN : DEMO_UZBEK;
	size_t n_origins;
	const struct demo_weighted *origins = demo_origins(f->group, &n_origins);
	f->origin = rng_weighted(&d->rng, origins, n_origins);
	f->name = pick_name(d, demo_family_names, demo_n_family_names, f->group, NULL, 0);

	/* Who is in it: the head, maybe a spouse, children, sometimes an older
	 * parent, an adult sibling or a nephew or niece without their parents. */
	char head_sex = rng_pct(&d->rng, f->program == P_CT ? 60 : 12) ? 'F' : 'M';
	static const int size_weights[] = {8, 12, 18, 22, 18, 13, 9}; /* 1..7 others */
	int others = 1;
	if (f->program == P_CT) {
		others = rng_between(&d->rng, 1, 4);
	} else {
		int y = rng_below(&d->rng, 100);
		for (size_t i = 0; i < COUNT(size_weights); i++) {
			if (y < size_weights[i]) {
				others = (int)i + 1;
				break;
			}
			y -= size_weights[i];
		}
	}

	struct member *head = add_member(f, head_sex, "head");
	head->family = f->name;
	head->given = pick_given(d, head_sex, f->group, NULL, 0);
	head->father = pick_given(d, 'M', f->group, &head->given, 1);
	set_age(d, head,
	        head_sex == 'M' ? rng_between(&d->rng, 24, 58) : rng_between(&d->rng, 22, 55), 50);
	int mother_age = head_sex == 'F' ? head->age : head->age - rng_between(&d->rng, 2, 8);

	if (head_sex == 'F') {
		f->husband = pick_given(d, 'M', f->group, NULL, 0);
	} else if (rng_pct(&d->rng, 92)) {
		struct member *sp = add_member(f, 'F', "spouse");
		const struct demo_name *used[MAX_MEMBERS];
		int nused = family_given_names(f, used);
		sp->given = pick_given(d, 'F', f->group, used, nused);
		sp->father = pick_given(d, 'M', f->group, NULL, 0);
		sp->family =
		    rng_pct(&d->rng, 60)
		        ? f->name
		        : pick_name(d, demo_family_names, demo_n_family_names, f->group, NULL, 0);
		int age = head->age - rng_between(&d->rng, 0, 10);
		set_age(d, sp, age < 20 ? 20 : age, 45);
		mother_age = sp->age;
	}
	if (mother_age < 20)
		mother_age = 20;

	bool has_father = false, has_mother = false;
	while (f->n < 1 + others) {
		int y = rng_below(&d->rng, 100);
		const struct demo_name *used[MAX_MEMBERS];
		int nused = family_given_names(f, used);
		struct member *m;
		if (y < 6 && head->age <= 55 && !(has_father && has_mother)) {
			/* the head's father or mother, living with them */
			char sex = has_father             ? 'F'
			           : has_mother           ? 'M'
			           : rng_pct(&d->rng, 50) ? 'M'
			                                  : 'F';
			has_father |= sex == 'M';
			has_mother |= sex == 'F';
			m = add_member(f, sex, "parent");
			if (sex == 'M') {
				m->given = head->father;
				m->family = f->name;
			} else {
				m->given = pick_given(d, 'F', f->group, used, nused);
				m->family = pick_name(d, demo_family_names, demo_n_family_names,
				                      f->group, NULL, 0);
			}
			m->father = pick_given(d, 'M', f->group, &m->given, 1);
			int age = head->age + rng_between(&d->rng, 20, 32);
			set_age(d, m, age > 85 ? 85 : age, 80);
		} else if (y < 12) {
			/* an adult brother or sister of the head */
			char sex = rng_pct(&d->rng, 50) ? 'M' : 'F';
			m = add_member(f, sex, "sibling");
			m->given = pick_given(d, sex, f->group, used, nused);
			m->father = head->father;
			m->family = f->name;
			int age = head->age + rng_between(&d->rng, -10, 10);
			set_age(d, m, age < 18 ? 18 : age > 60 ? 60 : age, 50);
		} else if (y < 16) {
			/* a nephew or niece whose parents stayed in Afghanistan */
			char sex = rng_pct(&d->rng, 50) ? 'M' : 'F';
			m = add_member(f, sex, "other_relative");
			m->given = pick_given(d, sex, f->group, used, nused);
			m->father = pick_given(d, 'M', f->group, used, nused);
			m->family = f->name;
			set_age(d, m, rng_between(&d->rng, 8, 17), 40);
			add_vuln(m, "separated_child");
		} else {
			char sex = rng_pct(&d->rng, 51) ? 'M' : 'F';
			m = add_member(f, sex, "child");
			m->given = pick_given(d, sex, f->group, used, nused);
			m->father = head_sex == 'M' ? head->given : f->husband;
			m->family = f->name;
			/* born when the mother was 18 to 45 */
			int lo = mother_age - 45, hi = mother_age - 18;
			lo = lo < 0 ? 0 : lo;
			hi = hi > 17 ? 17 : hi;
			if (lo > hi)
				lo = hi;
			set_age(d, m, rng_between(&d->rng, lo, hi), 15);
		}
	}

	/* vulnerabilities, at about the rates caseworkers see */
	bool children = false;
	for (int i = 1; i < f->n; i++)
		if (!strcmp(f->m[i].relationship, "child"))
			children = true;
	bool spouse = f->n > 1 && !strcmp(f->m[1].relationship, "spouse");
	if (head_sex == 'F') {
		add_vuln(head, "female_headed_household");
		if (children)
			add_vuln(head, "single_parent");
	} else if (!spouse && children) {
		add_vuln(head, "single_parent");
	}
	int medical_pct = f->program == P_RESETTLEMENT ? 10 : 3;
	for (int i = 0; i < f->n; i++) {
		if (rng_pct(&d->rng, 3))
			add_vuln(&f->m[i], "disability");
		if (rng_pct(&d->rng, medical_pct))
			add_vuln(&f->m[i], "serious_medical_condition");
	}

	/* the case's principal and members */
	f->principal = 0;
	if (f->program == P_CT) {
		/* a woman who was trafficked, or a teenage child of the family */
		int teen = -1;
		for (int i = 1; i < f->n; i++)
			if (!strcmp(f->m[i].relationship, "child") && f->m[i].age >= 12)
				teen = i;
		if (head_sex == 'M' && (teen < 0 || rng_pct(&d->rng, 30)) && spouse)
			f->principal = 1;
		else if (teen >= 0 && (head_sex == 'M' || rng_pct(&d->rng, 40)))
			f->principal = teen;
		add_vuln(&f->m[f->principal], "victim_of_trafficking");
	}
	struct member *pr = &f->m[f->principal];
	pr->in_case = true;
	pr->case_relationship = "principal";
	for (int i = 0; i < f->n; i++) {
		struct member *m = &f->m[i];
		if (i == f->principal)
			continue;
		const char *rel = m->relationship;
		bool immediate = !strcmp(rel, "spouse") || !strcmp(rel, "child");
		if (f->principal != 0) {
			/* a CT principal who is the head's wife brings her children;
			 * a child brings the parents */
			if (!strcmp(pr->relationship, "spouse")) {
				if (!strcmp(rel, "child")) {
					m->in_case = true;
					m->case_relationship = "child";
				}
			} else if (i == 0 || !strcmp(rel, "spouse")) {
				m->in_case = true;
				m->case_relationship = "parent";
			}
			continue;
		}
		/* returns and resettlement take the whole household; the other
		 * programmes the principal's spouse and children */
		if (f->program == P_AVRR || f->program == P_RESETTLEMENT || immediate) {
			m->in_case = true;
			m->case_relationship = rel;
		}
	}

	/* work, education, phones, languages */
	for (int i = 0; i < f->n; i++) {
		struct member *m = &f->m[i];
		work_for(d, m);
		phone_for(d, m, i == 0 ? 95 : !strcmp(m->relationship, "spouse") ? 45 : 50);
		languages_for(d, f, m);
	}
	if (f->program == P_RQA) {
		int p = rng_below(&d->rng, (int)COUNT(professionals));
		head->education = professionals[p].education;
		head->occupation = professionals[p].occupation;
		head->skills = professionals[p].skills;
		if (head->n_langs < MAX_LANGS && strcmp(head->langs[head->n_langs - 1], "eng"))
			head->langs[head->n_langs++] = "eng";
	}

	/* documents */
	x = rng_below(&d->rng, 100);
	enum doc_status status = x < 62   ? DOCS_AMAYESH
	                         : x < 84 ? DOCS_HEADCOUNT
	                         : x < 95 ? DOCS_PASSPORT
	                                  : DOCS_NONE;
	if (f->program == P_RQA && status == DOCS_NONE)
		status = DOCS_PASSPORT;
	struct date amayesh_expiry = days_from_today(d, rng_between(&d->rng, -150, 360));
	bool family_passport = status == DOCS_AMAYESH && rng_pct(&d->rng, 6);
	struct date fp_expiry = days_from_today(d, rng_between(&d->rng, -300, 1500));
	char fp_number[32];
	passport_number(d, fp_number, sizeof(fp_number));
	fp_number[0] = 'F';
	for (int i = 0; i < f->n; i++)
		documents_for(d, f, status, amayesh_expiry, fp_expiry, family_passport, fp_number,
		              &f->m[i]);
	/* Amayesh holders who also got a passport for the head, some expired */
	if (status == DOCS_AMAYESH && rng_pct(&d->rng, 15)) {
		struct doc *doc = add_doc(head, "passport", "Ministry of Interior, Kabul");
		if (doc) {
			passport_number(d, doc->number, sizeof(doc->number));
			set_expiry(doc, days_from_today(d, rng_between(&d->rng, -900, 1200)));
		}
	}
}

/* ---- talking to the API ----------------------------------------------------- */

static struct jsonw *body_begin(struct demo *d)
{
	buf_reset(&d->body);
	jsonw_init(&d->w, &d->body);
	jsonw_obj(&d->w);
	return &d->w;
}

/* Sends one request as the admin; returns the parsed response (the caller
 * puts it) when the status is `expect`. Anything else is a bug somewhere:
 * the request and the answer go to stderr and NULL comes back. */
static struct json_object *call(struct demo *d, const char *method, const char *path, bool body,
                                int expect)
{
	struct resp out;
	if (body)
		jsonw_end(&d->w);
	const char *text = body ? buf_str(&d->body) : NULL;
	int status = api_dispatch(d->db, &d->arena, &d->who, method, path, text, &out);
	d->st.requests++;
	struct json_object *obj = NULL;
	if (status == expect)
		obj = json_tokener_parse(buf_str(&out.body));
	if (!obj) {
		fprintf(stderr, "safar demo: %s %s answered %d, expected %d\n", method, path,
		        status, expect);
		if (text)
			fprintf(stderr, "request: %s\n", text);
		fprintf(stderr, "response: %s\n", buf_str(&out.body));
	}
	buf_release(&out.body);
	arena_release(&d->arena);
	return obj;
}

static int64_t jint(struct json_object *o, const char *key)
{
	struct json_object *v;
	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : 0;
}

static void write_date(struct jsonw *w, const char *key, const struct date *dt)
{
	char s[11];
	date_format(dt, s);
	jsonw_kstr(w, key, s);
}

static void write_documents(struct jsonw *w, const struct member *m)
{
	jsonw_karr(w, "documents");
	for (int i = 0; i < m->n_docs; i++) {
		const struct doc *doc = &m->docs[i];
		jsonw_obj(w);
		jsonw_kstr(w, "type", doc->type);
		jsonw_kstr(w, "number", doc->number);
		if (doc->issuer)
			jsonw_kstr(w, "issuer", doc->issuer);
		if (doc->has_expiry)
			write_date(w, "expires_on", &doc->expires);
		jsonw_end(w);
	}
	jsonw_end(w);
}

static int create_person(struct demo *d, struct family *f, struct member *m)
{
	struct jsonw *w = body_begin(d);
	jsonw_kstr(w, "office", f->office->code);
	jsonw_kstr(w, "given_name", m->given->latin);
	jsonw_kstr(w, "family_name", m->family->latin);
	jsonw_kstr(w, "father_name", m->father->latin);
	jsonw_kstr(w, "given_name_native", m->given->native);
	jsonw_kstr(w, "family_name_native", m->family->native);
	jsonw_kstr(w, "father_name_native", m->father->native);
	char sex[2] = {m->sex, '\0'};
	jsonw_kstr(w, "sex", sex);
	write_date(w, "birth_date", &m->birth);
	jsonw_kbool(w, "birth_date_estimated", m->estimated);
	jsonw_kstr(w, "nationality", "AFG");
	if (m->phone[0])
		jsonw_kstr(w, "phone", m->phone);
	jsonw_kstr(w, "province_of_residence", f->residence);
	jsonw_kstr(w, "province_of_origin", f->origin);
	if (m->education)
		jsonw_kstr(w, "education", m->education);
	if (m->occupation)
		jsonw_kstr(w, "occupation", m->occupation);
	if (m->skills)
		jsonw_kstr(w, "skills", m->skills);
	jsonw_karr(w, "languages");
	for (int i = 0; i < m->n_langs; i++)
		jsonw_str(w, m->langs[i]);
	jsonw_end(w);
	write_documents(w, m);
	jsonw_karr(w, "vulnerabilities");
	for (int i = 0; i < m->n_vulns; i++)
		jsonw_str(w, m->vulns[i]);
	jsonw_end(w);

	struct json_object *r = call(d, "POST", "/api/v1/persons", true, 201);
	if (!r)
		return -1;
	m->id = jint(r, "id");
	m->version = jint(r, "version");
	json_object_put(r);
	d->st.persons++;
	d->st.documents += m->n_docs;
	return 0;
}

/* Records a consent; given_on days_ago days before today (0: the API's
 * default, today). *id gets the consent id when id is not NULL. */
static int give_consent(struct demo *d, struct member *m, const char *purpose, int days_ago,
                        const char *notes, int64_t *id)
{
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/persons/%lld/consents", (long long)m->id);
	struct jsonw *w = body_begin(d);
	jsonw_kstr(w, "purpose", purpose);
	if (days_ago > 0) {
		struct date on = days_from_today(d, -days_ago);
		write_date(w, "given_on", &on);
	}
	if (notes)
		jsonw_kstr(w, "notes", notes);
	struct json_object *r = call(d, "POST", path, true, 201);
	if (!r)
		return -1;
	if (id)
		*id = jint(r, "id");
	json_object_put(r);
	d->st.consents++;
	return 0;
}

static int withdraw_consent(struct demo *d, struct member *m, int64_t consent_id, const char *notes)
{
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/persons/%lld/consents/%lld/withdrawal",
	         (long long)m->id, (long long)consent_id);
	struct jsonw *w = body_begin(d);
	jsonw_kstr(w, "notes", notes);
	struct json_object *r = call(d, "POST", path, true, 200);
	if (!r)
		return -1;
	json_object_put(r);
	return 0;
}

static int create_household(struct demo *d, struct family *f)
{
	struct jsonw *w = body_begin(d);
	jsonw_kint(w, "head_person_id", f->m[0].id);
	jsonw_karr(w, "members");
	for (int i = 1; i < f->n; i++) {
		jsonw_obj(w);
		jsonw_kint(w, "person_id", f->m[i].id);
		jsonw_kstr(w, "relationship", f->m[i].relationship);
		jsonw_end(w);
	}
	jsonw_end(w);
	struct json_object *r = call(d, "POST", "/api/v1/households", true, 201);
	if (!r)
		return -1;
	json_object_put(r);
	d->st.households++;
	return 0;
}

/* Keeps the case's version, status and allowed transitions from a case
 * response (takes ownership of r). */
static void case_seen(struct family *f, struct json_object *r)
{
	if (f->allowed)
		json_object_put(f->allowed);
	f->allowed = NULL;
	struct json_object *a;
	if (json_object_object_get_ex(r, "allowed_transitions", &a))
		f->allowed = json_object_get(a);
	f->case_version = jint(r, "version");
	json_object_put(r);
}

static int create_case(struct demo *d, struct family *f)
{
	struct jsonw *w = body_begin(d);
	const struct program_def *p = &programs[f->program];
	jsonw_kstr(w, "program", p->name);
	jsonw_kint(w, "principal_person_id", f->m[f->principal].id);
	jsonw_karr(w, "members");
	for (int i = 0; i < f->n; i++) {
		if (i == f->principal || !f->m[i].in_case)
			continue;
		jsonw_obj(w);
		jsonw_kint(w, "person_id", f->m[i].id);
		jsonw_kstr(w, "relationship", f->m[i].case_relationship);
		jsonw_end(w);
	}
	jsonw_end(w);
	const char *dest = NULL;
	const char *priority = "normal";
	int x = rng_below(&d->rng, 100);
	switch (f->program) {
	case P_AVRR:
	case P_RQA:
		dest = "AFG";
		priority = x < 10 ? "low" : x < 85 ? "normal" : "high";
		break;
	case P_RESETTLEMENT:
		dest = PICK(&d->rng, resettlement_countries);
		priority = x < 70 ? "normal" : x < 95 ? "high" : "urgent";
		break;
	case P_MOVEMENT:
		dest = PICK(&d->rng, movement_countries);
		priority = x < 20 ? "low" : "normal";
		break;
	case P_CT:
		dest = x < 50 ? "AFG" : NULL;
		priority = x < 60 ? "high" : "urgent";
		break;
	}
	if (dest)
		jsonw_kstr(w, "destination_country", dest);
	jsonw_kstr(w, "priority", priority);

	struct json_object *r = call(d, "POST", "/api/v1/cases", true, 201);
	if (!r)
		return -1;
	f->case_id = jint(r, "id");
	f->status = p->path[0];
	case_seen(f, r);
	d->st.cases++;
	d->st.cases_by_program[f->program]++;
	return 0;
}

/* Whether `to` is among the case's allowed transitions; *reason_needed
 * says if it wants a reason. */
static bool transition_allowed(const struct family *f, const char *to, bool *reason_needed)
{
	size_t n = f->allowed ? json_object_array_length(f->allowed) : 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *t = json_object_array_get_idx(f->allowed, i), *v;
		if (!json_object_object_get_ex(t, "to", &v) ||
		    strcmp(json_object_get_string(v), to))
			continue;
		*reason_needed = json_object_object_get_ex(t, "requires_reason", &v) &&
		                 json_object_get_boolean(v);
		return true;
	}
	return false;
}

static int case_move(struct demo *d, struct family *f, const char *to, const char *reason)
{
	bool reason_needed = false;
	if (!transition_allowed(f, to, &reason_needed)) {
		fprintf(stderr,
		        "safar demo: %s case %lld cannot go from %s to %s: not among its "
		        "allowed_transitions (%s)\n",
		        programs[f->program].name, (long long)f->case_id, f->status, to,
		        f->allowed ? json_object_to_json_string(f->allowed) : "none");
		return -1;
	}
	if (reason_needed && !reason)
		reason = "as agreed with the family";
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/cases/%lld/transitions", (long long)f->case_id);
	struct jsonw *w = body_begin(d);
	jsonw_kstr(w, "to", to);
	if (reason)
		jsonw_kstr(w, "reason", reason);
	jsonw_kint(w, "version", f->case_version);
	struct json_object *r = call(d, "POST", path, true, 200);
	if (!r)
		return -1;
	f->status = to;
	case_seen(f, r);
	d->st.transitions++;
	return 0;
}

static bool has_valid_travel_doc(const struct demo *d, const struct member *m)
{
	for (int i = 0; i < m->n_docs; i++) {
		const struct doc *doc = &m->docs[i];
		bool travel = !strcmp(doc->type, "passport") ||
		              !strcmp(doc->type, "family_passport") ||
		              !strcmp(doc->type, "laissez_passer");
		if (travel && doc->has_expiry && date_cmp(&doc->expires, &d->today) >= 0)
			return true;
	}
	return false;
}

/* What the documentation stage produces: a valid travel document for each
 * member of the case (a laissez-passer for returns, a passport otherwise,
 * added with PATCH as a caseworker would) and consent to travel from each
 * adult. */
static int prepare_travel(struct demo *d, struct family *f)
{
	if (f->travel_prepared)
		return 0;
	bool returning = f->program == P_AVRR || f->program == P_CT;
	for (int i = 0; i < f->n; i++) {
		struct member *m = &f->m[i];
		if (!m->in_case)
			continue;
		if (!has_valid_travel_doc(d, m)) {
			if (m->n_docs == MAX_DOCS) { /* drop the oldest to make room */
				memmove(&m->docs[0], &m->docs[1],
				        sizeof(m->docs[0]) * (MAX_DOCS - 1));
				m->n_docs--;
			}
			struct doc *doc = add_doc(m, returning ? "laissez_passer" : "passport",
			                          f->office->embassy);
			if (returning) {
				doc->number[0] = 'L';
				random_digits(d, doc->number + 1, sizeof(doc->number) - 1, 7);
				set_expiry(doc, days_from_today(d, rng_between(&d->rng, 30, 90)));
			} else {
				passport_number(d, doc->number, sizeof(doc->number));
				set_expiry(doc,
				           days_from_today(d, rng_between(&d->rng, 1500, 1820)));
			}
			char path[48];
			snprintf(path, sizeof(path), "/api/v1/persons/%lld", (long long)m->id);
			struct jsonw *w = body_begin(d);
			jsonw_kint(w, "version", m->version);
			write_documents(w, m);
			struct json_object *r = call(d, "PATCH", path, true, 200);
			if (!r)
				return -1;
			m->version = jint(r, "version");
			json_object_put(r);
			d->st.documents++;
		}
		if (is_adult(m) && !m->travel_consent_id &&
		    give_consent(d, m, "travel", rng_between(&d->rng, 0, 20),
		                 "explained in Dari; signed with thumbprint",
		                 &m->travel_consent_id) < 0)
			return -1;
	}
	f->travel_prepared = true;
	return 0;
}

static void count_status(struct demo_stats *st, const char *status)
{
	for (int i = 0; i < st->n_statuses; i++)
		if (!strcmp(st->status_names[i], status)) {
			st->status_counts[i]++;
			return;
		}
	if (st->n_statuses < DEMO_MAX_STATUSES) {
		st->status_names[st->n_statuses] = status;
		st->status_counts[st->n_statuses++] = 1;
	}
}

/* Moves the case along its main path to a random stop, sometimes leaving
 * it by the side (withdrawn, ineligible, rejected). Most cases sit in the
 * early and middle states, as in a real caseload. */
static int walk_case(struct demo *d, struct family *f)
{
	const struct program_def *p = &programs[f->program];
	int len = path_len(p->path);
	int travel_at = path_index(p->path, "travel_ready");
	int documentation_at = path_index(p->path, "documentation");
	const char *side = NULL, *reason = NULL;
	int stop;
	int x = rng_below(&d->rng, 100);
	if (x < 8) {
		stop = rng_below(&d->rng, len - 1); /* any state but closed */
		side = "withdrawn";
		reason = PICK(&d->rng, withdraw_reasons);
	} else if (p->fail_state && x < 8 + p->fail_pct) {
		stop = rng_between(&d->rng, p->fail_lo, p->fail_hi);
		side = p->fail_state;
		reason = p->fail_reasons[rng_below(&d->rng, p->n_fail_reasons)];
	} else {
		stop = rng_below(&d->rng, len);
		if (rng_pct(&d->rng, 50)) {
			int other = rng_below(&d->rng, len);
			stop = other < stop ? other : stop;
		}
	}
	bool travels = travel_at >= 0 && stop >= travel_at;
	for (int i = 1; i <= stop; i++) {
		if (i == travel_at && prepare_travel(d, f) < 0)
			return -1;
		if (case_move(d, f, p->path[i], NULL) < 0)
			return -1;
		/* documents and consent usually come in during documentation */
		if (i == documentation_at && (travels || rng_pct(&d->rng, 30)) &&
		    prepare_travel(d, f) < 0)
			return -1;
	}
	if (side) {
		if (case_move(d, f, side, reason) < 0)
			return -1;
		if (!strcmp(side, "withdrawn"))
			for (int i = 0; i < f->n; i++)
				if (f->m[i].travel_consent_id && rng_pct(&d->rng, 60) &&
				    withdraw_consent(d, &f->m[i], f->m[i].travel_consent_id,
				                     "no longer wishes to travel") < 0)
					return -1;
		if (!strcmp(side, "ineligible") && rng_pct(&d->rng, 25) &&
		    case_move(d, f, "counselling",
		              "reassessed by the supervisor: new medical report") < 0)
			return -1;
	}
	count_status(&d->st, f->status);
	return 0;
}

static int create_family(struct demo *d, struct family *f)
{
	for (int i = 0; i < f->n; i++)
		if (create_person(d, f, &f->m[i]) < 0)
			return -1;
	static const char *const dp_notes[] = {NULL, NULL, "read out in Dari", "read out in Pashto",
	                                       "leaflet given"};
	for (int i = 0; i < f->n; i++) {
		struct member *m = &f->m[i];
		if (!is_adult(m))
			continue;
		if (give_consent(d, m, "data_processing", rng_between(&d->rng, 0, 10),
		                 PICK(&d->rng, dp_notes), NULL) < 0)
			return -1;
		if (m->in_case && rng_pct(&d->rng, 70) &&
		    give_consent(d, m, "programme_participation", rng_between(&d->rng, 0, 5), NULL,
		                 NULL) < 0)
			return -1;
		if (m->in_case && f->program == P_RESETTLEMENT &&
		    (give_consent(d, m, "data_sharing", 0,
		                  "with UNHCR and the resettlement country", NULL) < 0 ||
		     (rng_pct(&d->rng, 60) &&
		      give_consent(d, m, "medical_examination", 0, NULL, NULL) < 0)))
			return -1;
	}
	if (create_household(d, f) < 0 || create_case(d, f) < 0 || walk_case(d, f) < 0)
		return -1;
	d->st.families++;
	return 0;
}

/* ---- the admin ---------------------------------------------------------------- */

struct admin_search {
	struct user found;
	bool ok;
};

static void admin_visit(const struct user *u, void *ctx)
{
	struct admin_search *s = ctx;
	if (!s->ok && !u->disabled && (u->roles & ROLE_ADMIN)) {
		s->found = *u;
		s->ok = true;
	}
}

/* The user the demo acts as: "admin" (what `safar init` creates by
 * default), else the first enabled admin. */
static int find_admin(struct demo *d)
{
	struct admin_search s = {.ok = false};
	int rc = users_get_by_name(d->db, &d->user_arena, "admin", &s.found);
	if (rc < 0)
		goto fail;
	s.ok = rc == 1 && !s.found.disabled && (s.found.roles & ROLE_ADMIN);
	if (!s.ok && (rc = users_list(d->db, &d->user_arena, admin_visit, &s)) < 0)
		goto fail;
	if (!s.ok) {
		fprintf(stderr, "safar demo: the database has no enabled admin user; create one "
		                "with `safar init` or `safar user add --role admin`\n");
		return -1;
	}
	d->who.user_id = s.found.id;
	d->who.username = s.found.username;
	d->who.display_name = s.found.display_name;
	d->who.roles = s.found.roles;
	d->who.office_ids = s.found.office_ids;
	d->who.n_offices = s.found.n_offices;
	return 0;
fail:
	fprintf(stderr, "safar demo: cannot read the users: %s\n", db_errmsg(d->db));
	return -1;
}

int demo_generate(struct db *db, int families, unsigned seed, struct demo_stats *out)
{
	int rc = -1;
	struct demo *d = xcalloc(1, sizeof(*d));
	struct family *f = xcalloc(1, sizeof(*f));
	d->db = db;
	d->rng.s = 0x5afa5afa00000000ull ^ seed;
	d->today = date_from_time(time(NULL));
	buf_init(&d->body, 0);
	if (find_admin(d) < 0)
		goto out;
	for (int i = 0; i < families; i++) {
		build_family(d, f, i);
		int r = create_family(d, f);
		if (f->allowed)
			json_object_put(f->allowed);
		if (r < 0)
			goto out;
	}
	rc = 0;
out:
	if (out)
		*out = d->st;
	buf_release(&d->body);
	arena_release(&d->arena);
	arena_release(&d->user_arena);
	free(f);
	free(d);
	return rc;
}

/* ---- the command -------------------------------------------------------------- */

int cmd_demo(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},   {"families", required_argument, NULL, 'n'},
	    {"seed", required_argument, NULL, 's'}, {"force", no_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},       {0},
	};
	const char *db_flag = NULL;
	int64_t families = DEFAULT_FAMILIES, seed = DEFAULT_SEED;
	bool force = false;
	int c;
	while ((c = cli_getopt("demo", argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 'd':
			db_flag = optarg;
			break;
		case 'n':
			if (!cli_parse_int(optarg, 1, MAX_FAMILIES, &families))
				return cli_usage_error(
				    "demo",
				    "--families wants a whole number from 1 to %d, "
				    "not '%s'",
				    MAX_FAMILIES, optarg);
			break;
		case 's':
			if (!cli_parse_int(optarg, 0, UINT_MAX, &seed))
				return cli_usage_error("demo",
				                       "--seed wants a whole number from 0 to %u, "
				                       "not '%s'",
				                       UINT_MAX, optarg);
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			cli_print_usage("demo", stdout);
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_no_operands("demo", argc, argv))
		return EXIT_USAGE;

	const char *path = cli_db_path(db_flag);
	struct db *db = NULL;
	int rc = cli_open_db("demo", path, &db);
	if (rc)
		return rc;
	rc = 1;
	int64_t existing = 0;
	if (demo_count_persons(db, &existing) < 0) {
		cli_fail("demo", "cannot read %s: %s", path, db_errmsg(db));
		goto out;
	}
	if (existing > 0 && !force) {
		cli_fail("demo",
		         "%s already holds %lld persons; put demo data in a new database "
		         "(or add --force to add it anyway)",
		         path, (long long)existing);
		goto out;
	}

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct demo_stats st;
	if (demo_generate(db, (int)families, (unsigned)seed, &st) < 0) {
		fprintf(stderr,
		        "safar demo: stopped after %d families; this is a bug, please report "
		        "the request and response above\n",
		        st.families);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	printf("%d families, %d persons, %d households, %d cases, %d documents, %d consents, "
	       "%d transitions (%d requests in %.1f s)\n",
	       st.families, st.persons, st.households, st.cases, st.documents, st.consents,
	       st.transitions, st.requests, secs);
	printf("cases by programme:");
	for (int i = 0; i < DEMO_PROGRAMS; i++)
		printf("%s %s %d", i ? "," : "", programs[i].name, st.cases_by_program[i]);
	printf("\ncases by status:");
	for (int i = 0; i < st.n_statuses; i++)
		printf("%s %s %d", i ? "," : "", st.status_names[i], st.status_counts[i]);
	printf("\n");
	rc = 0;
out:
	db_close(db);
	return rc;
}
