/* The matcher's word lists: common names in Persian script with a Latin
 * spelling, titles, abbreviations and particles.
 *
 * These lists are the matcher's own. The benchmark's generator
 * (bench/) spells names from separate lists, so the benchmark does not
 * grade the matcher on the very spellings it was built from.
 *
 * Persian keys are written in the unified letters the normaliser produces
 * (ی for ي ى, ک for ك, ه for ة, ا for أ إ آ, و for ؤ, no diacritics, no
 * tatweel, no zero-width joiners). The Latin spelling may be any common
 * one: the Latin rules fold the variants. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "match/match_int.h"

struct dict_entry {
	const char *fa, *lat;
};

static struct dict_entry dict[] = {
    /* men's names */
    {"محمد", "mohammad"},
    {"احمد", "ahmad"},
    {"محمود", "mahmood"},
    {"حامد", "hamed"},
    {"حمید", "hamid"},
    {"علی", "ali"},
    {"حسن", "hassan"},
    {"حسین", "hossein"},
    {"محسن", "mohsen"},
    {"مصطفی", "mostafa"},
    {"مرتضی", "morteza"},
    {"مجتبی", "mojtaba"},
    {"رضا", "reza"},
    {"جواد", "javad"},
    {"جعفر", "jafar"},
    {"کاظم", "kazem"},
    {"قاسم", "qasem"},
    {"عباس", "abbas"},
    {"اکبر", "akbar"},
    {"اصغر", "asghar"},
    {"ابراهیم", "ebrahim"},
    {"اسماعیل", "esmail"},
    {"اسحاق", "eshaq"},
    {"یعقوب", "yaqub"},
    {"یوسف", "yousef"},
    {"یونس", "younes"},
    {"یحیی", "yahya"},
    {"موسی", "musa"},
    {"عیسی", "isa"},
    {"داوود", "davood"},
    {"داود", "davood"},
    {"سلیمان", "soleiman"},
    {"ایوب", "ayoub"},
    {"نوح", "nuh"},
    {"ادم", "adam"},
    {"هارون", "harun"},
    {"زکریا", "zakaria"},
    {"عمر", "omar"},
    {"عثمان", "osman"},
    {"خالد", "khaled"},
    {"ولید", "walid"},
    {"بلال", "bilal"},
    {"حمزه", "hamza"},
    {"مجید", "majid"},
    {"سعید", "saeed"},
    {"رحیم", "rahim"},
    {"کریم", "karim"},
    {"نبی", "nabi"},
    {"نصیر", "nasir"},
    {"نذیر", "nazir"},
    {"بشیر", "bashir"},
    {"منیر", "munir"},
    {"امیر", "amir"},
    {"امین", "amin"},
    {"عزیز", "aziz"},
    {"حبیب", "habib"},
    {"نجیب", "najib"},
    {"شریف", "sharif"},
    {"لطیف", "latif"},
    {"رشید", "rashid"},
    {"فرید", "farid"},
    {"جمیل", "jamil"},
    {"خلیل", "khalil"},
    {"جلیل", "jalil"},
    {"وحید", "vahid"},
    {"سجاد", "sajjad"},
    {"صادق", "sadeq"},
    {"باقر", "baqer"},
    {"تقی", "taqi"},
    {"نقی", "naqi"},
    {"هادی", "hadi"},
    {"مهدی", "mahdi"},
    {"قادر", "qader"},
    {"نادر", "nader"},
    {"ناصر", "naser"},
    {"منصور", "mansour"},
    {"مسعود", "masoud"},
    {"احسان", "ehsan"},
    {"عرفان", "erfan"},
    {"فرهاد", "farhad"},
    {"فرشید", "farshid"},
    {"جمشید", "jamshid"},
    {"خورشید", "khorshid"},
    {"بهرام", "bahram"},
    {"بهروز", "behrouz"},
    {"فیروز", "firouz"},
    {"پرویز", "parviz"},
    {"شهرام", "shahram"},
    {"کامران", "kamran"},
    {"سهراب", "sohrab"},
    {"رستم", "rostam"},
    {"داریوش", "dariush"},
    {"کوروش", "kourosh"},
    {"نوید", "navid"},
    {"امید", "omid"},
    {"شاه", "shah"},
    {"میر", "mir"},
    {"گل", "gol"},
    {"خان", "khan"},
    {"جان", "jan"},
    {"نور", "nur"},
    {"غلام", "gholam"},
    {"سرور", "sarwar"},
    {"ظاهر", "zaher"},
    {"طاهر", "taher"},
    {"شفیق", "shafiq"},
    {"رفیق", "rafiq"},
    {"صدیق", "sediq"},
    {"توفیق", "tofiq"},
    {"شکور", "shakur"},
    {"غفور", "ghafur"},
    {"غفار", "ghaffar"},
    {"ستار", "sattar"},
    {"جبار", "jabbar"},
    {"نظام", "nezam"},
    {"اسد", "asad"},
    {"عبدالله", "abdullah"},
    {"نعمت", "nemat"},
    {"حشمت", "heshmat"},
    {"عصمت", "esmat"},
    {"عزت", "ezzat"},
    {"شوکت", "shokat"},
    {"برکت", "barakat"},
    {"رحمت", "rahmat"},
    {"ذبیح", "zabih"},
    {"فضل", "fazl"},
    {"فاضل", "fazel"},
    {"عادل", "adel"},
    {"عالم", "alem"},
    {"کمال", "kamal"},
    {"جمال", "jamal"},
    {"جلال", "jalal"},
    {"ضیا", "zia"},
    {"ضیاء", "zia"},
    {"شمس", "shams"},
    {"قمر", "qamar"},
    {"فتح", "fath"},
    {"نصر", "nasr"},
    {"ظفر", "zafar"},
    {"اسلم", "aslam"},
    {"اکرم", "akram"},
    {"اعظم", "azam"},
    {"افضل", "afzal"},
    {"انور", "anwar"},
    {"اشرف", "ashraf"},
    {"ابوبکر", "abubakr"},
    {"سیف", "saif"},
    {"یاسین", "yasin"},
    {"طه", "taha"},
    {"ادریس", "idris"},
    {"الیاس", "elias"},
    {"شعیب", "shoaib"},
    {"سلمان", "salman"},
    {"عمران", "emran"},
    {"عارف", "aref"},
    {"واحد", "vahed"},
    {"احد", "ahad"},
    {"صمد", "samad"},
    {"رزاق", "razzaq"},
    {"وهاب", "wahab"},
    {"کبیر", "kabir"},
    {"بصیر", "basir"},
    {"قدیر", "qadir"},
    {"حکیم", "hakim"},
    {"نعیم", "naim"},
    {"وکیل", "vakil"},
    {"ذاکر", "zaker"},
    {"شاکر", "shaker"},
    {"صابر", "saber"},
    {"یاسر", "yaser"},
    {"طارق", "tareq"},
    {"فهیم", "fahim"},
    {"سلیم", "salim"},
    {"حلیم", "halim"},
    {"ندیم", "nadim"},
    {"مراد", "morad"},
    {"میلاد", "milad"},
    {"ارش", "arash"},
    {"سینا", "sina"},
    {"بابک", "babak"},
    {"بیژن", "bijan"},
    {"هوشنگ", "houshang"},
    {"حیدر", "heidar"},
    {"قربان", "qorban"},
    {"نظر", "nazar"},
    {"صالح", "saleh"},
    {"رسول", "rasul"},
    {"سلطان", "soltan"},
    {"نیاز", "niaz"},
    {"رحمان", "rahman"},
    {"رحمن", "rahman"},
    {"هاشم", "hashem"},
    {"قیوم", "qayyum"},
    {"روح", "ruh"},
    {"دین", "din"},
    {"شیر", "shir"},
    {"خداداد", "khodadad"},
    {"خدا", "khoda"},
    {"داد", "dad"},
    {"بخش", "bakhsh"},
    {"مومن", "momen"},
    {"منیب", "munib"},
    {"زبیر", "zubair"},
    {"انس", "anas"},
    {"اویس", "owais"},
    {"صبور", "sabur"},
    {"جهانگیر", "jahangir"},
    {"اسکندر", "eskandar"},
    {"شهاب", "shahab"},
    {"ابوالفضل", "abolfazl"},
    {"ابوالقاسم", "abolqasem"},
    {"ابوطالب", "abutaleb"},
    {"عبدالعلی", "abdolali"},
    {"عزیزالله", "azizullah"},
    {"نصرالله", "nasrullah"},
    {"امان", "aman"},
    {"ایمان", "iman"},
    {"پیمان", "peyman"},
    {"فرزاد", "farzad"},
    {"فرامرز", "faramarz"},
    /* women's names */
    {"فاطمه", "fatemeh"},
    {"زهرا", "zahra"},
    {"مریم", "maryam"},
    {"معصومه", "masoumeh"},
    {"زینب", "zeynab"},
    {"خدیجه", "khadijeh"},
    {"عایشه", "aisha"},
    {"امنه", "ameneh"},
    {"سکینه", "sakineh"},
    {"رقیه", "roqayeh"},
    {"لیلا", "leila"},
    {"لیلی", "leili"},
    {"شیرین", "shirin"},
    {"پروین", "parvin"},
    {"نسرین", "nasrin"},
    {"نرگس", "narges"},
    {"کلثوم", "kolsum"},
    {"صغری", "soghra"},
    {"کبری", "kobra"},
    {"طاهره", "tahereh"},
    {"ملیحه", "malihe"},
    {"منیژه", "manijeh"},
    {"فریبا", "fariba"},
    {"فرزانه", "farzaneh"},
    {"فرشته", "fereshteh"},
    {"سمیه", "somayeh"},
    {"صدیقه", "sedigheh"},
    {"عاطفه", "atefeh"},
    {"راضیه", "raziyeh"},
    {"مرضیه", "marziyeh"},
    {"نرجس", "narjes"},
    {"حلیمه", "halimeh"},
    {"جمیله", "jamileh"},
    {"شبنم", "shabnam"},
    {"ستاره", "setareh"},
    {"نازنین", "nazanin"},
    {"نازیلا", "nazila"},
    {"ناهید", "nahid"},
    {"مهناز", "mahnaz"},
    {"شهناز", "shahnaz"},
    {"گلناز", "golnaz"},
    {"مینا", "mina"},
    {"هما", "homa"},
    {"رویا", "roya"},
    {"زرغونه", "zarghuna"},
    {"ملالی", "malalai"},
    {"بی", "bi"},
    {"بیبی", "bibi"},
    {"گلالی", "golalai"},
    {"پری", "pari"},
    {"پریسا", "parisa"},
    {"سارا", "sara"},
    {"هاجر", "hajar"},
    {"حوا", "hava"},
    {"شکیلا", "shakila"},
    {"عزیزه", "azizeh"},
    {"رحیمه", "rahimeh"},
    {"کریمه", "karimeh"},
    {"حمیده", "hamideh"},
    {"فریده", "farideh"},
    {"سعیده", "saeedeh"},
    {"نسیمه", "nasimeh"},
    {"وحیده", "vahideh"},
    {"مهری", "mehri"},
    {"طیبه", "tayebeh"},
    {"نجیبه", "najibeh"},
    {"حبیبه", "habibeh"},
    {"شریفه", "sharifeh"},
    {"لطیفه", "latifeh"},
    {"نفیسه", "nafiseh"},
    {"اسیه", "asiyeh"},
    {"هدیه", "hediyeh"},
    {"مژگان", "mozhgan"},
    {"مهسا", "mahsa"},
    {"الهام", "elham"},
    {"الهه", "elaheh"},
    {"گلبدین", "golbuddin"},
    {"گلثوم", "kolsum"},
    {"مرجان", "marjan"},
    {"سهیلا", "soheila"},
    {"فرخنده", "farkhondeh"},
    {"ماه", "mah"},
    {"گوهر", "gohar"},
    {"پروانه", "parvaneh"},
    {"زلیخا", "zuleikha"},
    {"ثریا", "soraya"},
    {"شکریه", "shokriyeh"},
    {"نادیه", "nadia"},
    {"رابعه", "rabia"},
    {"صفیه", "safiyeh"},
    {"زکیه", "zakiyeh"},
    {"سلیمه", "salimeh"},
    {"مستوره", "mastoureh"},
    {"منیره", "munira"},
    {"نصیبه", "nasibeh"},
    {"بلقیس", "belqis"},
    {"زرمینه", "zarmina"},
    {"فرحناز", "farahnaz"},
    /* family names and their parts */
    {"موسوی", "mousavi"},
    {"نوری", "nouri"},
    {"وردک", "wardak"},
    {"پوپل", "popal"},
    {"بارکزی", "barakzai"},
    {"درانی", "durrani"},
    {"کاکر", "kakar"},
    {"صافی", "safi"},
    {"مومند", "momand"},
    {"شینواری", "shinwari"},
    {"تاجیک", "tajik"},
    {"هزاره", "hazara"},
    {"ازبک", "uzbek"},
    {"سادات", "sadat"},
    {"خلیلی", "khalili"},
    {"رضوی", "razavi"},
    {"علوی", "alavi"},
    {"جعفری", "jafari"},
    {"قاسمی", "qasemi"},
    {"رضایی", "rezaei"},
    {"مولایی", "molaei"},
    {"بابایی", "babaei"},
    {"دانش", "danesh"},
    {"فرهمند", "farahmand"},
    {"ستانکزی", "stanekzai"},
    {"غوری", "ghori"},
    {"لودین", "ludin"},
    {"سلطانی", "soltani"},
    {"غزنوی", "ghaznavi"},
    {"بلخی", "balkhi"},
    {"هروی", "heravi"},
    {"کابلی", "kaboli"},
    {"بدخشی", "badakhshi"},
    {"پنجشیری", "panjshiri"},
};

static pthread_once_t dict_once = PTHREAD_ONCE_INIT;

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct dict_entry *)a)->fa, ((const struct dict_entry *)b)->fa);
}

static void dict_sort(void)
{
	qsort(dict, sizeof(dict) / sizeof(dict[0]), sizeof(dict[0]), cmp_entry);
}

const char *match__dict_lookup(const char *utf8)
{
	pthread_once(&dict_once, dict_sort);
	struct dict_entry key = {utf8, NULL};
	const struct dict_entry *e =
	    bsearch(&key, dict, sizeof(dict) / sizeof(dict[0]), sizeof(dict[0]), cmp_entry);
	return e ? e->lat : NULL;
}

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

bool match__is_title(const char *s)
{
	static const char *const titles[] = {
	    "haji",   "hajji", "hadji",   "alhaj",   "alhajj", "mr",      "mrs",      "ms",
	    "miss",   "dr",    "sayed",   "sayyed",  "seyed",  "seyyed",  "syed",     "sayyid",
	    "seyyid", "sayid", "mawlawi", "mawlavi", "molavi", "moulavi", "maulvi",   "maulawi",
	    "mullah", "mulla", "mollah",  "sheikh",  "shaikh", "eng",     "engineer", "حاجی",
	    "حاج",    "سید",   "سیده",    "ملا",     "مولوی",  "شیخ",     "مهندس",    "داکتر",
	    "دکتر",   "خانم",  "اقای",    NULL};
	return in_list(titles, s);
}

const char *match__abbreviation(const char *s)
{
	static const char *const mohammad[] = {"mohd",  "mhd",   "muhd", "mohd",   "md",
	                                       "mohmd", "muhmd", "mhmd", "mohamd", NULL};
	if (in_list(mohammad, s))
		return "mohammad";
	if (!strcmp(s, "gh") || !strcmp(s, "ghm"))
		return "gholam";
	if (!strcmp(s, "abd"))
		return NULL;
	return NULL;
}

bool match__is_prefix_particle(const char *s)
{
	static const char *const prefixes[] = {
	    "abd",   "abdl",  "abdu",  "abdul",  "abdol",  "abdel", "abdal",
	    "abdur", "abdor", "abdar", "abdus",  "abdos",  "abdas", "abduz",
	    "abdoz", "abdun", "abdon", "abdush", "abdosh", "abdut", "abdud",
	    "abo",   "abu",   "abul",  "abol",   "عبد",    "ابو",   NULL};
	return in_list(prefixes, s);
}

bool match__is_article(const char *s)
{
	static const char *const articles[] = {"al", "ul",  "ol",  "el", "ar", "ur", "or",
	                                       "as", "us",  "ad",  "ud", "az", "uz", "un",
	                                       "ut", "ash", "ush", "ed", "ال", NULL};
	return in_list(articles, s);
}

bool match__is_suffix_particle(const char *s)
{
	static const char *const suffixes[] = {
	    "ullah", "ollah", "allah", "ulla",  "olla",  "alla", "ulah", "olah",
	    "ulloh", "uddin", "oddin", "eddin", "addin", "udin", "odin", "uddeen",
	    "aldin", "uldin", "الله",  "اله",   "الدین", NULL};
	return in_list(suffixes, s);
}

void match__cat(char *dst, size_t cap, const char *a, const char *sep, const char *b)
{
	const char *parts[3] = {a, sep, b};
	size_t o = 0;
	for (int i = 0; i < 3; i++)
		for (const char *p = parts[i]; p && *p && o + 1 < cap; p++)
			dst[o++] = *p;
	if (cap)
		dst[o] = '\0';
}
