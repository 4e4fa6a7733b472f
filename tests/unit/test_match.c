/* Name matching: normalisation of both scripts with real variant pairs,
 * pairs that must not meet, scores with their explanations, and the index
 * in a temporary database (search across scripts, typos, filters, index
 * maintenance on update, reindex). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_fixture.h"
#include "match/match.h"
#include "match/match_int.h"
#include "store/db.h"
#include "store/matchdb.h"
#include "store/persons.h"
#include "store/users.h"
#include "util/buf.h"
#include "util/log.h"

#define NOW "2026-11-26T10:00:00Z"

/* ---- normalisation ---- */

static void tokens_of(const char *name, struct match_tokens *t)
{
	match_normalise(name, t);
	if (t->n == 0)
		fail_msg("\"%s\" gave no tokens", name);
}

/* The similarity of two single-word names. */
static double sim(const char *a, const char *b)
{
	struct match_tokens x, y;
	tokens_of(a, &x);
	tokens_of(b, &y);
	return match_token_similarity(&x.t[0], &y.t[0]);
}

/* Every spelling in a group: the same skeleton (so the index brings them
 * together) and a high similarity. */
static void assert_meet(const char *const *group)
{
	struct match_tokens first;
	tokens_of(group[0], &first);
	for (int i = 1; group[i]; i++) {
		struct match_tokens t;
		tokens_of(group[i], &t);
		if (t.n != first.n)
			fail_msg("\"%s\" has %d tokens, \"%s\" %d", group[i], t.n, group[0],
			         first.n);
		for (int k = 0; k < t.n; k++) {
			if (strcmp(t.t[k].skel, first.t[k].skel) != 0)
				fail_msg("\"%s\" skeleton %s, \"%s\" %s", group[i], t.t[k].skel,
				         group[0], first.t[k].skel);
			double s = match_token_similarity(&t.t[k], &first.t[k]);
			if (s < 0.8)
				fail_msg("\"%s\" ~ \"%s\": similarity %.2f", group[i], group[0], s);
		}
	}
}

static void test_latin_variants_meet(void **state)
{
	static const char *const groups[][8] = {
	    {"Mohammad", "Muhammad", "Mohammed", "Mohamad", "Muhammed", "Mohd.", "MOHAMMAD", NULL},
	    {"Hossein", "Hussain", "Husain", "Hosein", "Hussein", "Husayn", NULL},
	    {"Yousef", "Yusuf", "Yosef", "Yousuf", "Yusef", NULL},
	    {"Khodadad", "Xodadad", "Khudadad", NULL},
	    {"Ghulam", "Qulam", "Gholam", "Ghollam", NULL},
	    {"Vahid", "Wahid", "Waheed", NULL},
	    {"Fatemeh", "Fatima", "Fatema", "Fatimah", NULL},
	    {"Ahmadi", "Ahmady", "Ahmadee", NULL},
	    {"Nasrin", "Nasreen", "Nasrine", NULL},
	    {"Masoud", "Masud", "Mas'ud", "Masood", "Mas’ud", NULL},
	    {"Davood", "Dawood", "Daud", "Davud", NULL},
	    {"Zeynab", "Zainab", "Zaynab", "Zeinab", NULL},
	    {"Sakineh", "Sakina", "Sakinah", NULL},
	    {"Hashemi", "Hashimi", "Hashemy", NULL},
	    {"Fateme", "Fatima", "Fatemeh", NULL}, /* a final -e: the a of a final heh ... */
	    {"Ahmade", "Ahmadi", NULL},            /* ... or the i of a final yeh */
	    {"Mehde", "Mahdi", "Mehdi", NULL},
	};
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		assert_meet(groups[i]);
}

static void test_compounds_and_particles(void **state)
{
	static const char *const groups[][8] = {
	    {"Abdul Rahman", "Abdurrahman", "Abdulrahman", "Abd al-Rahman", "Abdul-Rahman",
	     "Abdorrahman", "عبدالرحمن", NULL},
	    {"Habibullah", "Habib Ullah", "Habibollah", "Habibulla", "Habib-ullah",
	     "حبیب‌الله", "حبیب الله", NULL},
	    {"Nizamuddin", "Nizam ud Din", "Nizam-ud-Din", "Nezameddin", NULL},
	    {"Abdullah", "Abdollah", "Abdulla", "Abd Allah", "عبدالله", NULL},
	    {"Zabihullah", "Zabeehullah", "ذبیح‌الله", NULL},
	};
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		assert_meet(groups[i]);
	/* titles are dropped, abbreviations expanded */
	struct match_tokens a, b;
	tokens_of("Haji Mohd. Husain", &a);
	tokens_of("Mohammad Hossein", &b);
	assert_int_equal(a.n, 2);
	assert_string_equal(a.t[0].skel, b.t[0].skel);
	assert_string_equal(a.t[1].skel, b.t[1].skel);
	tokens_of("Sayed Jawad", &a);
	assert_int_equal(a.n, 1);
}

static void test_arabic_script_variants(void **state)
{
	static const char *const groups[][8] = {
	    {"علی", "علي", "عـلـی", "عَلِی", NULL},   /* yeh, tatweel, harakat */
	    {"کریم", "كريم", NULL},                 /* keheh / kaf */
	    {"فاطمه", "فاطمة", NULL},               /* teh marbuta */
	    {"احمد", "أحمد", "إحمد", "آحمد", NULL}, /* alef with hamza, madda */
	    {"مومن", "مؤمن", NULL},                 /* vav with hamza */
	    {"محمد", "مُحَمَّد", "ﻣﺤﻤﺪ", NULL},         /* diacritics, presentation forms */
	    {"حبیب‌الله", "حبیبالله", "حبیب‍الله", NULL}, /* ZWNJ, ZWJ */
	    {"غلامرضا", "غلام‌رضا", NULL},
	};
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		assert_meet(groups[i]);
}

static void test_latin_diacritics_and_punctuation(void **state)
{
	static const char *const groups[][4] = {
	    {"Muḥammad", "Muhammad", "Mūḥammad", NULL},
	    {"Hüseyin", "Huseyin", NULL},
	    {"Ja'far", "Jafar", "Ja’far", NULL},
	    {"Al-Hassan", "Al Hassan", NULL},
	};
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		assert_meet(groups[i]);
	struct match_tokens t;
	match_normalise("  -- 123 ..", &t);
	assert_int_equal(t.n, 0);
	match_normalise("\xff\xfe", &t); /* not UTF-8 */
	assert_int_equal(t.n, 0);
}

static void test_persian_meets_latin(void **state)
{
	static const char *const groups[][6] = {
	    {"محمد", "Mohammad", "Muhammad", NULL},
	    {"حسین", "Hossein", "Hussain", NULL},
	    {"احمدی", "Ahmadi", "Ahmady", NULL},
	    {"رضایی", "Rezaei", NULL},
	    {"حسین‌زاده", "Hosseinzadeh", "Hussainzada", NULL},
	    {"زینب", "Zainab", NULL},
	    {"یوسف", "Yousef", "Yusuf", NULL},
	};
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		assert_meet(groups[i]);
	/* names missing from the name list go letter by letter */
	static const char *const rule[][2] = {
	    {"شیرزاد", "Shirzad"}, {"خسرو", "Khosrow"},   {"تورپیکی", "Toorpekai"},
	    {"پلوشه", "Palwasha"}, {"میرویس", "Mirwais"}, {"گلبهار", "Gulbahar"},
	    {"ذکیه", "Zakia"},     {"هادیه", "Hadiya"},   {"صدیقی", "Sadiqe"},
	};
	for (size_t i = 0; i < sizeof(rule) / sizeof(rule[0]); i++) {
		double s = sim(rule[i][0], rule[i][1]);
		if (s < 0.75)
			fail_msg("%s ~ %s: %.2f", rule[i][0], rule[i][1], s);
	}
}

static void test_look_alikes_do_not_meet(void **state)
{
	/* same consonants, different names: the skeleton may bring them
	 * together, the score must tell them apart */
	static const char *const pairs[][2] = {
	    {"Mohammad", "Mahmood"}, {"محمد", "محمود"},       {"Mohammad", "محمود"},
	    {"Mahmoud", "محمد"},     {"Hassan", "Hossein"},   {"حسن", "حسین"},
	    {"Hassan", "حسین"},      {"Hossein", "حسن"},      {"Hasan", "Husain"},
	    {"Ahmad", "Hamid"},      {"Hamid", "Majid"},      {"Karimi", "Rahimi"},
	    {"Hosseini", "Hassani"}, {"Mohammadi", "Ahmadi"}, {"Javad", "Jawid"},
	    {"Rahima", "Rahimi"},    {"Karima", "Karimi"},
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		double s = sim(pairs[i][0], pairs[i][1]);
		if (s > 0.4)
			fail_msg("%s ~ %s: %.2f, should differ", pairs[i][0], pairs[i][1], s);
	}
	struct match_tokens a, b;
	tokens_of("Mohammad", &a);
	tokens_of("Mahmood", &b);
	assert_string_equal(a.t[0].skel, b.t[0].skel); /* a coarse key brings both */
}

/* ---- scores ---- */

static struct person person(const char *given, const char *family, const char *father,
                            const char *sex, const char *birth)
{
	return (struct person){.given_name = given,
	                       .family_name = family,
	                       .father_name = father,
	                       .sex = sex,
	                       .birth_date = birth};
}

static void test_pair_scores(void **state)
{
	struct match_subject a, b;
	struct match_result r;
	struct person p = person("Mohammad Hussain", "Ahmadi", "Ali", "M", "1980-03-01");
	struct person q = person("Muhammad Hossein", "Ahmady", "Ali", "M", "1981-01-01");
	q.birth_date_estimated = true;
	match_subject_from_person(&a, &p);
	match_subject_from_person(&b, &q);
	match_score(&a, &b, &r);
	assert_true(r.score >= MATCH_DUPLICATE_THRESHOLD);
	assert_non_null(strstr(r.explanation, "same father's name"));
	assert_non_null(strstr(r.explanation, "born 1 year apart (estimated)"));

	/* two known birth dates that differ: a namesake, not the same person */
	q = person("Muhammad Hossein", "Ahmady", "Ali", "M", "1981-05-02");
	match_subject_from_person(&b, &q);
	match_score(&a, &b, &r);
	assert_true(r.score < MATCH_DUPLICATE_THRESHOLD);
	q = person("Mohammad Hussain", "Ahmadi", "Ali", "M", "1980-09-17");
	match_subject_from_person(&b, &q);
	match_score(&a, &b, &r);
	assert_true(r.score < MATCH_DUPLICATE_THRESHOLD);
	assert_non_null(strstr(r.explanation, "same birth year, another date"));

	/* names and a birth year alone confirm nothing ... */
	p = person("Zahra", "Karimi", NULL, "F", "1974-01-01");
	p.birth_date_estimated = true;
	q = person("Zahra", "Karimi", "Rahim", "F", "1974-01-01");
	q.birth_date_estimated = true;
	match_subject_from_person(&a, &p);
	match_subject_from_person(&b, &q);
	match_score(&a, &b, &r);
	assert_true(r.score < MATCH_DUPLICATE_THRESHOLD);
	assert_non_null(strstr(r.explanation, "same birth year (estimated)"));
	assert_non_null(strstr(r.explanation, "no father's name to compare"));
	/* Mohammad and Mohammad Qasem are two fathers, not one spelt twice */
	p = person("Maryam", "Karimi", "Mohammad", "F", "1954-01-01");
	p.birth_date_estimated = true;
	q = person("Maryam", "Karimi", "Mohammad Qasem", "F", "1954-01-01");
	q.birth_date_estimated = true;
	match_subject_from_person(&a, &p);
	match_subject_from_person(&b, &q);
	match_score(&a, &b, &r);
	assert_true(r.score < MATCH_DUPLICATE_THRESHOLD);
	assert_non_null(strstr(r.explanation, "father's names differ in part"));
	/* ... the same known birth date does */
	p = person("Zahra", "Karimi", NULL, "F", "1974-03-19");
	q = person("Zahra", "Karimi", "Rahim", "F", "1974-03-19");
	match_subject_from_person(&a, &p);
	match_subject_from_person(&b, &q);
	match_score(&a, &b, &r);
	assert_true(r.score >= MATCH_DUPLICATE_THRESHOLD);
	assert_non_null(strstr(r.explanation, "same birth date"));

	p = person("Mohammad Hussain", "Ahmadi", "Ali", "M", "1980-03-01");
	match_subject_from_person(&a, &p);

	/* father differs and ten years apart: not a duplicate */
	q = person("Muhammad Hossein", "Ahmady", "Karim", "M", "1990-05-02");
	match_subject_from_person(&b, &q);
	match_score(&a, &b, &r);
	assert_true(r.score < 60);
	assert_non_null(strstr(r.explanation, "father's name differs"));

	/* Mahmood is not Mohammad, whatever else agrees */
	q = person("Mahmood Hussain", "Ahmadi", "Ali", "M", "1980-03-01");
	match_subject_from_person(&b, &q);
	match_score(&a, &b, &r);
	assert_true(r.score < MATCH_DUPLICATE_THRESHOLD);

	/* across scripts, given and family swapped, same tazkira number */
	struct person_document d1 = {.type = "tazkira", .number = "TZ-1234567"};
	struct person_document d2 = {.type = "tazkira", .number = "tz 1234567"};
	p = person("Zahra", "Rezaei", NULL, "F", "1995-01-01");
	p.documents = &d1, p.n_documents = 1;
	q = (struct person){.given_name_native = "رضایی",
	                    .family_name_native = "زهرا",
	                    .sex = "F",
	                    .birth_date = "1995-01-01",
	                    .documents = &d2,
	                    .n_documents = 1};
	match_subject_from_person(&a, &p);
	match_subject_from_person(&b, &q);
	match_score(&a, &b, &r);
	assert_true(r.score >= 95);
	assert_non_null(strstr(r.explanation, "swapped"));
	assert_non_null(strstr(r.explanation, "same document number"));

	/* different sex pulls far down */
	p = person("Zahra", "Rezaei", NULL, "F", NULL);
	q = person("Zahra", "Rezaei", NULL, "M", NULL);
	match_subject_from_person(&a, &p);
	match_subject_from_person(&b, &q);
	match_score(&a, &b, &r);
	assert_true(r.score < 50);
}

static void test_query_scores(void **state)
{
	struct match_subject q, c;
	struct match_result r;
	struct person p = person("Mohammad Hussain", "Ahmadi", "Ali", "M", "1980-03-01");
	p.given_name_native = "محمد حسین";
	p.family_name_native = "احمدی";
	match_subject_from_person(&c, &p);

	/* family name first, Persian script, with father and year */
	match_subject_from_query(&q, "احمدی محمد حسین", "Ali", NULL, 1981);
	match_score(&q, &c, &r);
	assert_true(r.score >= 90);
	assert_non_null(strstr(r.explanation, "same father's name"));
	assert_non_null(strstr(r.explanation, "born 1 year apart"));

	/* written together */
	match_subject_from_query(&q, "Mohammadhossein Ahmady", NULL, NULL, 0);
	match_score(&q, &c, &r);
	assert_true(r.score >= 85);

	/* a look-alike scores well below the person */
	struct match_result good;
	match_subject_from_query(&q, "Mohammad Ahmadi", NULL, NULL, 0);
	match_score(&q, &c, &good);
	match_subject_from_query(&q, "Mahmood Ahmadi", NULL, NULL, 0);
	match_score(&q, &c, &r);
	assert_true(r.score + 25 < good.score);
}

/* ---- the index ---- */

static struct store_fx fx;
static struct db *db;
static int64_t thr_id, mhd_id;

static int db_setup(void **state)
{
	log_set_quiet(1);
	store_fx_make(&fx);
	char *cause = NULL;
	assert_int_equal(db_open(&db, fx.url, true, &cause), 0);
	assert_int_equal(db_migrate(db, NULL, &cause), 0);
	assert_int_equal(db_begin(db, true), 0);
	struct office thr = {
	    .code = "THR", .name = "Tehran", .country = "IRN", .province = "IR-23"};
	struct office mhd = {
	    .code = "MHD", .name = "Mashhad", .country = "IRN", .province = "IR-09"};
	assert_int_equal(offices_add(db, &thr, NOW, 0, &thr_id), 0);
	assert_int_equal(offices_add(db, &mhd, NOW, 0, &mhd_id), 0);
	assert_int_equal(db_commit(db), 0);
	return 0;
}

static int db_teardown(void **state)
{
	db_close(db);
	store_fx_remove(&fx);
	return 0;
}

static int64_t add(struct arena *a, struct person p, int64_t office)
{
	p.office_id = office;
	p.registered_on = "2026-11-01";
	if (persons_insert(db, a, &p, NOW, 0))
		fail_msg("persons_insert: %s", db_errmsg(db));
	return p.id;
}

static int search(const char *q, const char *sex, int year, const char *father, bool all,
                  struct match_hit **h)
{
	static struct arena a = ARENA_INIT;
	arena_release(&a);
	struct match_subject s;
	match_subject_from_query(&s, q, father, sex, year);
	int64_t offices[1] = {thr_id};
	struct match_search_opts o = {
	    .limit = 10, .office_ids = offices, .n_office_ids = 1, .all_offices = all};
	int n;
	assert_int_equal(match_search(db, &a, &s, &o, h, &n), 0);
	return n;
}

static void test_index_search(void **state)
{
	struct arena a = ARENA_INIT;
	assert_int_equal(db_begin(db, true), 0);
	struct person p = person("Mohammad Hussain", "Ahmadi", "Ali", "M", "1980-03-01");
	int64_t target = add(&a, p, thr_id);
	int64_t mahmood = add(&a, person("Mahmood", "Ahmadi", "Ali", "M", "1980-03-01"), thr_id);
	p = (struct person){.given_name = "Zahra",
	                    .given_name_native = "زهرا",
	                    .family_name_native = "رضایی",
	                    .sex = "F",
	                    .birth_date = "1995-06-01"};
	int64_t zahra = add(&a, p, thr_id);
	int64_t other_office = add(&a, person("Zahra", "Rezaei", NULL, "F", "1995-06-01"), mhd_id);
	for (int i = 0; i < 30; i++) /* common names around */
		add(&a,
		    person(i % 2 ? "Ali" : "Hassan", i % 3 ? "Karimi" : "Ahmadi", "Reza", "M",
		           i % 2 ? "1970-01-01" : "2001-01-01"),
		    thr_id);
	assert_int_equal(db_commit(db), 0);

	struct match_hit *h;
	/* the four spellings of one man */
	const char *spellings[] = {"Mohammad Hussain Ahmadi",
	                           "Muhammad Hossein Ahmady",
	                           "Mohd. Husain",
	                           "محمد حسین احمدی",
	                           "Ahmadi Mohammad",
	                           "Mohammadhussain Ahmadi",
	                           NULL};
	for (int i = 0; spellings[i]; i++) {
		int n = search(spellings[i], NULL, 0, NULL, false, &h);
		if (n < 1 || h[0].person_id != target)
			fail_msg("\"%s\" did not find the person first", spellings[i]);
	}
	/* the look-alike comes, but after him */
	int n = search("Mohammad Ahmadi", NULL, 0, NULL, false, &h);
	assert_true(n >= 2);
	assert_int_equal(h[0].person_id, target);
	for (int i = 1; i < n; i++)
		if (h[i].person_id == mahmood)
			assert_true(h[i].score < h[0].score);

	/* Latin query, Persian-only family name; office scope */
	n = search("Zahra Rezaei", "F", 1995, NULL, false, &h);
	assert_true(n >= 1);
	assert_int_equal(h[0].person_id, zahra);
	for (int i = 0; i < n; i++)
		assert_true(h[i].person_id != other_office);
	n = search("Zahra Rezaei", "F", 1995, NULL, true, &h);
	assert_true(n >= 2);

	/* a typo in a consonant: found through the skeleton vocabulary */
	n = search("Mohammad Ahnadi", NULL, 0, "Ali", false, &h);
	assert_true(n >= 1);
	assert_int_equal(h[0].person_id, target);

	/* filters: wrong sex or far birth year leave him out */
	n = search("Mohammad Hussain Ahmadi", "F", 0, NULL, false, &h);
	for (int i = 0; i < n; i++)
		assert_true(h[i].person_id != target);
	n = search("Mohammad Hussain Ahmadi", NULL, 2010, NULL, false, &h);
	for (int i = 0; i < n; i++)
		assert_true(h[i].person_id != target);

	/* an update re-keys the person in its transaction */
	assert_int_equal(db_begin(db, true), 0);
	struct person cur;
	assert_int_equal(persons_get(db, &a, NULL, target, 0, &cur), 1);
	cur.family_name = "Karimzada";
	assert_int_equal(persons_update(db, &cur, 0, cur.version, NOW, 0), 1);
	assert_int_equal(db_commit(db), 0);
	n = search("Mohammad Hussain Karimzadeh", NULL, 0, NULL, false, &h);
	assert_true(n >= 1);
	assert_int_equal(h[0].person_id, target);
	n = search("Hussain Ahmadi", NULL, 0, NULL, false, &h);
	for (int i = 0; i < n; i++)
		if (h[i].person_id == target)
			assert_true(h[i].score < 80);

	/* unindexed: gone; reindex: back, from the persons table alone */
	assert_int_equal(db_begin(db, true), 0);
	assert_int_equal(match_unindex_person(db, zahra), 0);
	assert_int_equal(db_commit(db), 0);
	n = search("زهرا رضایی", NULL, 0, NULL, false, &h);
	for (int i = 0; i < n; i++)
		assert_true(h[i].person_id != zahra);
	assert_int_equal(db_begin(db, true), 0);
	int64_t count = 0;
	assert_int_equal(match_reindex(db, NULL, NULL, &count), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(count, 34);
	n = search("زهرا رضایی", NULL, 0, NULL, false, &h);
	assert_true(n >= 1);
	assert_int_equal(h[0].person_id, zahra);

	/* duplicate pairs across the registry */
	struct match_pair *pairs;
	int np;
	int64_t next;
	struct match_search_opts all = {.all_offices = true};
	assert_int_equal(match_duplicate_pairs(db, &a, MATCH_DUPLICATE_THRESHOLD, 0, 1000, 0, &all,
	                                       &pairs, &np, &next),
	                 0);
	bool found = false;
	for (int i = 0; i < np; i++) {
		assert_true(pairs[i].a_id < pairs[i].b_id);
		assert_true(pairs[i].score >= MATCH_DUPLICATE_THRESHOLD);
		if (pairs[i].a_id == zahra && pairs[i].b_id == other_office)
			found = true;
	}
	assert_true(found);
	assert_int_equal(next, 0);
	arena_release(&a);
}

/* A database migrated to 0005 with persons already registered: the
 * migration's C step (store/migrate_after.c) makes them searchable. */
int migrate_after(struct db *db, int version);

static void test_migration_indexes_existing_persons(void **state)
{
	assert_int_equal(db_begin(db, true), 0);
	struct db_stmt *st = db_prepare(
	    db, "INSERT INTO persons (ref, office_id, given_name, family_name, sex, registered_on, "
	        "created_at, updated_at) VALUES ('P-900001', ?1, 'Shirzad', 'Popalzai', 'M', "
	        "'2026-01-01', ?2, ?2) RETURNING id");
	db_bind_int(st, 1, thr_id);
	db_bind_text(st, 2, NOW);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t id = db_col_int(st, 0);
	assert_int_equal(db_step(st), DB_DONE);
	assert_int_equal(db_commit(db), 0);

	struct match_hit *h;
	int n = search("Shirzad Popalzai", NULL, 0, NULL, true, &h);
	for (int i = 0; i < n; i++)
		assert_true(h[i].person_id != id); /* written behind the index's back */
	assert_int_equal(db_begin(db, true), 0);
	assert_int_equal(migrate_after(db, 5), 0);
	assert_int_equal(db_commit(db), 0);
	n = search("شیرزاد پوپلزی", NULL, 0, NULL, true, &h);
	assert_true(n >= 1);
	assert_int_equal(h[0].person_id, id);
}

/* At a million people a pair of common names has hundreds of bearers
 * within a few years: the one born in the year asked must still be among
 * the candidates read and scored (a search reads at most a few hundred). */
static void test_namesakes_by_birth_year(void **state)
{
	struct arena a = ARENA_INIT;
	char date[16];
	assert_int_equal(db_begin(db, true), 0);
	for (int i = 0; i < 500; i++) {
		int year = 1969 + i % 11;
		if (year == 1974)
			year = 1975;
		snprintf(date, sizeof(date), "%d-0%d-1%d", year, 1 + i % 9, i % 10);
		add(&a, person("Zahra", "Karimi", NULL, "F", date), thr_id);
	}
	int64_t target = add(&a, person("Zahra", "Karimi", NULL, "F", "1974-03-19"), thr_id);
	assert_int_equal(db_commit(db), 0);
	struct match_hit *h;
	int n = search("Zahre Karimi", NULL, 1974, "Kamal", false, &h);
	assert_true(n >= 1);
	assert_int_equal(h[0].person_id, target);
	arena_release(&a);
}

/* Every row of the three match tables, in order, as text. */
static void index_rows(struct buf *out)
{
	static const char *const queries[] = {
	    "SELECT key || ' ' || birth_year || ' ' || sex || ' ' || person_id FROM match_keys "
	    "ORDER BY key, birth_year, sex, person_id",
	    "SELECT person_id || ' ' || office_id || ' ' || sex || ' ' || birth_year || ' ' || "
	    "coalesce(birth_date, '-') || ' ' || birth_estimated || ' ' || names || ' ' || ids "
	    "|| ' ' || keys FROM match_persons ORDER BY person_id",
	    "SELECT del || ' ' || skel FROM match_vocab ORDER BY del, skel",
	};
	buf_init(out, 0);
	for (size_t q = 0; q < sizeof(queries) / sizeof(*queries); q++) {
		struct db_stmt *st = db_prepare(db, queries[q]);
		int rc;
		while ((rc = db_step(st)) == DB_ROW)
			buf_addf(out, "%s\n", db_col_text(st, 0));
		assert_int_equal(rc, DB_DONE);
	}
}

/* The index written person by person (empty tables, then each live
 * person indexed as a registration does). */
static void index_one_by_one(void)
{
	int64_t ids[64], offices[64], after = 0;
	int n;
	assert_int_equal(db_begin(db, true), 0);
	assert_int_equal(matchdb_clear(db), 0);
	while (matchdb_person_ids(db, after, 64, ids, offices, &n) == 0 && n > 0) {
		for (int i = 0; i < n; i++)
			assert_int_equal(match_index_person_id(db, ids[i]), 0);
		after = ids[n - 1];
	}
	assert_int_equal(db_commit(db), 0);
}

/* The bulk writer of imports and reindex writes exactly the rows a
 * registration writes, whatever its batch size (here a few rows: batches
 * end inside a person's keys and in the middle of the list). */
static void test_bulk_writes_what_registration_writes(void **state)
{
	struct arena a = ARENA_INIT;
	assert_int_equal(db_begin(db, true), 0);
	struct person p = {.given_name = "Abdul Rahman",
	                   .family_name = "Mohammadi",
	                   .father_name = "Mohammad Nabi",
	                   .given_name_native = "عبدالرحمن",
	                   .family_name_native = "محمدی",
	                   .father_name_native = "محمد نبی",
	                   .sex = "M",
	                   .birth_date = "1988-02-03",
	                   .birth_date_estimated = true,
	                   .phone = "+989121234567"};
	add(&a, p, thr_id);
	add(&a, person("Gul Ahmad", "Popalzai Khan", "Habibullah", "M", NULL), mhd_id);
	add(&a, person("Fatima", "Fatimi", NULL, "F", "2001-07-07"), thr_id);
	add(&a, person("Nizam ud Din", "Hazara", "Ali", "X", "1950-01-01"), thr_id);
	assert_int_equal(db_commit(db), 0);

	struct buf one, bulk, small;
	index_one_by_one();
	index_rows(&one);
	assert_true(strlen(buf_str(&one)) > 0);

	assert_int_equal(db_begin(db, true), 0);
	int64_t count = 0;
	assert_int_equal(match_reindex(db, NULL, NULL, &count), 0);
	assert_int_equal(db_commit(db), 0);
	assert_true(count >= 4);
	index_rows(&bulk);
	assert_string_equal(buf_str(&bulk), buf_str(&one));

	/* batches of 5 rows, with the skeletons found in the vocabulary
	 * remembered across them */
	int64_t ids[64], offices[64], after = 0;
	int n;
	assert_int_equal(db_begin(db, true), 0);
	assert_int_equal(matchdb_clear(db), 0);
	struct match_bulk *b = match_bulk_new(db, 5);
	while (matchdb_person_ids(db, after, 64, ids, offices, &n) == 0 && n > 0) {
		for (int i = 0; i < n; i++) {
			struct person q;
			assert_int_equal(persons_get(db, &a, NULL, ids[i], 0, &q), 1);
			assert_int_equal(match_bulk_add(b, &q), 0);
		}
		after = ids[n - 1];
	}
	assert_int_equal(match_bulk_flush(b), 0);
	match_bulk_free(b);
	assert_int_equal(db_commit(db), 0);
	index_rows(&small);
	assert_string_equal(buf_str(&small), buf_str(&one));

	/* and a search finds the same person first */
	struct match_hit *h;
	assert_true(search("Abdurrahman Mohammadi", NULL, 0, NULL, true, &h) >= 1);
	struct person first;
	assert_int_equal(persons_get(db, &a, NULL, h[0].person_id, 0, &first), 1);
	assert_string_equal(first.family_name, "Mohammadi");
	buf_release(&one);
	buf_release(&bulk);
	buf_release(&small);
	arena_release(&a);
}

/* ---- sorted runs of key rows (keyruns.c) ---- */

static int key_cmp(const struct matchdb_key *a, const struct matchdb_key *b)
{
	int c = strcmp(a->key, b->key);
	if (c)
		return c;
	if (a->birth_year != b->birth_year)
		return a->birth_year < b->birth_year ? -1 : 1;
	if (a->sex != b->sex)
		return a->sex < b->sex ? -1 : 1;
	return a->person_id < b->person_id ? -1 : a->person_id > b->person_id;
}

static int key_qcmp(const void *a, const void *b)
{
	return key_cmp(a, b);
}

struct merged {
	struct buf out; /* every row merged, one line each */
	struct matchdb_key last;
	char last_key[128];
	int n, calls, out_of_order;
};

static int collect_rows(void *ctx, const struct matchdb_key *rows, int n)
{
	struct merged *m = ctx;
	m->calls++;
	assert_true(n >= 1 && n <= 256);
	for (int i = 0; i < n; i++) {
		if (m->n && key_cmp(&m->last, &rows[i]) > 0)
			m->out_of_order++;
		snprintf(m->last_key, sizeof(m->last_key), "%s", rows[i].key);
		m->last = rows[i];
		m->last.key = m->last_key;
		assert_int_equal(buf_addf(&m->out, "%s %d %c %lld\n", rows[i].key,
		                          rows[i].birth_year, rows[i].sex,
		                          (long long)rows[i].person_id),
		                 0);
		m->n++;
	}
	return 0;
}

/* 40 runs of up to 3 000 rows (keys of 1 to 90 bytes: records cross the
 * merge's 64 KiB reads), merged: every row once, in match_keys' order,
 * the same rows as one sort of them all; then the file starts over. */
static void test_key_runs_merge_in_index_order(void **state)
{
	(void)state;
	struct keyruns *r = keyruns_open();
	assert_non_null(r);
	enum { RUNS = 40, MAX = 3000 };
	struct matchdb_key *all = calloc(RUNS * MAX, sizeof(*all));
	char(*keys)[96] = calloc(RUNS * MAX, sizeof(*keys));
	int total = 0;
	unsigned seed = 7;
	for (int run = 0; run < RUNS; run++) {
		int n = 1 + (int)(rand_r(&seed) % MAX), first = total;
		for (int i = 0; i < n; i++, total++) {
			int len = 1 + (int)(rand_r(&seed) % 90);
			for (int k = 0; k < len; k++)
				keys[total][k] = (char)('a' + rand_r(&seed) % (k < 2 ? 3 : 26));
			keys[total][len] = '\0';
			all[total] =
			    (struct matchdb_key){.key = keys[total],
			                         .birth_year = 1950 + (int)(rand_r(&seed) % 3),
			                         .sex = "FMX"[rand_r(&seed) % 3],
			                         .person_id = total + 1};
		}
		qsort(all + first, (size_t)n, sizeof(*all), key_qcmp);
		assert_int_equal(keyruns_write(r, all + first, n), 0);
		keyruns_end_run(r);
	}
	assert_int_equal(keyruns_count(r), RUNS);
	struct merged m = {0};
	buf_init(&m.out, 0);
	assert_int_equal(keyruns_merge(r, collect_rows, &m), 0);
	assert_int_equal(m.n, total);
	assert_int_equal(m.out_of_order, 0);
	qsort(all, (size_t)total, sizeof(*all), key_qcmp);
	struct buf want;
	buf_init(&want, 0);
	for (int i = 0; i < total; i++)
		assert_int_equal(buf_addf(&want, "%s %d %c %lld\n", all[i].key, all[i].birth_year,
		                          all[i].sex, (long long)all[i].person_id),
		                 0);
	assert_string_equal(buf_str(&m.out), buf_str(&want));

	/* emptied: a next run is merged alone */
	assert_int_equal(keyruns_count(r), 0);
	assert_int_equal(keyruns_write(r, all, 1), 0);
	keyruns_end_run(r);
	struct merged again = {0};
	buf_init(&again.out, 0);
	assert_int_equal(keyruns_merge(r, collect_rows, &again), 0);
	assert_int_equal(again.n, 1);
	buf_release(&again.out);
	buf_release(&want);
	buf_release(&m.out);
	keyruns_close(r);
	free(keys);
	free(all);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(test_key_runs_merge_in_index_order),
	    cmocka_unit_test(test_latin_variants_meet),
	    cmocka_unit_test(test_compounds_and_particles),
	    cmocka_unit_test(test_arabic_script_variants),
	    cmocka_unit_test(test_latin_diacritics_and_punctuation),
	    cmocka_unit_test(test_persian_meets_latin),
	    cmocka_unit_test(test_look_alikes_do_not_meet),
	    cmocka_unit_test(test_pair_scores),
	    cmocka_unit_test(test_query_scores),
	};
	const struct CMUnitTest with_db[] = {
	    cmocka_unit_test(test_index_search),
	    cmocka_unit_test(test_migration_indexes_existing_persons),
	    cmocka_unit_test(test_namesakes_by_birth_year),
	    cmocka_unit_test(test_bulk_writes_what_registration_writes),
	};
	int failed = cmocka_run_group_tests_name("match", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("match index", with_db, db_setup, db_teardown);
	return failed;
}
