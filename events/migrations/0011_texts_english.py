"""Focus groups' names and library resources' titles and summaries in every language of the site
(events/translation.py): a column per language, the English one filled with today's text.
Backwards, the original columns take the English text back."""

from django.db import migrations
from django.db.models import F

TEXTS = {"FocusGroup": ("name",), "Resource": ("title", "summary")}


def english_from_original(apps, schema_editor):
    for model, fields in TEXTS.items():
        apps.get_model("events", model).objects.update(**{f"{f}_en": F(f) for f in fields})


def original_from_english(apps, schema_editor):
    for model, fields in TEXTS.items():
        rows = apps.get_model("events", model).objects
        for field in fields:
            filled = {f"{field}_en__isnull": False, f"{field}_en__gt": ""}
            rows.filter(**filled).update(**{field: F(f"{field}_en")})


class Migration(migrations.Migration):
    dependencies = [("events", "0010_texts_translations")]

    operations = [migrations.RunPython(english_from_original, original_from_english)]
