"""Each public event names its edition, so the map and the feeds filter by edition without reading
proposals. Existing events take their proposal's edition."""

import django.db.models.deletion
from django.db import migrations, models


def fill_editions(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    Proposal = apps.get_model("events", "Proposal")
    editions = Proposal.objects.filter(pk=models.OuterRef("proposal_id")).values(
        "country_programme__edition_id"
    )[:1]
    Event.objects.update(edition_id=models.Subquery(editions))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_verbose_names"),
        ("grants", "0011_queue_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="edition",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="grants.edition",
                verbose_name="edition",
            ),
        ),
        migrations.RunPython(fill_editions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="event",
            name="edition",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="grants.edition",
                verbose_name="edition",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["edition", "starts_at"], name="event_edition_starts"),
        ),
    ]
