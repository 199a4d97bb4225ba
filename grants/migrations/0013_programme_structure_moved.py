"""The programme's structure leaves grants for its own app (programmes 0001): grants points its
foreign keys at it and forgets the models. Nothing changes in the database: the tables stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0009_programme_structure_moved"),
        ("grants", "0012_returning_organisations"),
        ("organisations", "0009_programme_structure_moved"),
        ("programmes", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='countryinfo',
                    name='country_programme',
                ),
                migrations.RemoveConstraint(
                    model_name='countryprogramme',
                    name='programme_unique_country',
                ),
                migrations.RemoveConstraint(
                    model_name='countryprogramme',
                    name='programme_budget_not_negative',
                ),
                migrations.RemoveConstraint(
                    model_name='countryprogramme',
                    name='programme_reserved_not_negative',
                ),
                migrations.RemoveConstraint(
                    model_name='countryprogramme',
                    name='programme_reserved_within_budget',
                ),
                migrations.RemoveConstraint(
                    model_name='countryprogramme',
                    name='programme_max_grant_positive',
                ),
                migrations.AlterField(
                    model_name='grant',
                    name='country_programme',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='grants', to='programmes.countryprogramme', verbose_name='country programme'),
                ),
                migrations.RemoveConstraint(
                    model_name='countrytext',
                    name='countrytext_one_per_language',
                ),
                migrations.RemoveConstraint(
                    model_name='edition',
                    name='edition_event_window_ordered',
                ),
                migrations.RemoveConstraint(
                    model_name='edition',
                    name='edition_max_grant_positive',
                ),
                migrations.RemoveConstraint(
                    model_name='edition',
                    name='edition_age_range_ordered',
                ),
                migrations.RemoveConstraint(
                    model_name='reviewcriterion',
                    name='criterion_unique_per_edition',
                ),
                migrations.AlterField(
                    model_name='reviewscore',
                    name='criterion',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programmes.reviewcriterion', verbose_name='criterion'),
                ),
                migrations.RemoveField(
                    model_name='countrytext',
                    name='info',
                ),
                migrations.RemoveField(
                    model_name='reviewcriterion',
                    name='edition',
                ),
                migrations.DeleteModel(
                    name='CountryProgramme',
                ),
                migrations.DeleteModel(
                    name='CountryInfo',
                ),
                migrations.DeleteModel(
                    name='CountryText',
                ),
                migrations.DeleteModel(
                    name='Edition',
                ),
                migrations.DeleteModel(
                    name='ReviewCriterion',
                ),
            ],
        ),
    ]
