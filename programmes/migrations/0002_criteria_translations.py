"""A column per language for the review criteria's names and descriptions (0003 fills the
English one), each language's name unique per edition as the name is."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewcriterion",
            name="description_de",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="description_en",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="description_es",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="description_fr",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="description_it",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="description_nl",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="description_pl",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="description_ro",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="description_uk",
            field=models.TextField(blank=True, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="name_de",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="name_en",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="name_es",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="name_fr",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="name_it",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="name_nl",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="name_pl",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="name_ro",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="reviewcriterion",
            name="name_uk",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddConstraint(
            model_name="reviewcriterion",
            constraint=models.UniqueConstraint(
                fields=("edition", "name_en"), name="criterion_unique_per_edition-en"
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewcriterion",
            constraint=models.UniqueConstraint(
                fields=("edition", "name_de"), name="criterion_unique_per_edition-de"
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewcriterion",
            constraint=models.UniqueConstraint(
                fields=("edition", "name_fr"), name="criterion_unique_per_edition-fr"
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewcriterion",
            constraint=models.UniqueConstraint(
                fields=("edition", "name_nl"), name="criterion_unique_per_edition-nl"
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewcriterion",
            constraint=models.UniqueConstraint(
                fields=("edition", "name_it"), name="criterion_unique_per_edition-it"
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewcriterion",
            constraint=models.UniqueConstraint(
                fields=("edition", "name_pl"), name="criterion_unique_per_edition-pl"
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewcriterion",
            constraint=models.UniqueConstraint(
                fields=("edition", "name_ro"), name="criterion_unique_per_edition-ro"
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewcriterion",
            constraint=models.UniqueConstraint(
                fields=("edition", "name_es"), name="criterion_unique_per_edition-es"
            ),
        ),
        migrations.AddConstraint(
            model_name="reviewcriterion",
            constraint=models.UniqueConstraint(
                fields=("edition", "name_uk"), name="criterion_unique_per_edition-uk"
            ),
        ),
    ]
