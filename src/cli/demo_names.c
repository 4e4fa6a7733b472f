#include "cli/demo_names.h"

#define T DEMO_TAJIK
#define H DEMO_HAZARA
#define P DEMO_PASHTUN
#define U DEMO_UZBEK
#define A DEMO_ANY

/* Given names of men. Compound names keep the space of their usual
 * spelling ("Gul Ahmad" / "گل احمد"); "-ullah" names are written with a
 * space in Persian as on many Tazkiras, so no ZWNJ is needed. */
const struct demo_name demo_male_names[] = {
    {"Mohammad", "محمد", A},
    {"Ahmad", "احمد", A},
    {"Mahmood", "محمود", T | P | U},
    {"Hamid", "حمید", A},
    {"Farid", "فرید", T | H | U},
    {"Abdul Rahim", "عبدالرحیم", T | P | U},
    {"Gul Ahmad", "گل احمد", P | T},
    {"Ali", "علی", H | T},
    {"Hassan", "حسن", H | T},
    {"Hussain", "حسین", H},
    {"Reza", "رضا", H},
    {"Mehdi", "مهدی", H},
    {"Jawad", "جواد", H},
    {"Nasir", "ناصر", A},
    {"Rahim", "رحیم", A},
    {"Karim", "کریم", A},
    {"Abdullah", "عبدالله", T | P | U},
    {"Abdul Ghafoor", "عبدالغفور", P | T},
    {"Abdul Qadir", "عبدالقادر", P | T | U},
    {"Abdul Wahid", "عبدالواحد", P | T},
    {"Jalal", "جلال", T | U},
    {"Najib", "نجیب", T | P},
    {"Nabi", "نبی", A},
    {"Habib", "حبیب", A},
    {"Wahid", "وحید", T | H},
    {"Khalid", "خالد", P | T},
    {"Bashir", "بشیر", A},
    {"Naeem", "نعیم", T | P},
    {"Qasim", "قاسم", H | T},
    {"Rashid", "رشید", T | U},
    {"Sharif", "شریف", T | U},
    {"Tariq", "طارق", P | T},
    {"Yusuf", "یوسف", A},
    {"Idris", "ادریس", P | T},
    {"Ismail", "اسماعیل", T | H},
    {"Ibrahim", "ابراهیم", A},
    {"Musa", "موسی", H | T},
    {"Isa", "عیسی", H | T},
    {"Younus", "یونس", P | T},
    {"Omid", "امید", T | H},
    {"Sohrab", "سهراب", T | H},
    {"Rustam", "رستم", T | U},
    {"Shafiq", "شفیق", T | P},
    {"Zahir", "ظاهر", P | T},
    {"Aziz", "عزیز", A},
    {"Hekmatullah", "حکمت الله", P | T},
    {"Amanullah", "امان الله", P | T},
    {"Rahmatullah", "رحمت الله", P | T | U},
    {"Naqibullah", "نقیب الله", P},
    {"Asadullah", "اسد الله", P | T},
    {"Jamshid", "جمشید", T | U},
    {"Faridoon", "فریدون", T},
    {"Bilal", "بلال", P | T},
    {"Mirwais", "میرویس", P},
    {"Ajmal", "اجمل", P | T},
    {"Nawid", "نوید", T | H},
    {"Masood", "مسعود", T},
    {"Sultan", "سلطان", H | U},
    {"Sakhi", "سخی", H | T},
    {"Ghulam Sakhi", "غلام سخی", H},
    {"Ghulam Haidar", "غلام حیدر", H | T},
    {"Mohammad Nabi", "محمد نبی", T | P},
    {"Abdul Hadi", "عبدالهادی", P | T},
    {"Shir Agha", "شیر آغا", P},
    {"Zia", "ضیا", T | H},
    {"Fawad", "فواد", T | P},
    {"Murtaza", "مرتضی", H},
    {"Mustafa", "مصطفی", A},
    {"Yaqub", "یعقوب", H | T},
    {"Anwar", "انور", T | U},
    {"Sadiq", "صادق", H | T},
    {"Kamal", "کمال", U | T},
    {"Nematullah", "نعمت الله", U | T},
    {"Daud", "داوود", P | T},
    {"Zalmai", "زلمی", P},
    {"Wali", "ولی", U | T},
};
const size_t demo_n_male_names = sizeof(demo_male_names) / sizeof(demo_male_names[0]);

const struct demo_name demo_female_names[] = {
    {"Zahra", "زهرا", H | T},        {"Fatima", "فاطمه", A},        {"Masouma", "معصومه", H},
    {"Nargis", "نرگس", T | H | U},   {"Maryam", "مریم", A},         {"Zainab", "زینب", H | T},
    {"Sakina", "سکینه", H},          {"Marzia", "مرضیه", H},        {"Roya", "رویا", T | H},
    {"Parwana", "پروانه", T | P},    {"Shabnam", "شبنم", T | P},    {"Farzana", "فرزانه", T | H},
    {"Malalai", "ملالی", P},         {"Gulalai", "گلالی", P},       {"Gul Bibi", "گل بی بی", P | T},
    {"Bibi Gul", "بی بی گل", P | U}, {"Nasima", "نسیمه", T | U},    {"Halima", "حلیمه", A},
    {"Khadija", "خدیجه", A},         {"Aisha", "عایشه", P | T | U}, {"Laila", "لیلا", T | H},
    {"Soraya", "ثریا", T | P},       {"Freshta", "فرشته", T | H},   {"Mursal", "مرسل", P | T},
    {"Mahbooba", "محبوبه", T | H},   {"Shukria", "شکریه", T | P},   {"Sharifa", "شریفه", T | U},
    {"Hamida", "حمیده", T | H},      {"Rahima", "رحیمه", A},        {"Karima", "کریمه", T | U},
    {"Latifa", "لطیفه", T | P},      {"Nadia", "نادیه", T | H},     {"Sima", "سیما", T | H},
    {"Sahar", "سحر", T | H},         {"Tahmina", "تهمینه", T},      {"Hadia", "هادیه", T | H},
    {"Zarghona", "زرغونه", P},       {"Palwasha", "پلوشه", P},      {"Wajiha", "وجیهه", T | P},
    {"Nilofar", "نیلوفر", T | H},    {"Mina", "مینا", T | H},       {"Arezo", "آرزو", T | H},
    {"Setara", "ستاره", A},          {"Mahtab", "مهتاب", T | H},    {"Homa", "هما", T},
    {"Zakia", "ذکیه", H | T},        {"Raihana", "ریحانه", H},      {"Muzhgan", "مژگان", T | P},
    {"Nazanin", "نازنین", T | H},    {"Yalda", "یلدا", T},          {"Fariba", "فریبا", T | H},
    {"Habiba", "حبیبه", A},          {"Jamila", "جمیله", A},        {"Storai", "ستوری", P},
    {"Basira", "بصیره", T | H},      {"Asma", "اسما", A},           {"Hakima", "حکیمه", T | H},
    {"Shakila", "شکیلا", T | U},     {"Nasrin", "نسرین", T | H},    {"Sadia", "سعدیه", T | P},
    {"Gulsum", "گلثوم", U | T},      {"Robina", "روبینا", P | T},   {"Tamana", "تمنا", T | P},
    {"Samira", "سمیرا", T | H},      {"Kobra", "کبری", H},          {"Sughra", "صغری", H},
    {"Fahima", "فهیمه", T | H},      {"Marwa", "مروه", T | P},      {"Gulnaz", "گلناز", U | T},
    {"Oydin", "آیدین", U},
};
const size_t demo_n_female_names = sizeof(demo_female_names) / sizeof(demo_female_names[0]);

/* Family names: many Afghans in Iran took one when registering, often from
 * a tribe (Barakzai), a place (Herawi, Panjshiri) or a forebear's name
 * (Ahmadi, Rezaei). */
const struct demo_name demo_family_names[] = {
    {"Ahmadi", "احمدی", T | H},      {"Hashimi", "هاشمی", T},       {"Rahimi", "رحیمی", T | H},
    {"Sadat", "سادات", T | H},       {"Rahmani", "رحمانی", T | P},  {"Sharifi", "شریفی", T | H},
    {"Noori", "نوری", T | P},        {"Azizi", "عزیزی", T},         {"Habibi", "حبیبی", T},
    {"Samadi", "صمدی", T},           {"Herawi", "هروی", T},         {"Kabuli", "کابلی", T},
    {"Panjshiri", "پنجشیری", T},     {"Badakhshi", "بدخشی", T},     {"Naseri", "ناصری", T | H},
    {"Akbari", "اکبری", H | T},      {"Alizada", "علیزاده", H | T}, {"Jafari", "جعفری", H},
    {"Mohammadi", "محمدی", H | T},   {"Rezaei", "رضایی", H},        {"Karimi", "کریمی", H | T},
    {"Hosseini", "حسینی", H},        {"Amiri", "امیری", H | T},     {"Nazari", "نظری", H},
    {"Qaderi", "قادری", H | T},      {"Haidari", "حیدری", H | T},   {"Sultani", "سلطانی", H},
    {"Rasuli", "رسولی", H},          {"Changezi", "چنگیزی", H},     {"Yaqubi", "یعقوبی", H},
    {"Ebrahimi", "ابراهیمی", H | T}, {"Musawi", "موسوی", H},        {"Danish", "دانش", H},
    {"Yousufzai", "یوسفزی", P},      {"Popal", "پوپل", P},          {"Barakzai", "بارکزی", P},
    {"Durrani", "درانی", P},         {"Stanekzai", "ستانکزی", P},   {"Ahmadzai", "احمدزی", P},
    {"Mohmand", "مهمند", P},         {"Achakzai", "اچکزی", P},      {"Noorzai", "نورزی", P},
    {"Alokozai", "علیکوزی", P},      {"Sherzad", "شیرزاد", P},      {"Mangal", "منگل", P},
    {"Zadran", "زدران", P},          {"Hotak", "هوتک", P},          {"Niazi", "نیازی", P},
    {"Wardak", "وردک", P},           {"Safi", "صافی", P},           {"Shinwari", "شینواری", P},
    {"Faryabi", "فاریابی", U},       {"Jowzjani", "جوزجانی", U},    {"Turkmen", "ترکمن", U},
    {"Rashidi", "رشیدی", U | T},     {"Qarluq", "قارلق", U},
};
const size_t demo_n_family_names = sizeof(demo_family_names) / sizeof(demo_family_names[0]);

static const struct demo_weighted origins_tajik[] = {
    {"AF-HER", 30}, {"AF-KAB", 20}, {"AF-PAR", 8}, {"AF-BDS", 6}, {"AF-TAK", 5}, {"AF-BAL", 8},
    {"AF-PAN", 4},  {"AF-KAP", 4},  {"AF-BGL", 5}, {"AF-FRA", 5}, {"AF-GHO", 5},
};
static const struct demo_weighted origins_hazara[] = {
    {"AF-BAM", 15}, {"AF-DAY", 15}, {"AF-GHA", 20}, {"AF-URU", 8}, {"AF-KAB", 12},
    {"AF-BAL", 8},  {"AF-WAR", 6},  {"AF-HER", 8},  {"AF-GHO", 4}, {"AF-SAR", 4},
};
static const struct demo_weighted origins_pashtun[] = {
    {"AF-KAN", 15}, {"AF-HEL", 15}, {"AF-NAN", 10}, {"AF-FRA", 10}, {"AF-NIM", 10},
    {"AF-LOG", 6},  {"AF-WAR", 6},  {"AF-PIA", 5},  {"AF-KHO", 5},  {"AF-ZAB", 5},
    {"AF-KNR", 3},  {"AF-LAG", 3},  {"AF-BDG", 4},  {"AF-KDZ", 3},
};
static const struct demo_weighted origins_uzbek[] = {
    {"AF-FYB", 30}, {"AF-JOW", 25}, {"AF-BAL", 20}, {"AF-SAR", 10},
    {"AF-SAM", 8},  {"AF-KDZ", 4},  {"AF-TAK", 3},
};

const struct demo_weighted *demo_origins(enum demo_group g, size_t *n)
{
	switch (g) {
	case DEMO_HAZARA:
		*n = sizeof(origins_hazara) / sizeof(origins_hazara[0]);
		return origins_hazara;
	case DEMO_PASHTUN:
		*n = sizeof(origins_pashtun) / sizeof(origins_pashtun[0]);
		return origins_pashtun;
	case DEMO_UZBEK:
		*n = sizeof(origins_uzbek) / sizeof(origins_uzbek[0]);
		return origins_uzbek;
	default:
		*n = sizeof(origins_tajik) / sizeof(origins_tajik[0]);
		return origins_tajik;
	}
}
