"""Foreign keys now point at the programme's models in their new app (programmes 0001); the
columns and constraints in the database stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0008_event_edition'),
        ('programmes', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='event',
                    name='edition',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='programmes.edition', verbose_name='edition'),
                ),
                migrations.AlterField(
                    model_name='proposal',
                    name='country_programme',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='proposals', to='programmes.countryprogramme', verbose_name='country programme'),
                ),
            ],
        ),
    ]
