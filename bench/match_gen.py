#!/usr/bin/env python3
"""Synthetic Afghan persons with a ground truth, and queries that spell
them differently — the test set of the name-matching benchmark
(bench/match_bench.sh; see bench/README.md).

    python3 bench/match_gen.py --n 2000 --seed 1 --out DIR

writes into DIR:
  persons.csv   the registry, in the columns `safar import persons` reads
                (row k of the file becomes person id k in a fresh database)
  truth.csv     row,identity,given,family,father,birth_year: the same
                identity on two rows is one person registered twice (planted
                duplicates); the names as the person spells them (to count
                homonyms: people a name alone cannot tell apart)
  delta.csv     a later list to import against the registry: people already
                registered spelled differently, new people, and some new
                people twice in the list
  delta_truth.csv  row,identity,in_registry
  queries.csv   qid,kind,identity,q,father_name,birth_year,sex
                (identity 0: a person who is not in the registry)

The spelling rules here are this file's own lists, written apart from the
matcher's tables (src/match/), so the benchmark does not grade the matcher
on the very variants it was built from: a train/test split. Standard
library only; the same seed gives the same files.
"""

import argparse
import csv
import os
import random
import sys

# ---- name pools: (Latin spelling most registrars use, Persian script) ----

MALE = """Mohammad محمد|Ahmad احمد|Mahmood محمود|Ali علی|Hassan حسن|Hossein حسین|Reza رضا
Mehdi مهدی|Jawad جواد|Karim کریم|Rahim رحیم|Nabi نبی|Wali ولی|Zaher ظاهر|Naser ناصر
Qasem قاسم|Jafar جعفر|Sadiq صادق|Baqer باقر|Taqi تقی|Hamid حمید|Majid مجید|Saeed سعید
Farid فرید|Nazir نذیر|Bashir بشیر|Shafiq شفیق|Rafiq رفیق|Tariq طارق|Khalid خالد
Waheed وحید|Rashid رشید|Hakim حکیم|Aziz عزیز|Latif لطیف|Sharif شریف|Yousuf یوسف
Ibrahim ابراهیم|Ismail اسماعیل|Ishaq اسحاق|Yaqub یعقوب|Musa موسی|Isa عیسی|Daud داوود
Suleiman سلیمان|Zabihullah ذبیح‌الله|Naqibullah نقیب‌الله|Hayatullah حیات‌الله
Rahmatullah رحمت‌الله|Amanullah امان‌الله|Habibullah حبیب‌الله|Asadullah اسدالله
Ezatullah عزت‌الله|Najibullah نجیب‌الله|Saifullah سیف‌الله|Abdul Rahman عبدالرحمن
Abdul Rahim عبدالرحیم|Abdul Karim عبدالکریم|Abdul Qadir عبدالقادر|Abdul Ghafoor عبدالغفور
Abdul Wahid عبدالواحد|Abdul Basir عبدالبصیر|Abdul Hadi عبدالهادی|Abdul Latif عبداللطیف
Abdul Jabbar عبدالجبار|Abdullah عبدالله|Ghulam Ali غلامعلی|Ghulam Hossein غلامحسین
Ghulam Sakhi غلام سخی|Gul Ahmad گل احمد|Gul Mohammad گل محمد|Sher Ali شیرعلی
Mir Ahmad میراحمد|Noor Mohammad نورمحمد|Shah Mahmood شاه محمود|Nawid نوید|Omid امید
Jamshid جمشید|Farhad فرهاد|Behzad بهزاد|Sohrab سهراب|Rostam رستم|Bahram بهرام
Khan Mohammad خان محمد|Zalmai زلمی|Wais ویس|Aimal ایمل|Mirwais میرویس|Ajmal اجمل
Akmal اکمل|Jamal جمال|Kamal کمال|Sayed سید|Musafir مسافر|Qudratullah قدرت‌الله
Sultan سلطان|Samiullah سمیع‌الله|Fazel فاضل|Fazlullah فضل‌الله|Hamidullah حمیدالله
Ahmad Shah احمدشاه|Mohammad Nabi محمد نبی|Mohammad Hossein محمد حسین|Mohammad Ali محمدعلی
Mohammad Reza محمدرضا|Mohammad Qasem محمد قاسم|Mohammad Ibrahim محمد ابراهیم
Mohammad Yousuf محمد یوسف|Mostafa مصطفی|Morteza مرتضی|Mojtaba مجتبی|Hashem هاشم
Haidar حیدر|Asghar اصغر|Akbar اکبر|Anwar انور|Esmatullah عصمت‌الله|Nematullah نعمت‌الله
Samad صمد|Sabir صابر|Shakir شاکر|Zakir ذاکر|Nader نادر|Hamza حمزه|Yahya یحیی
Zakaria زکریا|Idris ادریس|Ilyas الیاس|Younus یونس|Haroon هارون|Sharifullah شریف‌الله
Jalal جلال|Bilal بلال|Faisal فیصل|Nasrullah نصرالله|Ehsan احسان|Ehsanullah احسان‌الله
Hekmatullah حکمت‌الله|Rohullah روح‌الله|Agha Mohammad آقا محمد|Taj Mohammad تاج محمد
Dost Mohammad دوست محمد|Din Mohammad دین محمد|Niaz Mohammad نیاز محمد|Jan Mohammad جان محمد
Ghulam Nabi غلام نبی|Ghulam Rasul غلام رسول|Ghulam Haidar غلام حیدر|Ghulam Farooq غلام فاروق
Farooq فاروق|Usman عثمان|Omar عمر|Khalil خلیل|Jalil جلیل|Wakil وکیل|Jamil جمیل
Siddiq صدیق|Abid عابد|Zahid زاهد|Sajid ساجد|Hamed حامد|Mansoor منصور|Masood مسعود
Nasim نسیم|Qayum قیوم|Qadeer قدیر|Rauf رئوف|Shukur شکور|Sattar ستار|Wahab وهاب
Razaq رزاق|Khaliq خالق|Ghani غنی|Halim حلیم|Karimullah کریم‌الله|Sayed Ahmad سید احمد
Sayed Ali سید علی|Sayed Mohammad سید محمد|Mohammad Kazem محمد کاظم|Kazem کاظم
Mohsen محسن|Hadi هادی|Naeem نعیم|Salim سلیم|Kabir کبیر|Zia ضیا|Ziaulhaq ضیاءالحق
Enayatullah عنایت‌الله|Obaidullah عبیدالله|Atiqullah عتیق‌الله|Lutfullah لطف‌الله"""

FEMALE = """Fatima فاطمه|Zahra زهرا|Maryam مریم|Masooma معصومه|Sakina سکینه|Zainab زینب
Khadija خدیجه|Aisha عایشه|Roqia رقیه|Sediqa صدیقه|Shakila شکیلا|Nargis نرگس|Shabnam شبنم
Parwana پروانه|Farzana فرزانه|Mursal مرسل|Freshta فرشته|Laila لیلا|Gulalai گلالی
Gul Bibi گل بی‌بی|Bibi Gul بی‌بی گل|Nazia نازیه|Nasima نسیمه|Halima حلیمه|Rahima رحیمه
Karima کریمه|Hamida حمیده|Latifa لطیفه|Sharifa شریفه|Habiba حبیبه|Najiba نجیبه
Zakia ذکیه|Raziya رضیه|Soraya ثریا|Homa هما|Mahbooba محبوبه|Marzia مرضیه|Tahmina تهمینه
Frozan فروزان|Nilofar نیلوفر|Mina مینا|Sima سیما|Gulnar گلنار|Shirin شیرین|Parisa پریسا
Fariba فریبا|Farida فریده|Nadia نادیه|Samira سمیرا|Zarmina زرمینه|Zarghona زرغونه
Malalai ملالی|Storai ستوری|Spozhmai سپوږمۍ|Wazhma وژمه|Hadia هادیه|Benazir بی‌نظیر
Arezo آرزو|Fawzia فوزیه|Rahila راحله|Jamila جمیله|Adila عادله|Sabira صابره|Tamana تمنا
Mahnaz مهناز|Shukria شکریه|Anisa انیسه|Bibi Hawa بی‌بی حوا|Hawa حوا|Robina روبینه
Sultana سلطانه|Kobra کبری|Soghra صغری|Safia صفیه|Nooria نوریه|Hakima حکیمه|Nafisa نفیسه
Hafiza حفیظه|Rabia رابعه|Salma سلما|Asma اسما|Amina آمنه|Basira بصیره|Shahla شهلا
Lida لیدا|Yalda یلدا|Setara ستاره|Khatera خاطره|Mehria مهریه|Nazanin نازنین|Roya رویا
Mozhgan مژگان|Fereshta فرشته|Golsom گلثوم|Zulaikha زلیخا|Marwa مروه|Hosna حسنا"""

FAMILY = """Ahmadi احمدی|Mohammadi محمدی|Hosseini حسینی|Rahimi رحیمی|Karimi کریمی|Rezaei رضایی
Jafari جعفری|Hakimi حکیمی|Noori نوری|Sadat سادات|Hashimi هاشمی|Haidari حیدری|Azizi عزیزی
Amiri امیری|Sultani سلطانی|Rasuli رسولی|Rahmani رحمانی|Habibi حبیبی|Nazari نظری
Qasemi قاسمی|Yousufi یوسفی|Ibrahimi ابراهیمی|Sharifi شریفی|Latifi لطیفی|Safi صافی
Popal پوپل|Durrani درانی|Barakzai بارکزی|Popalzai پوپلزی|Alokozai الکوزی|Achakzai اچکزی
Noorzai نورزی|Ishaqzai اسحاق‌زی|Mohammadzai محمدزی|Yousufzai یوسفزی|Stanikzai ستانکزی
Ahmadzai احمدزی|Sahak ساهک|Wardak وردک|Kakar کاکر|Tokhi توخی|Hotak هوتک|Andar اندر
Shinwari شینواری|Mohmand مومند|Afridi آفریدی|Khogyani خوگیانی|Zadran زدران|Mangal منگل
Baloch بلوچ|Uzbek ازبک|Turkmen ترکمن|Tajik تاجیک|Sadiqi صدیقی|Faizi فیضی|Rahmati رحمتی
Qaderi قادری|Akbari اکبری|Asghari اصغری|Sharifzada شریف‌زاده|Hassanzada حسن‌زاده
Hosseinzada حسین‌زاده|Alizada علیزاده|Rahimzada رحیم‌زاده|Karimzada کریم‌زاده|Naderi نادری
Jalali جلالی|Kamali کمالی|Jamali جمالی|Mohseni محسنی|Rostami رستمی|Bahrami بهرامی
Mirzaei میرزایی|Ghaznawi غزنوی|Herawi هروی|Balkhi بلخی|Kabuli کابلی|Panjshiri پنجشیری
Badakhshi بدخشی|Logari لوگری|Kandahari کندهاری|Helmandi هلمندی|Farahi فراهی
Nimrozi نیمروزی|Ghori غوری|Bamyani بامیانی|Samadi صمدی|Wahidi وحیدی|Hamidi حمیدی
Majidi مجیدی|Saeedi سعیدی|Faridi فریدی|Bashiri بشیری|Rafiqi رفیقی|Khalili خلیلی
Jalili جلیلی|Wakili وکیلی|Zahedi زاهدی|Hamedi حامدی|Mansoori منصوری|Masoodi مسعودی
Qayumi قیومی|Ghafoori غفوری|Sattari ستاری|Khaliqi خالقی|Halimi حلیمی|Sarwari سروری
Mojadidi مجددی|Gailani گیلانی|Naseri ناصری|Zaheri ظاهری|Kazemi کاظمی|Musawi موسوی
Rezvani رضوانی|Askari عسکری|Naqawi نقوی|Baqeri باقری|Saberi صابری|Shakeri شاکری
Zakeri ذاکری|Mohebbi محبی|Ansari انصاری|Osmani عثمانی|Omari عمری|Farooqi فاروقی
Akhundzada آخوندزاده|Niazi نیازی|Ludin لودین|Sherzad شیرزاد|Sherzai شیرزی|Totakhil توتاخیل
Arghandiwal ارغندیوال|Paktiawal پکتیاوال|Safari صفری|Yaqubi یعقوبی|Daudzai داودزی
Ghafari غفاری|Taheri طاهری|Nasiri نصیری|Sahel ساحل|Mujahid مجاهد|Nawabi نوابی"""


def parse_pool(text):
    out = []
    for item in text.replace("\n", "|").split("|"):
        item = item.strip()
        if not item:
            continue
        words = item.split(" ")
        # Latin words first, then the Persian ones
        k = next(i for i, w in enumerate(words) if not w.isascii())
        out.append((" ".join(words[:k]), " ".join(words[k:])))
    return out


MALE_NAMES = parse_pool(MALE)
FEMALE_NAMES = parse_pool(FEMALE)
FAMILY_NAMES = parse_pool(FAMILY)


def zipf_weights(n, s=0.9):
    """Popularity: the first names of a pool are the most common (Mohammad,
    Ahmad, Ali...), with a long tail, as in a real registry."""
    return [1.0 / (i + 1) ** s for i in range(n)]


# ---- this benchmark's own spelling rules (test set) ----

# Latin transliteration: (pattern, replacements). Applied to one place in a
# word; a pattern starting with ^ only at the start, ending with $ only at
# the end.
LATIN_RULES = [
    ("oo", ["u", "ou"]), ("ou", ["u", "oo"]), ("u", ["o", "oo"]), ("o", ["u"]),
    ("ee", ["i"]), ("i$", ["ee", "y"]), ("e", ["i", "a"]), ("i", ["e"]),
    ("a", ["e"]), ("ai", ["ei", "ay"]), ("ei$", ["ey", "ai"]), ("aei$", ["ayee", "ayi", "aee"]),
    ("q", ["k", "gh"]), ("gh", ["g", "q"]), ("kh", ["k", "x"]), ("w", ["v"]), ("v", ["w"]),
    ("y", ["i"]), ("^y", ["j"]), ("mm", ["m"]), ("dd", ["d"]), ("ss", ["s"]), ("bb", ["b"]),
    ("rr", ["r"]), ("a$", ["ah"]), ("ah$", ["a"]), ("e$", ["eh"]),
    ("ullah$", ["ollah", "ulla", "ulah", "ullha", "allah"]),
    ("zada$", ["zadah", "zadeh", "zade"]), ("zai$", ["zay", "zaee", "zoy"]),
    ("z", ["dh"]), ("s", ["ss"]), ("d$", ["dd"]), ("ph", ["f"]), ("j", ["dj"]),
]
ABBREVIATIONS = {"mohammad": ["Mohd.", "Mohd", "Md.", "Muhd"], "abdul": ["Abd.", "Abdl"],
                 "ghulam": ["Gh.", "Ghlm"], "sayed": ["Syed", "Sayyed", "Said"]}
# how compounds are joined or split: "Abdul Rahman" -> "Abdulrahman" ...
PARTICLE_FORMS = {"abdul": ["Abdul", "Abdur", "Abdel", "Abdal", "Abd-al-"]}

KEYBOARD = {c: n for c, n in zip("qwertyuiopasdfghjklzxcvbnm",
                                 ["wa", "qe", "wr", "et", "ry", "tu", "yi", "uo", "ip", "o",
                                  "sq", "ad", "sf", "dg", "fh", "gj", "hk", "jl", "k",
                                  "xa", "zc", "xv", "cb", "vn", "bm", "n"])}

# Persian-script spelling: letters written with their Arabic forms, letters
# of the same sound confused, spacing of compounds, short vowels, tatweel.
FA_CONFUSE = {"ذ": "ز", "ز": "ذ", "ث": "س", "ص": "س", "س": "ص", "ط": "ت", "ت": "ط", "ح": "ه",
              "ظ": "ز", "ض": "ز", "ع": "ا", "ق": "غ", "غ": "ق", "و": "ؤ"}
FA_ARABIC_FORMS = {"ی": "ي", "ک": "ك"}
FA_MARKS = ["\u064e", "\u0650", "\u064f", "\u0651"]  # fatha, kasra, damma, shadda
ZWNJ = "\u200c"


def apply_rule(word, rng):
    """One transliteration change somewhere in word (case kept on the first
    letter), or None when no rule applies."""
    low = word.lower()
    cands = []
    for pat, reps in LATIN_RULES:
        p = pat.strip("^$")
        if pat.startswith("^"):
            if low.startswith(p):
                cands.append((0, p, reps))
        elif pat.endswith("$"):
            if low.endswith(p) and len(low) > len(p):
                cands.append((len(low) - len(p), p, reps))
        else:
            i = low.find(p, 1 if len(low) > 2 else 0)
            while i >= 0:
                cands.append((i, p, reps))
                i = low.find(p, i + 1)
    if not cands:
        return None
    i, p, reps = rng.choice(cands)
    new = low[:i] + rng.choice(reps) + low[i + len(p):]
    if new == low:
        return None
    return new[:1].upper() + new[1:]


def latin_variant(name, rng, changes=1):
    """name spelled differently: abbreviations, particle forms and
    transliteration rules."""
    words = name.split(" ")
    for _ in range(changes):
        k = rng.randrange(len(words))
        w = words[k]
        low = w.lower()
        if low in ABBREVIATIONS and rng.random() < 0.3:
            words[k] = rng.choice(ABBREVIATIONS[low])
            continue
        if low in PARTICLE_FORMS and k + 1 < len(words) and rng.random() < 0.5:
            form = rng.choice(PARTICLE_FORMS[low])
            nxt = words[k + 1]
            if form.endswith("-"):
                words[k:k + 2] = [form + nxt.lower()]
            elif form == "Abdur":
                words[k:k + 2] = [form + nxt.lower()]
            else:
                words[k] = form
            continue
        v = apply_rule(w, rng)
        if v:
            words[k] = v
    return " ".join(words)


def typo(name, rng):
    """One letter wrong: replaced by a keyboard neighbour, dropped, doubled
    or swapped with the next one."""
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 4:
        return name
    i = rng.choice(letters[1:])
    c = name[i].lower()
    op = rng.randrange(4)
    if op == 0 and c in KEYBOARD:
        return name[:i] + rng.choice(KEYBOARD[c]) + name[i + 1:]
    if op == 1:
        return name[:i] + name[i + 1:]
    if op == 2:
        return name[:i] + name[i] + name[i:]
    if i + 1 < len(name) and name[i + 1].isalpha():
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    return name[:i] + name[i + 1:]


def join_compound(name, rng):
    """"Abdul Rahman" -> "Abdulrahman" / "Abdul-Rahman"; "Naqibullah" ->
    "Naqib Ullah"; None when the name is a single plain word."""
    if " " in name:
        a, b = name.split(" ", 1)
        return rng.choice([a + b.lower().replace(" ", ""), a + "-" + b])
    low = name.lower()
    for suffix in ("ullah", "zada", "zai", "uddin"):
        if low.endswith(suffix) and len(low) > len(suffix) + 2:
            return name[:-len(suffix)] + " " + suffix.capitalize()
    return None


def persian_variant(name, rng, changes=1):
    """The Persian spelling written another way."""
    s = name
    for _ in range(changes):
        op = rng.randrange(6)
        if op == 0:  # Arabic letter forms (keyboard layout)
            for a, b in FA_ARABIC_FORMS.items():
                s = s.replace(a, b)
        elif op == 1:  # final heh as teh marbuta, alef forms
            if s.endswith("ه"):
                s = s[:-1] + "ة"
            elif s.startswith("ا"):
                s = rng.choice(["أ", "إ"]) + s[1:]
            else:
                s = s.replace("ی", "ي")
        elif op == 2:  # compounds: ZWNJ dropped, a space put in or taken out
            if ZWNJ in s:
                s = s.replace(ZWNJ, rng.choice(["", " "]))
            elif s.startswith("عبد") and " " not in s:
                s = "عبد " + s[3:]
            elif " " in s:
                s = s.replace(" ", "", 1)
            else:
                s = s.replace("ی", "ي")
        elif op == 3:  # a short vowel mark or a tatweel
            i = rng.randrange(1, len(s)) if len(s) > 1 else 1
            s = s[:i] + rng.choice(FA_MARKS + ["\u0640"]) + s[i:]
        else:  # a letter of the same sound
            idx = [i for i, c in enumerate(s) if c in FA_CONFUSE]
            if idx:
                i = rng.choice(idx)
                s = s[:i] + FA_CONFUSE[s[i]] + s[i + 1:]
            else:
                s = s.replace("ک", "ك")
    return s


# ---- identities and records ----

AF_PROVINCES = ["AF-BAL", "AF-BAM", "AF-BDG", "AF-BDS", "AF-BGL", "AF-DAY", "AF-FRA", "AF-FYB",
                "AF-GHA", "AF-GHO", "AF-HEL", "AF-HER", "AF-JOW", "AF-KAB", "AF-KAN", "AF-KAP",
                "AF-KDZ", "AF-KHO", "AF-KNR", "AF-LAG", "AF-LOG", "AF-NAN", "AF-NIM", "AF-NUR",
                "AF-PAN", "AF-PAR", "AF-PIA", "AF-PKA", "AF-SAM", "AF-SAR", "AF-TAK", "AF-URU",
                "AF-WAR", "AF-ZAB"]

COLUMNS = ["given_name", "family_name", "father_name", "given_name_native", "family_name_native",
           "father_name_native", "sex", "birth_date", "birth_date_estimated", "nationality",
           "phone", "province_of_origin", "document_type", "document_number"]


class Pools:
    def __init__(self):
        self.male_w = zipf_weights(len(MALE_NAMES))
        self.female_w = zipf_weights(len(FEMALE_NAMES))
        self.family_w = zipf_weights(len(FAMILY_NAMES), 0.7)
        # cumulative weights for fast choices
        self.male_cw = cumulative(self.male_w)
        self.female_cw = cumulative(self.female_w)
        self.family_cw = cumulative(self.family_w)


def cumulative(w):
    out, t = [], 0.0
    for x in w:
        t += x
        out.append(t)
    return out


def pick(rng, pool, cw):
    return rng.choices(pool, cum_weights=cw)[0]


def new_identity(rng, pools, ident):
    """A person as they are: canonical names in both scripts, sex, birth."""
    sex = "F" if rng.random() < 0.48 else "M"
    given = pick(rng, FEMALE_NAMES if sex == "F" else MALE_NAMES,
                 pools.female_cw if sex == "F" else pools.male_cw)
    family = pick(rng, FAMILY_NAMES, pools.family_cw)
    father = pick(rng, MALE_NAMES, pools.male_cw)
    year = rng.randint(1950, 2022)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    estimated = rng.random() < 0.3
    return {"id": ident, "sex": sex, "given": given, "family": family, "father": father,
            "year": year, "month": 1 if estimated else month, "day": 1 if estimated else day,
            "estimated": estimated}


def record_of(p, rng, seq, variant=False):
    """How a registrar wrote p down. Most records carry both scripts; some
    only Latin (queries in Persian script must still find them); some have
    the given name in Latin and the rest only in Persian script (Latin
    queries must find those)."""
    shape = rng.random()
    latin_only = shape < 0.25
    native_family = 0.25 <= shape < 0.35

    def lat(name):
        if variant:
            return latin_variant(name, rng, 1 + rng.randrange(2))
        return latin_variant(name, rng) if rng.random() < 0.25 else name

    def fa(name):
        if variant and rng.random() < 0.5:
            return persian_variant(name, rng)
        return name

    gl, gf = p["given"]
    fl, ff = p["family"]
    al, af = p["father"]
    year, month, day = p["year"], p["month"], p["day"]
    if variant and rng.random() < 0.3:  # an age guessed again
        year += rng.choice([-1, 1])
        month, day = 1, 1
    row = {
        "given_name": lat(gl),
        "family_name": "" if native_family else lat(fl),
        "father_name": "" if native_family or rng.random() < 0.1 else lat(al),
        "given_name_native": "" if latin_only else fa(gf),
        "family_name_native": "" if latin_only else fa(ff),
        "father_name_native": "" if latin_only else fa(af),
        "sex": p["sex"],
        "birth_date": "%04d-%02d-%02d" % (year, month, day),
        "birth_date_estimated": "true" if p["estimated"] or (variant and month == 1) else "false",
        "nationality": "AFG",
        "phone": "+9891%08d" % rng.randrange(10 ** 8) if rng.random() < 0.4 else "",
        "province_of_origin": rng.choice(AF_PROVINCES),
        "document_type": "",
        "document_number": "",
    }
    if row["father_name"] == "" and not native_family and not latin_only:
        row["father_name_native"] = ""  # missing father's name altogether
    r = rng.random()
    if r < 0.6:
        row["document_type"] = "amayesh"
        row["document_number"] = "AM%09d" % seq
    elif r < 0.8:
        row["document_type"] = "tazkira"
        row["document_number"] = "TZ-%d-%07d" % (1390 + rng.randrange(12), seq)
    return row


# ---- queries ----

KINDS = ["latin_variant", "typo", "swapped", "joined", "missing_father", "fa_for_latin",
         "latin_for_fa", "fa_variant", "absent"]


def query_for(kind, p, rec, rng):
    """(q, father_name, birth_year) for identity p registered as rec; None
    when the kind does not apply to this person."""
    gl, gf = p["given"]
    fl, ff = p["family"]
    al, af = p["father"]
    year = p["year"] + (rng.choice([-1, 0, 1]) if p["estimated"] else 0)
    reg_given = rec["given_name"]
    reg_family = rec["family_name"] or fl
    if kind == "latin_variant":
        for _ in range(10):
            g = latin_variant(gl, rng, 1 + rng.randrange(2))
            f = latin_variant(fl, rng)
            q = g + " " + f
            if q.lower() != (reg_given + " " + reg_family).lower():
                return q, latin_variant(al, rng), year
        return None
    if kind == "typo":
        if rng.random() < 0.5:
            return typo(reg_given, rng) + " " + reg_family, al, year
        return reg_given + " " + typo(reg_family, rng), al, year
    if kind == "swapped":
        return reg_family + " " + latin_variant(reg_given, rng), al, year
    if kind == "joined":
        j = join_compound(gl, rng)
        if j:
            return j + " " + reg_family, al, year
        j = join_compound(fl, rng)
        if j:
            return reg_given + " " + j, al, year
        return None
    if kind == "missing_father":
        return latin_variant(gl, rng) + " " + fl, "", year
    if kind == "fa_for_latin":
        if rec["given_name_native"]:
            return None
        return gf + " " + ff, af, year
    if kind == "latin_for_fa":
        if rec["family_name"]:
            return None
        return latin_variant(gl, rng) + " " + latin_variant(fl, rng), al, year
    if kind == "fa_variant":
        if not rec["given_name_native"]:
            return None
        return persian_variant(gf, rng) + " " + persian_variant(ff, rng), af, year
    raise ValueError(kind)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="registry size (rows of persons.csv)")
    ap.add_argument("--queries", type=int, default=50, help="queries per kind")
    ap.add_argument("--delta", type=int, default=0,
                    help="rows of delta.csv (default: 1%% of n, at least 100)")
    ap.add_argument("--dup-rate", type=float, default=0.01,
                    help="share of registry rows that register someone a second time")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    pools = Pools()
    os.makedirs(a.out, exist_ok=True)

    identities = []
    records = []  # (identity index, record)
    seq = 0
    with open(os.path.join(a.out, "persons.csv"), "w", newline="", encoding="utf-8") as f, \
            open(os.path.join(a.out, "truth.csv"), "w", newline="", encoding="utf-8") as t:
        w = csv.writer(f, lineterminator="\r\n")
        tw = csv.writer(t, lineterminator="\n")
        w.writerow(COLUMNS)
        tw.writerow(["row", "identity", "given", "family", "father", "birth_year"])
        for row in range(1, a.n + 1):
            seq += 1
            if identities and rng.random() < a.dup_rate:
                p = identities[rng.randrange(len(identities))]
                rec = record_of(p, rng, seq, variant=True)
            else:
                p = new_identity(rng, pools, len(identities) + 1)
                identities.append(p)
                rec = record_of(p, rng, seq)
                records.append(rec)
            w.writerow([rec[c] for c in COLUMNS])
            tw.writerow([row, p["id"], p["given"][0], p["family"][0], p["father"][0], p["year"]])

    # a later list: people already registered (spelled again), new people,
    # and some of those new people twice in the same list
    nd = a.delta or max(100, a.n // 100)
    fresh = []
    with open(os.path.join(a.out, "delta.csv"), "w", newline="", encoding="utf-8") as f, \
            open(os.path.join(a.out, "delta_truth.csv"), "w", newline="", encoding="utf-8") as t:
        w = csv.writer(f, lineterminator="\r\n")
        tw = csv.writer(t, lineterminator="\n")
        w.writerow(COLUMNS)
        tw.writerow(["row", "identity", "in_registry"])
        for row in range(1, nd + 1):
            seq += 1
            r = rng.random()
            if r < 0.45:
                p = identities[rng.randrange(len(identities))]
                rec = record_of(p, rng, seq, variant=True)
                registered = 1
            elif r < 0.5 and fresh:
                p = fresh[rng.randrange(len(fresh))]
                rec = record_of(p, rng, seq, variant=True)
                registered = 0
            else:
                p = new_identity(rng, pools, len(identities) + len(fresh) + 1)
                fresh.append(p)
                rec = record_of(p, rng, seq)
                registered = 0
            w.writerow([rec[c] for c in COLUMNS])
            tw.writerow([row, p["id"], registered])

    # queries: per kind, people drawn at random among those it applies to
    present = {(p["given"][0], p["family"][0], p["father"][0], p["year"]) for p in identities}
    with open(os.path.join(a.out, "queries.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["qid", "kind", "identity", "q", "father_name", "birth_year", "sex"])
        qid = 0
        for kind in KINDS:
            made = tries = 0
            while made < a.queries and tries < a.queries * 200:
                tries += 1
                if kind == "absent":
                    p = new_identity(rng, pools, 0)
                    key = (p["given"][0], p["family"][0], p["father"][0], p["year"])
                    if key in present:
                        continue
                    q = latin_variant(p["given"][0], rng) + " " + p["family"][0]
                    if rng.random() < 0.3:
                        q = p["given"][1] + " " + p["family"][1]
                        father = p["father"][1]
                    else:
                        father = p["father"][0]
                    qid += 1
                    w.writerow([qid, kind, 0, q, father, p["year"], p["sex"]])
                    made += 1
                    continue
                k = rng.randrange(len(identities))
                got = query_for(kind, identities[k], records[k], rng)
                if not got:
                    continue
                q, father, year = got
                qid += 1
                w.writerow([qid, kind, identities[k]["id"], q, father, year,
                            identities[k]["sex"]])
                made += 1
            if made < a.queries:
                print("match_gen: only %d queries of kind %s" % (made, kind), file=sys.stderr)
    print("match_gen: %d persons (%d identities), %d delta rows, %d queries in %s"
          % (a.n, len(identities), nd, qid, a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
