"""The review criteria's names and descriptions in every language of the site
(programmes/translation.py): a column per language, the English one filled with today's text;
each language's name unique per edition, as the name is. Backwards, the original columns take
the English text back."""

from django.db import migrations
from django.db.models import F


def english_from_original(apps, schema_editor):
    criteria = apps.get_model("programmes", "ReviewCriterion").objects
    criteria.update(name_en=F("name"), description_en=F("description"))


def original_from_english(apps, schema_editor):
    criteria = apps.get_model("programmes", "ReviewCriterion").objects
    criteria.filter(name_en__gt="").update(name=F("name_en"))
    criteria.filter(description_en__isnull=False).update(description=F("description_en"))


class Migration(migrations.Migration):
    dependencies = [("programmes", "0002_criteria_translations")]

    operations = [migrations.RunPython(english_from_original, original_from_english)]
