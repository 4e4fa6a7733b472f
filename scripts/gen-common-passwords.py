#!/usr/bin/env python3
"""Writes src/domain/common_passwords.txt: passwords people pick most often,
built from well-known patterns (popular words and names, keyboard walks,
digit runs, years and the usual suffixes), in lower case, one a line, only
those of at least 12 characters (shorter ones fail the length rule anyway).

The list is generated here rather than copied from any published list.
Run it again after changing the patterns:
    python3 scripts/gen-common-passwords.py > src/domain/common_passwords.txt
"""

WORDS = """
password passw0rd p@ssword p@ssw0rd pa55word pa55w0rd passwort motdepasse contrasena
qwerty qwertyuiop qwertyui qwertz azerty asdfgh asdfghjk asdfghjkl zxcvbn zxcvbnm
qazwsx qazwsxedc 1qaz2wsx zaq12wsx zaq1zaq1 1q2w3e4r 1q2w3e q1w2e3r4 abc abcd abcdef
abcdefgh iloveyou iloveu loveyou welcome welcome1 letmein letmeinnow admin
administrator adminadmin root toor user guest test tester testing demo default changeme
changeit secret mysecret private login access master monkey dragon football baseball
basketball soccer hockey tennis golf sunshine princess shadow superman batman spiderman
ironman starwars startrek trustno1 whatever freedom computer internet michael jennifer
jordan jordan23 hunter ranger buster thomas tigger charlie robert daniel andrew jessica
michelle ashley nicole summer winter spring autumn hello hellothere helloworld flower
cheese chocolate butterfly pokemon pikachu naruto samsung google apple microsoft
facebook instagram twitter youtube netflix iphone android liverpool chelsea arsenal
barcelona realmadrid manchester manutd juventus mustang ferrari mercedes porsche
yankees lakers cowboys eagles guitar music family forever lovely angel baby love money
happy friends purple orange banana killer pepper ginger matrix cookie biscuit
blink182 metallica nirvana eminem rockyou soccer1 jesus christ heaven blessed
michael1 superstar rockstar sweetheart sweetie babygirl babyboy princess1 loveme
lovelove mylove myspace mypassword newpassword oldpassword nopassword yourpassword
thepassword passpass pass1234 letmein1 openup opensesame alexander elizabeth victoria
william joshua matthew anthony nicholas christopher jonathan benjamin samantha
amanda stephanie melissa natalie isabella sophia olivia emma chloe madison
iran tehran mashhad shiraz isfahan esfahan tabriz kerman karaj qom yazd kish
afghanistan afghan kabul herat kandahar mazar mazaresharif jalalabad balkh ghazni
persia persian farsi dari pashto hazara tajik uzbek iraniran iloveiran iloveafghanistan
safar iom unhcr migration migrant refugee returnee caseworker supervisor office
ali mohammad mohammed mohamad muhammad mohsen hossein hosein hassan hasan reza mahdi
mehdi fatemeh fatima zahra maryam sara sarah ahmad ahmed mahmoud amir javad hamid
hamed saeed saeid majid masoud morteza mostafa mojtaba abbas karim rahim rahimi
ahmadi hosseini mohammadi karimi rezaei hashemi jafari nazanin narges niloofar
parisa shirin leila laila soraya yalda nowruz norouz salam salaam khoda allah
yaali yahossein yazahra inshallah mashallah bismillah alhamdulillah
""".split()

SUFFIXES = """
_ 1 12 123 1234 12345 123456 1234567 12345678 123456789 1234567890 01 007 69 99 123123
! 1! 123! 1234! @123 @1234 #1 2020 2021 2022 2023 2024 2025 2026 1990 2024! 2025! 2026!
@2025 @2026 1402 1403 1404
""".split()

# "ilove" + word only with the plainest endings
LOVE_SUFFIXES = ["", "1", "12", "123", "1234", "!"]

WALKS = """
1q2w3e4r5t6y 1q2w3e4r5t6y7u 1q2w3e4r5t6y7u8i 1q2w3e4r5t6y7u8i9o0p q1w2e3r4t5y6
q1w2e3r4t5y6u7 1qaz2wsx3edc 1qaz2wsx3edc4rfv qazwsxedcrfv qazwsxedcrfvtgb
!qaz@wsx#edc !qaz2wsx#edc zaq1xsw2cde3 zaq12wsxcde3 qwertyuiop12 qwertyuiop123
qwertyuiopasdf qwertyuiopasdfghjkl asdfghjklqwerty asdfghjkl123 asdfghjkl;'
zxcvbnm12345 zxcvbnm123456 zxcvbnmasdfghjkl qwerasdfzxcv qwer1234asdf 1234qwerasdf
1234qwerasdfzxcv qwerty123456 qwerty1234567 qwertyqwerty asdfasdfasdf asdasdasdasd
qweqweqweqwe 123qweasdzxc qweasdzxc123 1qazxsw23edc poiuytrewq12 0987654321qw
mnbvcxzlkjhg abcdefghijkl abcdefghijklm abcdefghijklmn abcdefghijklmnop
abcdefghijklmnopqrstuvwxyz abc123abc123 abcabcabcabc abcd1234abcd a1b2c3d4e5f6
a1b2c3d4e5f6g7 aa11bb22cc33 passwordpassword password1234 password12345
password123456 password123! password2024 password2025 password2026 welcome12345
welcome123456 letmein12345 letmein123456 administrator1 administrator123
correcthorsebatterystaple correct horse battery staple iloveyouforever
iloveyoutoo iloveyousomuch iloveyou1234 iloveyou12345 thequickbrownfox
thequickbrownfoxjumpsoverthelazydog ihateyou1234 nothingtolose letmeinplease
""".split("\n")


def digit_runs():
    out = set()
    up = "12345678901234567890"
    down = "09876543210987654321"
    for n in range(12, 21):
        out.add(up[:n])
        out.add(down[:n])
        out.add("1234567890"[1:] + "0123456789"[: n - 9])
    for d in "0123456789":
        for n in range(12, 17):
            out.add(d * n)
    for c in "abcdefghijklmnopqrstuvwxyz":
        out.add(c * 12)
    for unit in ("12", "123", "1234", "121", "1212", "112233", "abc", "abcd", "qwe",
                 "asd", "zxc", "ab12", "a1", "01", "69", "xo", "007"):
        s = unit
        while len(s) < 12:
            s += unit
        out.add(s)
        out.add(s + unit)
    return out


def main():
    out = set()
    for w in WORDS:
        for s in SUFFIXES:
            s = "" if s == "_" else s
            cand = (w + s).lower()
            if 12 <= len(cand) <= 40:
                out.add(cand)
        for s in LOVE_SUFFIXES:
            cand = ("ilove" + w + s).lower()
            if 12 <= len(cand) <= 40:
                out.add(cand)
        doubled = (w + w).lower()
        if 12 <= len(doubled) <= 40:
            out.add(doubled)
    for line in WALKS:
        for w in line.split(" ") if " " not in line.strip() or line.count(" ") > 3 else [line]:
            w = w.strip().lower()
            if len(w) >= 12:
                out.add(w)
    out.add("correct horse battery staple")
    out |= digit_runs()
    print("# Common passwords (generated by scripts/gen-common-passwords.py), lower case.")
    for p in sorted(out):
        print(p)


if __name__ == "__main__":
    main()
