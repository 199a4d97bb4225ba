"""The FAQ's entries in every language of the site (grants/translation.py): a question and
answer column per language. Each entry was one language's row; its text moves into the columns
of its ``language`` (a code the site does not speak goes to English). 0016 then drops
``language``. Backwards, an entry becomes one row per language it has text in."""

from django.db import migrations
from django.db.models import F

CODES = ("en", "de", "fr", "nl", "it", "pl", "ro", "es", "uk")  # settings.LANGUAGES, as of now


def _columns(code):
    return {f"question_{code}": F("question"), f"answer_{code}": F("answer")}


def into_language_columns(apps, schema_editor):
    entries = apps.get_model("grants", "FaqEntry").objects
    for code in CODES[1:]:
        entries.filter(language=code).update(**_columns(code))
    entries.exclude(language__in=CODES[1:]).update(**_columns("en"))


def one_row_per_language(apps, schema_editor):
    FaqEntry = apps.get_model("grants", "FaqEntry")
    for entry in FaqEntry.objects.order_by("pk"):
        texts = [
            (code, getattr(entry, f"question_{code}"), getattr(entry, f"answer_{code}") or "")
            for code in CODES
            if getattr(entry, f"question_{code}")
        ]
        if not texts:
            continue
        (code, question, answer), *others = texts
        entry.language, entry.question, entry.answer = code, question, answer
        entry.save(update_fields=["language", "question", "answer"])
        for code, question, answer in others:
            FaqEntry.objects.create(
                question=question,
                answer=answer,
                language=code,
                order=entry.order,
                published=entry.published,
            )


class Migration(migrations.Migration):
    dependencies = [("grants", "0014_faq_translations")]

    operations = [migrations.RunPython(into_language_columns, one_row_per_language)]
