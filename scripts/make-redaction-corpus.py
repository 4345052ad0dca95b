#!/usr/bin/python3
"""Writes tests/policy/redaction_corpus.json: the labelled corpus of the redaction test.

How it was made (run once, output committed, so the test needs neither python nor faker):

    apt-get install -y python3-fake-factory   # Debian bookworm's name of faker (0.9.3);
                                              # later Debian releases call it python3-faker
    /usr/bin/python3 scripts/make-redaction-corpus.py > tests/policy/redaction_corpus.json

Each entry is a note as professionals write them (meldingen, hulpvragen, verslagen,
rapportages) in one free-text field of a canonical message, with:
  - "message": the canonical message (subject BSN, the person's values in catalogued and
    unknown fields) without the note;
  - "field": where the note goes ("incident_summary", "care_request",
    "earlier_incidents.summary": the summary of the first earlier incident);
  - "text": the note;
  - "spans": every personal span of the note as [begin, end, kind, own]: UTF-8 byte
    offsets, its kind, and whether it is one of the message's own values;
  - "clean_text": the same sentences with every slot filled with non-personal content:
    the labelled set of texts without personal data.

Names, streets, cities, phone numbers, e-mail addresses and dates come from faker's
nl_NL provider, seeded, so the redactor's gazetteer (config/redaction/names-nl.txt,
written by hand) shares no list with this corpus. BSNs pass the 11-check, IBANs the
mod-97 check; licence plates follow the RDW sidecodes.
"""
import json
import re
import random
import sys

from faker import Faker

SEED = 20261125
COUNT = 600

rng = random.Random(SEED)
fake = Faker("nl_NL")
fake.seed(SEED)

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]
MONTHS_SHORT = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov",
                "dec"]


# ---------------------------------------------------------------- values

def bsn():
    while True:
        digits = [rng.randrange(10) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1)))
        check = total % 11
        if check < 10 and digits[0] != 0:
            return "".join(map(str, digits + [check]))


def bsn_written(number):
    forms = [number, number, f"{number[:3]} {number[3:6]} {number[6:]}",
             f"{number[:3]}.{number[3:6]}.{number[6:]}", f"{number[:4]}.{number[4:6]}.{number[6:]}",
             f"bsn{number}", f"{number[:3]}-{number[3:6]}-{number[6:]}"]
    return rng.choice(forms)


def iban():
    banks = ["ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ"]
    bank = rng.choice(banks)
    account = "".join(str(rng.randrange(10)) for _ in range(10))
    numeric = "".join(str(ord(c) - 55) for c in bank) + account + "2321" + "00"
    check = 98 - int(numeric) % 97
    plain = f"NL{check:02d}{bank}{account}"
    if rng.random() < 0.5:
        return " ".join(plain[i:i + 4] for i in range(0, len(plain), 4))
    return plain


def plate():
    letters = "BDFGHJKLNPRSTVXZ"
    l = lambda n: "".join(rng.choice(letters) for _ in range(n))
    d = lambda n: "".join(str(rng.randrange(10)) for _ in range(n))
    forms = [f"{d(2)}-{l(3)}-{d(1)}", f"{d(1)}-{l(3)}-{d(2)}", f"{l(2)}-{d(3)}-{l(1)}",
             f"{l(1)}-{d(3)}-{l(2)}", f"{l(3)}-{d(2)}-{l(1)}", f"{l(2)}-{d(2)}-{l(2)}",
             f"{d(2)}-{l(2)}-{l(2)}"]
    return rng.choice(forms)


def date_between(first_year, last_year):
    year = rng.randint(first_year, last_year)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    return year, month, day


def iso(date):
    return f"{date[0]:04d}-{date[1]:02d}-{date[2]:02d}"


def date_written(date, with_year=True):
    y, m, d = date
    forms = [f"{d:02d}-{m:02d}-{y}", f"{d}-{m}-{y}", f"{d}/{m}/{y % 100:02d}",
             f"{d:02d}/{m:02d}/{y}", f"{d:02d}.{m:02d}.{y}", f"{d} {MONTHS[m - 1]} {y}",
             f"{d} {MONTHS_SHORT[m - 1]}. {y}", f"{d} {MONTHS_SHORT[m - 1]} {y}", iso(date),
             f"{d}-{m}-{y % 100:02d}"]
    if not with_year:
        forms = [f"{d} {MONTHS[m - 1]}", f"{d} {MONTHS_SHORT[m - 1]}.",
                 f"{d:02d}-{m:02d}-{y}", f"{d} {MONTHS[m - 1]} {y}", f"{d}/{m}/{y}"]
    return rng.choice(forms)


def phone_written(number):
    digits = "".join(c for c in number if c.isdigit())
    if len(digits) == 10 and digits.startswith("0") and rng.random() < 0.4:
        forms = [digits, f"{digits[:2]}-{digits[2:]}", f"{digits[:2]} {digits[2:4]} {digits[4:6]} "
                 f"{digits[6:8]} {digits[8:]}", f"+31 {digits[1:]}"]
        return rng.choice(forms)
    return number


def mobile():
    rest = "".join(str(rng.randrange(10)) for _ in range(8))
    return rng.choice([f"06-{rest}", f"06 {rest}", f"06{rest}", f"+316{rest}",
                       f"06 {rest[:2]} {rest[2:4]} {rest[4:6]} {rest[6:]}"])


def house_number():
    number = str(rng.randint(1, 240))
    addition = rng.choice(["", "", "", "", "a", "b", "-II", " hs", "-3", " A", "bis"])
    return number + addition


def street_address():
    street = fake.street_name() if hasattr(fake, "street_name") else fake.street_address().rsplit(" ", 1)[0]
    return f"{street} {house_number()}"


def client_number():
    prefix = rng.choice(["WIJK", "VT", "CL", "GGZ", "RN", "SD"])
    return rng.choice([f"{prefix}-{rng.randint(2019, 2026)}-{rng.randint(1, 9999):04d}",
                       f"{prefix}{rng.randint(100000, 999999)}",
                       f"{rng.randint(2019, 2026)}-{rng.randint(100000, 999999)}"])


def client_written(number):
    if rng.random() < 0.3:
        return number.replace("-", " ")
    return number


def email_of(first, last):
    local = rng.choice([f"{first}.{last}", f"{first[0]}.{last}", f"{first}{rng.randint(1, 99)}",
                        f"{last}{first[0]}"]).lower().replace(" ", "")
    domain = rng.choice(["gmail.com", "hotmail.com", "outlook.com", "ziggo.nl", "kpnmail.nl",
                         "live.nl", "planet.nl", "xs4all.nl"])
    return f"{local}@{domain}"


def email_written(address):
    local, domain = address.split("@")
    host, _, tld = domain.rpartition(".")
    forms = [address, address, address, f"{local} [at] {domain}", f"{local}(at){host}(dot){tld}",
             f"{local} at {host} dot {tld}", f"{local}[at]{domain}"]
    return rng.choice(forms)


def ascii_name(text):
    table = str.maketrans("áàäâéèëêíïîóöôúüûçñ", "aaaaeeeeiiiooouuucn")
    return re.sub(r"[^a-z]", "", text.lower().translate(table))


class Person:
    def __init__(self):
        self.first = fake.first_name()
        self.last = fake.last_name()
        while not re.search("[a-z]", self.last.split()[-1]):  # faker has a few like "VI"
            self.last = fake.last_name()
        self.full = f"{self.first} {self.last}"
        self.female = rng.random() < 0.5
        self.mentioned = set()  # "first", "last": what the note has named so far

    def titled(self):
        title = rng.choice(["mevrouw", "mevr.", "mw."] if self.female else
                           ["meneer", "de heer", "dhr."])
        return title, self.last[0].upper() + self.last[1:] if rng.random() < 0.2 else self.last

    def initials(self):
        return self.first[0] + "." if rng.random() < 0.7 else self.first[0] + "." + rng.choice("AJMPW") + "."


# ---------------------------------------------------------------- text building

class Text:
    """Two texts built side by side: the note and its non-personal twin."""

    def __init__(self):
        self.personal = bytearray()
        self.clean = []
        self.spans = []

    def _starts_sentence(self):
        return not self.personal or self.personal.endswith(b". ")

    def _clean_starts_sentence(self):
        joined = "".join(self.clean).rstrip(" ")
        return not joined or joined.endswith(".")

    def _add(self, personal, clean):
        if self._starts_sentence():
            personal = personal[:1].upper() + personal[1:]
        if clean and self._clean_starts_sentence():
            clean = clean[:1].upper() + clean[1:]
        begin = len(self.personal)
        self.personal += personal.encode()
        self.clean.append(clean)
        return begin

    def both(self, text):
        self._add(text, text)

    def label(self, text, kind, own, clean):
        begin = self._add(text, clean)
        self.spans.append({"begin": begin, "end": len(self.personal), "kind": kind, "own": own})

    def personal_only(self, text, clean):
        self._add(text, clean)


class Note:
    ROLES_F = ["buurvrouw", "moeder", "zus", "tante", "oma", "dochter", "vriendin", "ex-partner",
               "partner", "nicht", "stiefmoeder", "schoonmoeder", "collega"]
    ROLES_M = ["buurman", "vader", "broer", "oom", "opa", "zoon", "vriend", "ex-partner",
               "partner", "neef", "stiefvader", "zwager", "collega"]
    PROFESSIONALS = ["huisarts", "wijkagent", "casemanager", "bewindvoerder", "mentor",
                     "jeugdbeschermer", "begeleider", "psychiater", "reclasseringswerker",
                     "consulent", "advocaat"]

    def __init__(self, subject, values):
        self.subject = subject
        self.values = values
        self.text = Text()
        self.others = []

    # subject slots --------------------------------------------------------
    def s_full(self):
        self.text.label(self.subject.full, "name", True,
                        rng.choice(["betrokkene", "de cliënt", "de melder", "cliënt"]))

    def s_first(self):
        self.text.label(self.subject.first, "name", True,
                        rng.choice(["betrokkene", "cliënt", "de cliënt"]))

    def s_titled(self):
        title, last = self.subject.titled()
        self.text.personal_only(title + " ", "")
        self.text.label(last, "name", True, title if title in ("meneer", "mevrouw")
                        else rng.choice(["de cliënt", "betrokkene"]))

    def s_initials(self):
        self.text.label(f"{self.subject.initials()} {self.subject.last}", "name", True,
                        "betrokkene")

    def s_any_name(self):
        rng.choice([self.s_full, self.s_full, self.s_first, self.s_titled, self.s_initials])()

    def s_birth(self):
        self.text.label(date_written(self.values["birth"]), "date", True, "onbekend")

    def s_address(self):
        self.text.label(self.values["address"], "address", True, "het bekende adres")

    def s_postcode_city(self):
        self.text.label(self.values["postcode"], "postcode", True, "")
        self.text.both(" ")
        self.text.label(self.values["city"], "city", True, "de wijk")

    def s_city(self):
        self.text.label(self.values["city"], "city", True, "de regio")

    def s_phone(self):
        self.text.label(phone_written(self.values["phone"]), "phone", True,
                        "het bekende nummer")

    def s_email(self):
        self.text.label(email_written(self.values["email"]), "email", True, "de bekende mail")

    def s_bsn(self):
        written = bsn_written(self.values["bsn"])
        if written.startswith("bsn"):
            self.text.personal_only("bsn", "")
            written = written[3:]
        self.text.label(written, "bsn", True, "bekend in de BRP")

    def s_client(self):
        self.text.label(client_written(self.values["client"]), "client_number", True, "volgt")

    # other persons ---------------------------------------------------------
    def new_other(self):
        person = Person()
        self.others.append(person)
        return person

    def p_role(self):
        person = self.new_other()
        role = rng.choice(self.ROLES_F if person.female else self.ROLES_M)
        form = rng.random()
        if form < 0.45:
            name = person.full
            person.mentioned |= {"first", "last"}
        elif form < 0.8:
            name = person.first
            person.mentioned.add("first")
        else:
            name = f"{person.initials()} {person.last}"
            person.mentioned.add("last")
        bracketed = rng.random() < 0.2
        self.text.personal_only(role + (" (" if bracketed else " "), role)
        self.text.label(name, "name", False, "")
        if bracketed:
            self.text.personal_only(")", "")

    def p_professional(self):
        person = self.new_other()
        role = rng.choice(self.PROFESSIONALS)
        title = rng.choice(["mevrouw", "mw.", "dr."] if person.female else ["de heer", "dhr.", "dr."])
        name = person.last if rng.random() < 0.6 else f"{person.initials()} {person.last}"
        person.mentioned.add("last")
        self.text.personal_only(f"{role} {title} ", role)
        self.text.label(name, "name", False, "")

    def p_titled(self):
        person = self.new_other()
        person.mentioned.add("last")
        title, last = person.titled()
        self.text.personal_only(title + " ", "")
        self.text.label(last, "name", False, rng.choice(["de melder", "een medewerker"]))

    def p_bare(self):
        person = self.new_other()
        person.mentioned |= {"first", "last"}
        self.text.label(person.full, "name", False,
                        rng.choice(["een medewerker", "de contactpersoon", "een collega"]))

    def p_bare_first(self):
        person = self.new_other()
        person.mentioned.add("first")
        self.text.label(person.first, "name", False, rng.choice(["een vriend", "een kennis"]))

    def p_repeat(self):
        """Someone the note named before, by a name it used."""
        named = [p for p in self.others if p.mentioned]
        if not named:
            return self.p_role()
        person = rng.choice(named)
        part = rng.choice(sorted(person.mentioned))
        if part == "last" and rng.random() < 0.6:
            title = rng.choice(["mevrouw", "mw."] if person.female else ["meneer", "dhr."])
            self.text.personal_only(title + " ", "")
            self.text.label(person.last, "name", False, "de melder")
        else:
            self.text.label(person.first if part == "first" else person.last, "name", False,
                            "de melder")

    def p_child(self):
        person = self.new_other()
        person.mentioned.add("first")
        self.text.label(person.first, "name", False, "het kind")

    # other values ------------------------------------------------------------
    def o_date(self):
        date = date_between(2024, 2026)
        self.text.label(date_written(date, with_year=rng.random() < 0.7), "date", False,
                        rng.choice(["vorige week", "gisteren", "maandagochtend", "begin deze maand",
                                    "eind vorige maand", "afgelopen weekend"]))

    def o_phone(self):
        number = mobile() if rng.random() < 0.6 else fake.phone_number()
        self.text.label(number, "phone", False, "het algemene nummer")

    def o_address(self):
        self.text.label(street_address(), "address", False, "een adres in de wijk")

    def o_email(self, person=None):
        person = person or (self.others[-1] if self.others else self.new_other())
        address = email_of(ascii_name(person.first), ascii_name(person.last.split()[-1]))
        self.text.label(email_written(address), "email", False, "de mail")

    def o_plate(self):
        self.text.label(plate(), "plate", False, "onbekend")

    def o_iban(self):
        self.text.label(iban(), "iban", False, "de bekende rekening")

    def o_postcode(self):
        self.text.label(fake.postcode(), "postcode", False, "")


# A sentence is a list of literal strings and slot methods of Note.
def S(*parts):
    return parts


OPENINGS = [
    S("Melding ", Note.o_date, " om 23.40 uur: ", Note.s_full, " (geb. ", Note.s_birth,
      ") aangetroffen op straat, verward en onrustig. E33."),
    S("Hulpvraag van ", Note.s_full, " (BSN ", Note.s_bsn, ", geb. ", Note.s_birth,
      "): schuldhulp en ondersteuning bij de administratie."),
    S("Verslag casusoverleg ", Note.o_date, " betreffende ", Note.s_titled, ", wonende ",
      Note.s_address, ", ", Note.s_postcode_city, "."),
    S("Melding Veilig Thuis: zorgen om de kinderen van ", Note.s_full, ", ", Note.s_address,
      " te ", Note.s_city, "."),
    S("Nazorg na detentie: ", Note.s_full, " (cliëntnummer ", Note.s_client,
      ") komt op ", Note.o_date, " vrij uit de PI."),
    S("Signaal woningcorporatie: overlast gemeld rond de woning van ", Note.s_titled,
      " aan de ", Note.s_address, "."),
    S("Radicaliseringssignaal: ", Note.s_first, " (", Note.s_birth,
      ") uit zich online steeds vaker in extreme bewoordingen."),
    S("Signaal mensenhandel: ", Note.s_full,
      " werkt mogelijk onder dwang in een nagelstudio en heeft geen eigen paspoort."),
    S("Intake Sociaal Wijkteam met ", Note.s_full, ", geboren ", Note.s_birth, ", dossier ",
      Note.s_client, "."),
    S("Rapportage reclassering inzake ", Note.s_initials, ", geboren op ", Note.s_birth, "."),
    S("Aanmelding GGZ door de huisarts voor ", Note.s_titled, " (", Note.s_birth,
      "), woonachtig in ", Note.s_city, "."),
    S("Politie is ", Note.o_date, " ter plaatse geweest op ", Note.s_address,
      " na een melding van huiselijk geweld."),
    S("Verzoek om hulp via het Zorg- en Veiligheidshuis voor ", Note.s_full, ", BSN ",
      Note.s_bsn, "."),
    S("Wvggz-melding: ", Note.s_titled, " weigert zorg en verwaarloost zichzelf ernstig."),
    S("Notitie gesprek ", Note.o_date, " met ", Note.s_full, " op het wijkkantoor."),
]

BODY = [
    S(Note.p_role, " belde op ", Note.o_date,
      " met de wijkagent en vertelde dat er 's nachts veel geschreeuw te horen is."),
    S("Cliënt is bereikbaar op ", Note.s_phone, " of via ", Note.s_email, "."),
    S("Volgens ", Note.p_role, " is ", Note.s_first,
      " sinds enkele weken niet meer naar het werk geweest."),
    S(Note.s_first, " geeft aan dat de schulden zijn opgelopen na het verlies van de baan."),
    S("Gesproken met ", Note.p_bare,
      " van de woningcorporatie; de huurachterstand is bevestigd."),
    S("De ", Note.p_professional, " is op de hoogte en ziet geen acute medische zorgen."),
    S("Er is een afspraak gemaakt op ", Note.o_date, " bij de GGZ in de Meeuwenlaan."),
    S("Zijn ", Note.p_role, " woont op ", Note.o_address,
      " en kan de kinderen tijdelijk opvangen."),
    S("De auto met kenteken ", Note.o_plate, " stond meerdere nachten voor de deur."),
    S("Huur wordt betaald via rekening ", Note.o_iban, " ten name van ", Note.p_bare, "."),
    S("Eerder incident op ", Note.o_date, ": ruzie met ", Note.p_role,
      ", politie ter plaatse, geen aangifte."),
    S(Note.p_repeat, " gaf aan zich ernstig zorgen te maken over de veiligheid thuis."),
    S("Contact met ", Note.p_titled, " via ", Note.o_phone, "."),
    S("BSN van betrokkene: ", Note.s_bsn, "."),
    S("Post komt binnen op ", Note.s_address, ", ", Note.s_postcode_city, "."),
    S(Note.s_titled, " is niet verschenen op de afspraak van ", Note.o_date, "."),
    S("De kinderen ", Note.p_child, " en ", Note.p_child,
      " gaan naar basisschool De Regenboog en zijn vaak te laat."),
    S(Note.p_bare_first, " is een vriend van ", Note.s_first,
      " en verblijft regelmatig in de woning."),
    S("Ex-partner ", Note.p_bare, " heeft sinds kort een contactverbod."),
    S("Volgens de melder, ", Note.p_bare, ", bereikbaar via ", Note.o_email,
      ", is de situatie de laatste maanden verslechterd."),
    S("Mail van ", Note.s_full, " ontvangen vanaf ", Note.s_email, "."),
    S("Telefonisch contact gehad met ", Note.s_first, " op ", Note.o_date, "."),
    S("Geboortedatum volgens de BRP: ", Note.s_birth, "; adres ", Note.s_address, "."),
    S("Bewindvoerder ", Note.p_titled, " beheert sinds ", Note.o_date, " de financiën."),
    S("Aanwezig bij het overleg: ", Note.p_bare, " (GGZ), ", Note.p_bare, " (wijkteam) en ",
      Note.p_titled, " (Veilig Thuis)."),
    S("Dochter ", Note.p_child, " (7 jaar) vertelde op school over de ruzies thuis."),
    S("Klantnummer bij de woningcorporatie: ", Note.s_client, "."),
    S("De ", Note.p_professional, " is bereikbaar op ", Note.o_phone, "."),
    S(Note.s_any_name, " heeft toestemming gegeven om deze informatie te delen."),
    S("Afgesproken dat ", Note.s_any_name,
      " zich meldt bij het Leger des Heils voor dagbesteding."),
    S("Melder ", Note.p_bare, " woont op ", Note.o_address, ", ", Note.o_postcode, "."),
    S("Uit de BRP blijkt dat ", Note.s_any_name, " op ", Note.s_address,
      " staat ingeschreven."),
    S("In gesprek met ", Note.s_titled,
      " bleek dat er sprake is van verslaving en eenzaamheid."),
    S("Vanaf ", Note.o_date,
      " heeft de Reclassering toezicht; meldplicht op dinsdag en vrijdag."),
    S("De zoon van ", Note.s_titled, ", ", Note.p_bare_first,
      ", heeft een eigen begeleider via de Jeugdwet."),
    S("Volgens ", Note.p_repeat, " drinkt ", Note.s_first, " dagelijks veel alcohol."),
    S("Het telefoonnummer ", Note.s_phone, " is niet meer in gebruik."),
    S("Eerdere meldingen op ", Note.o_date, " en ", Note.o_date,
      " zijn door Veilig Thuis onderzocht."),
    S("Zus ", Note.p_bare, " (", Note.o_phone, ") wil graag betrokken blijven."),
    S("Betrokkene meldt dat ", Note.p_role, " dreigt met geweld."),
]

CLOSINGS = [
    S("Vervolg: terugkoppeling in het volgende casusoverleg."),
    S("Actie: de casusregisseur neemt contact op met ", Note.s_any_name, "."),
    S("Risico ingeschat als hoog; opschaling naar niveau 3 besproken."),
    S("Geen acuut gevaar; monitoren via de wijkagent."),
    S("Afspraak gepland op ", Note.o_date, " om 10.00 uur."),
    S("Zie ook het verslag van ", Note.o_date, "."),
    S(""),
]


def fill(note, sentence):
    for part in sentence:
        if isinstance(part, str):
            note.text.both(part)
        else:
            part(note)


def make_entry(index):
    subject = Person()
    birth = date_between(1944, 2008)
    values = {
        "bsn": bsn(),
        "birth": birth,
        "address": street_address(),
        "postcode": fake.postcode(),
        "city": fake.city(),
        "phone": fake.phone_number() if rng.random() < 0.5 else mobile(),
        "email": email_of(ascii_name(subject.first), ascii_name(subject.last.split()[-1])),
        "client": client_number(),
    }
    note = Note(subject, values)
    sentences = [rng.choice(OPENINGS)]
    sentences += rng.sample(BODY, rng.randint(2, 5))
    sentences.append(rng.choice(CLOSINGS))
    for number, sentence in enumerate(sentences):
        if number > 0 and sentence:
            note.text.both(" ")
        fill(note, sentence)
    text = bytes(note.text.personal).decode().rstrip()
    clean = " ".join("".join(note.text.clean).split())

    field = rng.choice(["incident_summary"] * 5 + ["care_request"] * 3 +
                       ["earlier_incidents.summary"] * 2)
    data = {
        "name": subject.full,
        "address": values["address"],
        "city": values["city"],
        "birth_date": iso(birth),
        "postcode": values["postcode"],
        "phone": values["phone"],
        "email": values["email"],
        "client_number": values["client"],
        "incident_date": iso(date_between(2025, 2026)),
        "risk_level": rng.choice(["low", "medium", "high", "acute"]),
        "children_involved": rng.random() < 0.4,
    }
    for optional in ["email", "phone", "city", "client_number"]:
        if rng.random() < 0.15:
            del data[optional]  # the note may name what the message does not carry
            for span in note.text.spans:
                if span["own"] and span["kind"] == optional:
                    span["own"] = False
    if field == "earlier_incidents.summary":
        incident = {"date": iso(date_between(2024, 2026)), "code": "HG-1"}
        if note.others and rng.random() < 0.5:
            incident["reported_by"] = note.others[0].full
        data["earlier_incidents"] = [incident]
    return {
        "id": index,
        "field": field,
        "message": {"subject": {"bsn": values["bsn"]}, "data": data},
        "text": text,
        "spans": [[s["begin"], s["end"], s["kind"], s["own"]] for s in note.text.spans],
        "clean_text": clean,
    }


def main():
    entries = [make_entry(i) for i in range(COUNT)]
    about = ("Redaction test corpus, made by scripts/make-redaction-corpus.py (faker nl_NL, "
             f"seed {SEED}); span offsets are UTF-8 byte offsets into text.")
    out = sys.stdout
    out.write('{"about": ' + json.dumps(about, ensure_ascii=False) + ', "seed": ' + str(SEED) +
              ',\n "entries": [\n')
    for number, entry in enumerate(entries):
        separator = ",\n" if number + 1 < len(entries) else "\n"
        out.write("  " + json.dumps(entry, ensure_ascii=False) + separator)
    out.write("]}\n")


if __name__ == "__main__":
    main()
