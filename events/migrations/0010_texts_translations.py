"""A column per language for focus groups' names and library resources' titles and summaries
(0011 fills the English one)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0009_programme_structure_moved"),
    ]

    operations = [
        migrations.AddField(
            model_name="focusgroup",
            name="name_de",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="focusgroup",
            name="name_en",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="focusgroup",
            name="name_es",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="focusgroup",
            name="name_fr",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="focusgroup",
            name="name_it",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="focusgroup",
            name="name_nl",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="focusgroup",
            name="name_pl",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="focusgroup",
            name="name_ro",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="focusgroup",
            name="name_uk",
            field=models.CharField(max_length=100, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="resource",
            name="summary_de",
            field=models.TextField(max_length=1000, null=True, verbose_name="summary"),
        ),
        migrations.AddField(
            model_name="resource",
            name="summary_en",
            field=models.TextField(max_length=1000, null=True, verbose_name="summary"),
        ),
        migrations.AddField(
            model_name="resource",
            name="summary_es",
            field=models.TextField(max_length=1000, null=True, verbose_name="summary"),
        ),
        migrations.AddField(
            model_name="resource",
            name="summary_fr",
            field=models.TextField(max_length=1000, null=True, verbose_name="summary"),
        ),
        migrations.AddField(
            model_name="resource",
            name="summary_it",
            field=models.TextField(max_length=1000, null=True, verbose_name="summary"),
        ),
        migrations.AddField(
            model_name="resource",
            name="summary_nl",
            field=models.TextField(max_length=1000, null=True, verbose_name="summary"),
        ),
        migrations.AddField(
            model_name="resource",
            name="summary_pl",
            field=models.TextField(max_length=1000, null=True, verbose_name="summary"),
        ),
        migrations.AddField(
            model_name="resource",
            name="summary_ro",
            field=models.TextField(max_length=1000, null=True, verbose_name="summary"),
        ),
        migrations.AddField(
            model_name="resource",
            name="summary_uk",
            field=models.TextField(max_length=1000, null=True, verbose_name="summary"),
        ),
        migrations.AddField(
            model_name="resource",
            name="title_de",
            field=models.CharField(max_length=160, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="resource",
            name="title_en",
            field=models.CharField(max_length=160, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="resource",
            name="title_es",
            field=models.CharField(max_length=160, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="resource",
            name="title_fr",
            field=models.CharField(max_length=160, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="resource",
            name="title_it",
            field=models.CharField(max_length=160, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="resource",
            name="title_nl",
            field=models.CharField(max_length=160, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="resource",
            name="title_pl",
            field=models.CharField(max_length=160, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="resource",
            name="title_ro",
            field=models.CharField(max_length=160, null=True, verbose_name="title"),
        ),
        migrations.AddField(
            model_name="resource",
            name="title_uk",
            field=models.CharField(max_length=160, null=True, verbose_name="title"),
        ),
    ]
