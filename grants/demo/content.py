"""The demo's public content: library resources, FAQ entries and the country pages (their texts
in each country's languages: grants.demo.country_texts).

Content an editor keeps in the admin, so stored as data (not gettext strings), English here and
the other languages in grants.demo.translations. Writing it is idempotent: rows are matched by
their link, English question or country programme and updated, so a second build (or --reset)
leaves one of each. --reset keeps resources and FAQ entries: they
belong to no edition; the country pages go with their edition.
"""

from django.db.models import Q

from events.models import Resource
from grants.demo import translations
from grants.demo.country_texts import write_country_texts, write_legal_form_names
from grants.models import FaqEntry
from programmes.models import CountryInfo, CountryProgramme

# (title, kind, format, age band, language, link, summary)
RESOURCES = [
    ("Scratch ideas for a first workshop", "lesson_plan", "workshop", "8-12", "en",
     "https://scratch.mit.edu/ideas",
     "Step-by-step project ideas for complete beginners: animate your name, make a pong game, "
     "tell an interactive story. Each fits a 90-minute session."),
    ("EU Code Week: learning bits", "toolkit", "", "all", "en",
     "https://codeweek.eu/resources/learn",
     "A collection of short lessons and materials from EU Code Week, searchable by age, "
     "subject and language."),
    ("CS Unplugged: computer science without computers", "lesson_plan", "workshop", "8-12", "en",
     "https://www.csunplugged.org/en/",
     "Games and puzzles that teach binary numbers, sorting and algorithms with cards, string "
     "and chalk: ideal where there are few devices."),
    ("micro:bit projects for beginners", "lesson_plan", "robotics", "8-12", "en",
     "https://microbit.org/projects/",
     "Small hardware projects with the BBC micro:bit: a step counter, a compass, a "
     "rock-paper-scissors game. With teacher notes."),
    ("Open Roberta Lab: programming robots in the browser", "toolkit", "robotics", "13-16",
     "de", "https://lab.open-roberta.org/",
     "Die kostenlose Plattform des Fraunhofer IAIS: Roboter und Mikrocontroller grafisch "
     "programmieren, mit Simulation, wenn keine Hardware da ist."),
    ("Raspberry Pi projects", "guide", "coding_night", "13-16", "en",
     "https://projects.raspberrypi.org/",
     "Hundreds of free projects in Scratch, Python and HTML, with printable guides for "
     "volunteers running a Code Club or a coding night."),
    ("MIT App Inventor tutorials", "lesson_plan", "workshop", "13-16", "en",
     "https://appinventor.mit.edu/explore/ai2/tutorials",
     "Build a first Android app in an afternoon with blocks: a talking app, a paint app, "
     "a quiz. Good for a two-session workshop."),
    ("Organiser un hackathon pour les jeunes", "guide", "hackathon", "17-24", "fr",
     "https://codeweek.eu/guide",
     "Les étapes clés d'un hackathon réussi : choisir un thème, former des équipes mixtes, "
     "accompagner les mentors et présenter les projets au public."),
    ("Hour of Code activities", "lesson_plan", "", "8-12", "en",
     "https://hourofcode.com/learn",
     "One-hour tutorials in more than 45 languages, from Minecraft to dance parties: an easy "
     "start for a short event or an open day."),
    ("How to reach girls with coding events", "guide", "", "all", "en",
     "https://codeweek.eu/blog",
     "What organisers across Europe learned: mixed mentor teams, project themes that matter "
     "to participants, and inviting friends in pairs."),
    ("Story: a robotics course in a refugee shelter", "story", "robotics", "13-16", "en",
     "https://www.meet-and-code.org/",
     "A youth centre tells how twelve teenagers who had just arrived built line-following "
     "robots over six afternoons, and what they would do differently."),
    ("Video: what is a coding night?", "video", "coding_night", "17-24", "en",
     "https://www.youtube.com/results?search_query=coding+night",
     "A five-minute film following one evening of a coding night, from pizza to the final "
     "demos: use it to promote your own event."),
]  # fmt: skip

# (question, answer) in English; most also in German and French (grants.demo.translations).
FAQ = {
    "en": [
        ("Who can apply?",
         "Non-profit organisations registered in one of the programme's countries, with a legal "
         "form accepted there. Schools can take part through their parents' association or a "
         "partner non-profit."),
        ("How much can we receive?",
         "Up to EUR 500 per event (in some countries the same in the local currency). The grant "
         "pays eligible costs: trainers, software, materials, promotion, technical help and, where "
         "technically needed, the venue."),
        ("Must the event be free?",
         "Yes. Participation must be free for all children and young people taking part."),
        ("How many events may we propose?",
         "As many as you like, each as its own proposal. Each is reviewed on its own."),
        ("When do we receive the money?",
         "It depends on your country: either on approval, before the event, or after your report "
         "has been accepted. Your country's page says which."),
        ("What must we report after the event?",
         "How many took part, their ages and genders, whether participants belonged to focus "
         "groups, and a few words on how it went. Photos only with consent."),
    ],
}  # fmt: skip

COMMON_CONDITIONS = [
    "The event is free of charge for every participant.",
    "Participants are children and young people aged 8 to 24.",
    "The event takes place within the edition's event window.",
    "The organisation reports on the event within the time the partner sets.",
]
COUNTRY_CONDITIONS = {
    "LU": ["Events may be held in Luxembourgish, French, German or English."],
    "DE": ["The organisation must be recognised as gemeinnützig by its tax office."],
    "FR": ["Events of the association must be open to the public, not only to its members."],
    "BE": ["In Belgium the grant is paid on approval, before the event."],
}
COUNTRY_NOTES = {
    "LU": "Questions about your application? The partner answers within two working days.",
}


def write_public_content(programmes: dict[str, CountryProgramme]) -> int:
    """Create or update the demo's library, FAQ and country pages; returns the rows written."""
    rows = 0
    for title, kind, fmt, age, language, url, summary in RESOURCES:
        texts = {"en": (title, summary), **translations.RESOURCES.get(url, {})}
        Resource.objects.update_or_create(
            url=url,
            defaults={"kind": kind, "format": fmt, "age_band": age, "language": language,
                      "published": True, **_texts(("title", "summary"), texts)},
        )  # fmt: skip
        rows += 1
    rows += _write_faq()
    for code, programme in programmes.items():
        conditions = COMMON_CONDITIONS + COUNTRY_CONDITIONS.get(code, [])
        info, _created = CountryInfo.objects.update_or_create(
            country_programme=programme,
            defaults={
                "conditions": "\n".join(conditions),
                "extra_notes": COUNTRY_NOTES.get(code, ""),
            },
        )
        rows += 1 + write_country_texts(info, programme)
    return rows + write_legal_form_names()


def _texts(fields: tuple[str, ...], texts: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Each field's column per language: ``{"title_en": ..., "summary_de": ...}``."""
    return {
        f"{field}_{language}": value
        for language, values in texts.items()
        for field, value in zip(fields, values, strict=True)
    }


def _write_faq() -> int:
    """One entry per question, its text in each language it has; the one-language rows of
    earlier builds (before an entry held every language) go."""
    for language in ("de", "fr"):
        questions = [texts[language][0] for texts in translations.FAQ.values() if language in texts]
        without_english = Q(question_en__isnull=True) | Q(question_en="")
        FaqEntry.objects.filter(without_english, **{f"question_{language}__in": questions}).delete()
    for order, (question, answer) in enumerate(FAQ["en"], start=1):
        texts = {"en": (question, answer), **translations.FAQ.get(question, {})}
        FaqEntry.objects.update_or_create(
            question_en=question,
            defaults={
                "order": order * 10,
                "published": True,
                **_texts(("question", "answer"), texts),
            },
        )
    return len(FAQ["en"])
