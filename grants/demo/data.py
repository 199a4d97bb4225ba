"""Reference data of the demo: its yearly calendar, 13 countries, partners and lookup rows.

Sources: shared reference countries.md (languages, currencies, legal forms) and the programme's
rules (windows, minimums). Partner names other than the four named in countries.md are invented.
Stored as data, not gettext strings: these rows are content an admin edits, like real records.
The calendar holds months and days only: the demo is built around the day it runs.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

# Every demo person and demo record's e-mail lives under this domain: it marks what --reset removes.
DEMO_DOMAIN = "demo.meetandcode.eu"
SEED = 1700  # a constant: the same day gives the same rows, whatever the year
BRUSSELS = ZoneInfo("Europe/Brussels")

# A rolling call: edition Y's call opens on 1 October of Y-1, the day after edition Y-1's deadline
# (30 September of Y-1, 23:59 in Brussels), so on any day of the year one call takes proposals.
CALENDAR = {
    "call_opens": (10, 1),  # of the year before the edition's
    "deadline": (9, 30),  # 23:59 Brussels time
    "events_from": (6, 17),
    "events_until": (10, 31),
}
EDITION_RULES = {"max_grant": Decimal("500.00"), "min_age": 8, "max_age": 24}
# The editions the demo holds, by their place relative to the open call's (0), and their full size
# in proposals (--proposals is split in these proportions; the open call's by how far it has run).
EDITION_SIZES = {-2: 900, -1: 1400, 0: 1000}
# How busy each month of a call is (proposals created), from October to September.
CALL_MONTH_WEIGHTS = {10: 0.3, 11: 0.3, 12: 0.25, 1: 0.35, 2: 0.45, 3: 0.7, 4: 1.1, 5: 1.5,
                      6: 1.6, 7: 1.3, 8: 1.0, 9: 1.4}  # fmt: skip
# Countries whose partner keeps an organisation validated in later editions; the rest check again.
STAY_VALIDATED = ("LU", "BE")


def open_call_year(today: date) -> int:
    """The year of the edition whose call is open on ``today``."""
    month, day = CALENDAR["call_opens"]
    return today.year + 1 if (today.month, today.day) >= (month, day) else today.year


def edition(year: int) -> dict:
    """The fields of the Edition of ``year``, from the calendar."""
    open_month, open_day = CALENDAR["call_opens"]
    return {
        "name": f"Meet and Code {year}",
        "year": year,
        "code": f"MC{year % 100:02d}",
        "applications_open": date(year - 1, open_month, open_day),
        "application_deadline": datetime.combine(
            date(year, *CALENDAR["deadline"]), time(23, 59), BRUSSELS
        ),
        "event_start": date(year, *CALENDAR["events_from"]),
        "event_end": date(year, *CALENDAR["events_until"]),
        **EDITION_RULES,
    }


def demo_editions(today: date) -> list[dict]:
    """The editions the demo holds on ``today``, oldest first: the open call's and two before."""
    year = open_call_year(today)
    return [edition(year + offset) for offset in sorted(EDITION_SIZES)]


def call_progress(today: date) -> float:
    """How much of the open call's proposals have come in by ``today`` (0 to 1)."""
    current = edition(open_call_year(today))
    day, done, total = current["applications_open"], 0.0, 0.0
    while day <= current["application_deadline"].date():
        weight = CALL_MONTH_WEIGHTS[day.month]
        total += weight
        done += weight if day < today else 0
        day += timedelta(days=1)
    return done / total


def edition_weights(today: date) -> dict[int, float]:
    """How to split the proposals between the editions (by offset) on ``today``: full sizes, the
    open call's by how far it has run."""
    return {**EDITION_SIZES, 0: EDITION_SIZES[0] * call_progress(today)}


LANGUAGES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "nl": "Dutch",
    "it": "Italian",
    "pl": "Polish",
    "ro": "Romanian",
    "es": "Spanish",
    "uk": "Ukrainian",
    "ca": "Catalan",
    "lb": "Luxembourgish",
    "ga": "Irish",
    "cy": "Welsh",
    "eu": "Basque",
    "gl": "Galician",
}

# Codes mirror the Report's counters (refugees, migration_background, ...), hyphenated as slugs.
FOCUS_GROUPS = {
    "girls": "Girls and young women",
    "refugees": "Refugees",
    "migration-background": "Young people with a migration background",
    "disability": "Young people with disabilities",
    "low-income": "Young people from low-income households",
    "no-own-device": "Young people without an own computer",
    "deprived-area": "Underserved youth from deprived areas",
}
# How often a proposal names each focus group (a proposal names one to three).
FOCUS_WEIGHTS = {
    "girls": 40,
    "low-income": 30,
    "deprived-area": 28,
    "refugees": 18,
    "no-own-device": 18,
    "migration-background": 14,
    "disability": 10,
}

CRITERIA = [
    (
        "Relevance for the target group",
        "Does the event introduce children and young people aged 8 to 24 to coding and technology "
        "in a way that suits their age and starting level?",
    ),
    (
        "Reach of underserved youth",
        "Will the event reach girls, refugees, young people with disabilities, from low-income "
        "households or deprived areas, who rarely get such a chance?",
    ),
    (
        "Quality of the plan",
        "Are the programme, the trainers, the venue and the promotion clear and realistic for the "
        "expected number of participants?",
    ),
    (
        "Value for money",
        "Are the budget lines eligible, needed and reasonable for what the event will achieve?",
    ),
]


@dataclass(frozen=True)
class PartnerSpec:
    key: str
    name: str
    countries: tuple[str, ...]
    website: str = ""


PARTNERS = [
    PartnerSpec("socialware", "SOCIALware", ("LU", "BE")),
    PartnerSpec("haus-des-stiftens", "Haus des Stiftens", ("DE", "AT")),
    PartnerSpec("techsoup-nl", "TechSoup Nederland", ("NL",)),
    PartnerSpec("charity-digital", "Charity Digital", ("GB",)),
    PartnerSpec(
        "numerique-solidaire",
        "Numérique Solidaire France",
        ("FR",),
        "https://numerique-solidaire.example",
    ),
    PartnerSpec(
        "rete-digitale", "Rete Digitale Terzo Settore", ("IT",), "https://rete-digitale.example"
    ),
    PartnerSpec(
        "community-tech-ireland",
        "Community Tech Ireland",
        ("IE",),
        "https://communitytech-ireland.example",
    ),
    PartnerSpec(
        "cyfrowa-wspolnota",
        "Fundacja Cyfrowa Wspólnota",
        ("PL",),
        "https://cyfrowa-wspolnota.example",
    ),
    PartnerSpec(
        "civic-digital-ro", "Asociația Civic Digital", ("RO",), "https://civic-digital.example"
    ),
    PartnerSpec(
        "red-digital-solidaria",
        "Fundación Red Digital Solidaria",
        ("ES",),
        "https://red-digital-solidaria.example",
    ),
    PartnerSpec(
        "tsyfrova-hromada",
        "Tsyfrova Hromada Foundation",
        ("UA",),
        "https://tsyfrova-hromada.example",
    ),
]


@dataclass(frozen=True)
class LegalFormSpec:
    name: str
    template: str  # how an organisation of this form is named: {stem}, {city}


@dataclass(frozen=True)
class CountrySpec:
    """One country programme's settings and the material its organisations are made of."""

    code: str
    share: float  # of organisations and proposals
    currency: str
    rate: Decimal  # local units per EUR, recent averages rounded
    max_grant: Decimal
    round_to: int  # amounts in local currency are multiples of this
    timezone: str
    ui_languages: tuple[str, ...]
    text_languages: tuple[tuple[str, float], ...]  # language of titles and descriptions
    extra_languages: tuple[tuple[str, float], ...]  # more event languages, with their chance
    min_participants: int
    min_duration: int
    payment_timing: str
    donation_receipt: bool
    legal_forms: tuple[LegalFormSpec, ...]
    registration: str  # pattern: '#' a digit
    postcode: str  # pattern: '#' a digit, 'A' a letter
    phone: str
    number_first: bool  # "12 High Street" rather than "Hauptstraße 12"
    streets: tuple[str, ...]
    stems: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


def _forms(*pairs: tuple[str, str]) -> tuple[LegalFormSpec, ...]:
    return tuple(LegalFormSpec(name, template) for name, template in pairs)


EUR = ("EUR", Decimal("1"), Decimal("500.00"), 10)
BEFORE, AFTER = "before_event", "after_report"

COUNTRIES = [
    CountrySpec(
        "AT", 0.04, *EUR, "Europe/Vienna", ("de",), (("de", 1),), (("en", 0.15),), 10, 90, AFTER,
        True,
        _forms(
            ("gemeinnütziger Verein", "Verein {stem} {city}"),
            ("gemeinnützige GmbH", "{stem} {city} gGmbH"),
            ("gemeinnützige Stiftung", "Stiftung {stem}"),
        ),
        "ZVR #########", "####", "+43 1 ### ####", False,
        ("Hauptstraße", "Schulgasse", "Bahnhofstraße", "Kirchenplatz", "Lindengasse", "Parkweg"),
        ("Digitale Jugend", "Codeclub", "MINT-Werkstatt", "Zukunftslabor", "Kinder lernen Technik",
         "Jugendzentrum", "Medienwerkstatt", "Makerspace"),
        ("Anna", "Lukas", "Sophie", "Maximilian", "Lena", "Tobias", "Katharina", "Florian",
         "Julia", "Stefan", "Magdalena", "David"),
        ("Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Steiner", "Moser", "Mayer", "Hofer",
         "Leitner", "Berger", "Fuchs"),
    ),
    CountrySpec(
        "BE", 0.06, *EUR, "Europe/Brussels", ("nl", "fr", "de"),
        (("nl", 0.55), ("fr", 0.4), ("de", 0.05)), (("en", 0.15),), 10, 90, BEFORE, False,
        _forms(
            ("VZW / ASBL", "{stem} {city}"),
            ("IVZW / AISBL", "{stem} International"),
            ("stichting van openbaar nut / fondation d'utilité publique", "Fondation {stem}"),
            ("private stichting / fondation privée", "Stichting {stem}"),
        ),
        "0###.###.###", "####", "+32 2 ### ## ##", False,
        ("Kerkstraat", "Rue de la Station", "Stationsstraat", "Rue du Moulin", "Dorpsstraat",
         "Avenue des Tilleuls"),
        ("Digitale Jeugd", "Jeunes & Numérique", "CodeKlas", "Les Petits Codeurs", "Maakplaats",
         "Bits & Bytes", "Robotix", "Wijkhuis Digitaal"),
        ("Lotte", "Mathis", "Emma", "Noah", "Louise", "Arthur", "Marie", "Lucas", "Elise",
         "Victor", "Sarah", "Jules"),
        ("Peeters", "Janssens", "Maes", "Dubois", "Lambert", "Claes", "Wouters", "Dupont",
         "Mertens", "Lemaire", "Willems", "Leclercq"),
    ),
    CountrySpec(
        "FR", 0.10, *EUR, "Europe/Paris", ("fr",), (("fr", 1),), (("en", 0.1),), 15, 120, AFTER,
        False,
        _forms(
            ("association loi 1901", "Association {stem} {city}"),
            ("association de droit local (Alsace-Moselle)", "{stem} {city}"),
            ("fondation reconnue d'utilité publique", "Fondation {stem}"),
            ("fonds de dotation", "Fonds {stem}"),
        ),
        "W#########", "#####", "+33 1 ## ## ## ##", True,
        ("rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "place de la Mairie",
         "rue des Écoles", "boulevard Pasteur"),
        ("Les Petits Codeurs", "Numérique pour Tous", "Code et Avenir", "Fabrique Numérique",
         "Jeunesse Connectée", "Les Bricodeurs", "Tremplin Digital", "Clic Solidaire"),
        ("Camille", "Hugo", "Chloé", "Louis", "Manon", "Gabriel", "Léa", "Arthur", "Inès",
         "Thomas", "Sarah", "Nathan"),
        ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
         "Leroy", "Moreau", "Simon", "Laurent"),
    ),
    CountrySpec(
        "DE", 0.14, *EUR, "Europe/Berlin", ("de",), (("de", 1),), (("en", 0.15), ("uk", 0.05)),
        10, 120, AFTER, True,
        _forms(
            ("eingetragener Verein (e.V.)", "{stem} {city} e.V."),
            ("gemeinnützige GmbH (gGmbH)", "{stem} {city} gGmbH"),
            ("gemeinnützige UG", "{stem} gUG (haftungsbeschränkt)"),
            ("Stiftung", "Stiftung {stem}"),
            ("gemeinnützige eG", "{stem} eG"),
        ),
        "VR #####", "#####", "+49 30 ########", False,
        ("Hauptstraße", "Schulstraße", "Bahnhofstraße", "Gartenstraße", "Lindenallee",
         "Am Markt"),
        ("Codeclub", "Digitale Jugend", "MINT-Werkstatt", "Jugendtechnikschule", "Zukunftslabor",
         "Medienkompetenz", "Makerspace", "Kinder- und Jugendhilfe"),
        ("Leonie", "Jonas", "Mia", "Felix", "Hannah", "Paul", "Emma", "Lukas", "Lea", "Ben",
         "Aylin", "Mehmet"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
         "Schulz", "Hoffmann", "Yılmaz", "Koch"),
    ),
    CountrySpec(
        "IT", 0.10, *EUR, "Europe/Rome", ("it",), (("it", 1),), (("en", 0.1),), 15, 180, AFTER,
        False,
        _forms(
            ("Associazione di promozione sociale (APS)", "{stem} {city} APS"),
            ("Organizzazione di volontariato (ODV)", "{stem} ODV"),
            ("Ente del Terzo Settore (ETS)", "{stem} {city} ETS"),
            ("fondazione", "Fondazione {stem}"),
            ("cooperativa sociale", "Cooperativa Sociale {stem}"),
            ("impresa sociale", "{stem} Impresa Sociale"),
        ),
        "CF ###########", "#####", "+39 06 #######", False,
        ("Via Roma", "Via Garibaldi", "Corso Italia", "Via Mazzini", "Piazza del Popolo",
         "Via Dante"),
        ("Giovani Digitali", "CoderDojo", "Officina del Codice", "Ragazzi e Tecnologia",
         "Futuro Digitale", "Laboratorio Ludico", "Bit Solidali", "Spazio Maker"),
        ("Giulia", "Francesco", "Sofia", "Alessandro", "Aurora", "Lorenzo", "Martina", "Matteo",
         "Chiara", "Andrea", "Giorgia", "Marco"),
        ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
         "Marino", "Greco", "Bruno", "Conti"),
    ),
    CountrySpec(
        "IE", 0.03, *EUR, "Europe/Dublin", ("en",), (("en", 1),), (("ga", 0.1),), 12, 90, AFTER,
        False,
        _forms(
            ("company limited by guarantee (CLG) with charitable status", "{stem} {city} CLG"),
            ("registered charity", "{stem} {city}"),
            ("unincorporated association", "{stem} Club"),
            ("charitable trust", "{stem} Trust"),
        ),
        "CHY #####", "A## A#A#", "+353 1 ### ####", True,
        ("Main Street", "Church Road", "Bridge Street", "O'Connell Street", "Mill Lane",
         "Station Road"),
        ("Code Club", "Youth Tech", "Digital Youth", "Coder Space", "Tech Futures",
         "Bright Sparks", "Community Makers", "Girls Who Build"),
        ("Aoife", "Seán", "Niamh", "Conor", "Saoirse", "Oisín", "Ciara", "Darragh", "Róisín",
         "Cian", "Emma", "Jack"),
        ("Murphy", "Kelly", "O'Sullivan", "Walsh", "Smith", "O'Brien", "Byrne", "Ryan",
         "O'Connor", "O'Neill", "Doyle", "McCarthy"),
    ),
    CountrySpec(
        "LU", 0.05, *EUR, "Europe/Luxembourg", ("fr", "de"),
        (("fr", 0.5), ("de", 0.35), ("en", 0.15)), (("lb", 0.35), ("en", 0.25)), 10, 90, BEFORE,
        False,
        _forms(
            ("ASBL", "{stem} {city} asbl"),
            ("fondation", "Fondation {stem}"),
            ("SIS (société d'impact sociétal)", "{stem} SIS"),
        ),
        "F####", "L-####", "+352 ## ## ##", True,
        ("rue de la Gare", "Grand-Rue", "route d'Arlon", "rue de l'Église", "avenue de la Liberté",
         "rue des Écoles"),
        ("Coding Kids", "Jonk Programméierer", "Digital Inclusion", "Robotique Jeunesse",
         "Code Club", "Tech4Kids", "Inclusion Numérique", "Maison des Jeunes"),
        ("Léa", "Luca", "Emma", "Noah", "Sofia", "Tom", "Charlotte", "Ben", "Mia", "Gabriel",
         "Ana", "Pedro"),
        ("Schmit", "Muller", "Weber", "Wagner", "Hoffmann", "Thill", "Kremer", "Schroeder",
         "Da Silva", "Pereira", "Reuter", "Klein"),
    ),
    CountrySpec(
        "NL", 0.06, *EUR, "Europe/Amsterdam", ("nl",), (("nl", 1),), (("en", 0.2),), 12, 120,
        AFTER, False,
        _forms(
            ("stichting", "Stichting {stem} {city}"),
            ("vereniging (met volledige rechtsbevoegdheid)", "Vereniging {stem}"),
        ),
        "########", "#### AA", "+31 20 ### ####", False,
        ("Dorpsstraat", "Kerkstraat", "Stationsweg", "Molenweg", "Schoolstraat", "Markt"),
        ("CodeKlas", "Digitale Jeugd", "Jong Talent", "Maakplaats", "Techniek voor Kids",
         "Buurthuis Digitaal", "CoderDojo", "Robotica Lab"),
        ("Emma", "Daan", "Julia", "Sem", "Sophie", "Lucas", "Tess", "Finn", "Zoë", "Levi",
         "Fatima", "Mohamed"),
        ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
         "Visser", "Smit", "Meijer", "El Amrani", "Mulder"),
    ),
    CountrySpec(
        "PL", 0.09, "PLN", Decimal("4.30"), Decimal("2150.00"), 10, "Europe/Warsaw", ("pl",),
        (("pl", 1),), (("en", 0.1), ("uk", 0.15)), 15, 180, BEFORE, True,
        _forms(
            ("fundacja", "Fundacja {stem}"),
            ("stowarzyszenie", "Stowarzyszenie {stem} {city}"),
            ("stowarzyszenie zwykłe (status OPP optional)", "{stem} {city}"),
        ),
        "KRS 0000######", "##-###", "+48 22 ### ## ##", False,
        ("ul. Mickiewicza", "ul. Szkolna", "ul. Kościuszki", "ul. Słowackiego", "ul. Polna",
         "ul. Kolejowa"),
        ("Młodzi Programiści", "Cyfrowa Przyszłość", "Kodowanie dla Dzieci", "Technika i Pasja",
         "Robotyka bez Granic", "Cyfrowe Podwórko", "Klub Młodego Informatyka",
         "Otwarte Drzwi"),
        ("Zofia", "Jakub", "Julia", "Antoni", "Maja", "Jan", "Hanna", "Szymon", "Lena", "Filip",
         "Oksana", "Michał"),
        ("Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kowalczyk", "Kamińska", "Lewandowski",
         "Zielińska", "Szymański", "Woźniak", "Dąbrowska", "Kozłowski"),
    ),
    CountrySpec(
        "RO", 0.06, "RON", Decimal("4.97"), Decimal("2480.00"), 10, "Europe/Bucharest", ("ro",),
        (("ro", 1),), (("en", 0.15), ("uk", 0.05)), 20, 240, BEFORE, False,
        _forms(
            ("asociație", "Asociația {stem} {city}"),
            ("fundație", "Fundația {stem}"),
            ("federație (OG 26/2000)", "Federația {stem}"),
        ),
        "RNONG #####/####", "######", "+40 21 ### ####", False,
        ("Strada Mihai Eminescu", "Bulevardul Unirii", "Strada Florilor", "Strada Școlii",
         "Calea Victoriei", "Strada Libertății"),
        ("Tineri Programatori", "Viitor Digital", "Copii și Tehnologie", "Atelierul de Cod",
         "Comunitatea Digitală", "Robotică pentru Toți", "Educație Deschisă", "Pași Digitali"),
        ("Maria", "Andrei", "Ioana", "Alexandru", "Elena", "Mihai", "Ana", "Stefan", "Sofia",
         "David", "Irina", "Gabriel"),
        ("Popescu", "Ionescu", "Popa", "Stan", "Dumitrescu", "Stoica", "Gheorghe", "Rusu",
         "Munteanu", "Matei", "Constantin", "Marin"),
    ),
    CountrySpec(
        "ES", 0.10, *EUR, "Europe/Madrid", ("es",), (("es", 1),),
        (("en", 0.1), ("ca", 0.15), ("eu", 0.03), ("gl", 0.03)), 15, 120, AFTER, False,
        _forms(
            ("asociación", "Asociación {stem} {city}"),
            ("fundación", "Fundación {stem}"),
            ("ONGD", "{stem} ONGD"),
        ),
        "G########", "#####", "+34 91 ### ## ##", False,
        ("Calle Mayor", "Avenida de la Constitución", "Calle Real", "Plaza de España",
         "Calle del Sol", "Paseo de la Castellana"),
        ("Jóvenes Programadores", "Código Abierto", "Futuro Digital", "Tecnología para Todos",
         "Robótica Solidaria", "Chicas Tech", "Aula Digital", "Barrio Conectado"),
        ("Lucía", "Hugo", "Sofía", "Martín", "Martina", "Pablo", "María", "Daniel", "Paula",
         "Alejandro", "Aitana", "Marc"),
        ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez",
         "Gómez", "Martín", "Puig", "Etxeberria"),
    ),
    CountrySpec(
        "GB", 0.09, "GBP", Decimal("0.85"), Decimal("425.00"), 5, "Europe/London", ("en",),
        (("en", 1),), (("cy", 0.05),), 20, 120, AFTER, False,
        _forms(
            ("registered charity", "{stem} {city}"),
            ("charitable incorporated organisation (CIO)", "{stem} {city} CIO"),
            ("SCIO (Scotland)", "{stem} SCIO"),
            ("charitable company limited by guarantee", "{stem} Trust Ltd"),
            ("community interest company (CIC)", "{stem} CIC"),
        ),
        "#######", "AA# #AA", "+44 20 #### ####", True,
        ("High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue",
         "Mill Lane"),
        ("Code Club", "Youth Tech", "Digital Futures", "Young Coders", "Tech for Good",
         "Girls Who Make", "Community Makers", "Bright Minds"),
        ("Olivia", "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Noah", "Priya",
         "Mohammed", "Grace", "Jack"),
        ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
         "Khan", "Evans", "Thomas"),
    ),
    CountrySpec(
        "UA", 0.08, "UAH", Decimal("43.50"), Decimal("21500.00"), 100, "Europe/Kyiv", ("uk",),
        (("uk", 1),), (("en", 0.15),), 15, 90, BEFORE, False,
        _forms(
            ("громадська організація (public association)", "ГО «{stem}»"),
            ("благодійна організація / благодійний фонд (charitable organisation or foundation)",
             "БФ «{stem}»"),
        ),
        "########", "#####", "+380 44 ### ## ##", False,
        ("вул. Шевченка", "вул. Грушевського", "просп. Незалежності", "вул. Франка",
         "вул. Лесі Українки", "вул. Садова"),
        ("Цифрове майбутнє", "Юні програмісти", "Код для всіх", "Діти і технології",
         "Освітній хаб", "Робототехніка для дітей", "Відкриті двері", "Крок у ІТ"),
        ("Oksana", "Andriy", "Olena", "Dmytro", "Iryna", "Oleksandr", "Sofiia", "Maksym",
         "Anastasiia", "Taras", "Yuliia", "Bohdan"),
        ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Boyko",
         "Oliinyk", "Lysenko", "Moroz", "Marchenko", "Savchenko"),
    ),
]  # fmt: skip

COUNTRY_BY_CODE = {spec.code: spec for spec in COUNTRIES}

# The fixed logins, one per role, printed at the end of the command.
DEMO_LOGINS = {
    "applicant": f"applicant@{DEMO_DOMAIN}",
    "reviewer": f"reviewer@{DEMO_DOMAIN}",
    "manager": f"manager@{DEMO_DOMAIN}",
    "programme": f"programme@{DEMO_DOMAIN}",
}
# The applicant's organisation is in Luxembourg; SOCIALware (LU, BE) employs reviewer and manager.
DEMO_COUNTRY = "LU"

# Share of proposals in each state; about 60 % approved, as the budgets are set for.
STATE_WEIGHTS = {
    "approved": 60.0,
    "rejected": 15.0,
    "draft": 7.0,
    "submitted": 6.5,
    "withdrawn": 5.0,
    "changes_requested": 4.0,
    "cancelled": 2.5,
}
# The demo applicant's own proposals in the open call's edition (states the day allows: a
# decision needs a proposal sent some weeks before, a report an event that is over).
DEMO_APPLICANT_PROPOSALS = [
    ("approved", "accepted"),
    ("approved", "submitted"),
    ("approved", None),
    ("submitted", None),
    ("changes_requested", None),
    ("draft", None),
    ("rejected", None),
    ("withdrawn", None),
    ("cancelled", None),
]
# Proposals of other organisations waiting in the open call for SOCIALware, the demo reviewer's
# and manager's partner, whatever the day: their queue always has work.
DEMO_QUEUE = {"LU": 3, "BE": 3}
# ... and in each earlier edition: events held and reported, one idea turned down.
DEMO_APPLICANT_PAST_PROPOSALS = [
    ("approved", "accepted"),
    ("approved", "accepted"),
    ("rejected", None),
]
FORMAT_WEIGHTS = {
    "workshop": 40,
    "robotics": 14,
    "hackathon": 10,
    "coding_night": 8,
    "competition": 8,
    "other": 8,
    "conference": 6,
    "film": 6,
}
AGE_RANGES = [
    (8, 12), (8, 14), (9, 13), (10, 14), (10, 16), (12, 16), (12, 18), (13, 17), (14, 18),
    (14, 19), (15, 24), (16, 24), (8, 18), (10, 24),
]  # fmt: skip
