"""A question and answer column per language for the FAQ (0015 moves each row's text into
its language's columns, 0016 drops ``language``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0013_programme_structure_moved"),
    ]

    operations = [
        migrations.AddField(
            model_name="faqentry",
            name="answer_de",
            field=models.TextField(null=True, verbose_name="answer"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="answer_en",
            field=models.TextField(null=True, verbose_name="answer"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="answer_es",
            field=models.TextField(null=True, verbose_name="answer"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="answer_fr",
            field=models.TextField(null=True, verbose_name="answer"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="answer_it",
            field=models.TextField(null=True, verbose_name="answer"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="answer_nl",
            field=models.TextField(null=True, verbose_name="answer"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="answer_pl",
            field=models.TextField(null=True, verbose_name="answer"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="answer_ro",
            field=models.TextField(null=True, verbose_name="answer"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="answer_uk",
            field=models.TextField(null=True, verbose_name="answer"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="question_de",
            field=models.CharField(max_length=240, null=True, verbose_name="question"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="question_en",
            field=models.CharField(max_length=240, null=True, verbose_name="question"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="question_es",
            field=models.CharField(max_length=240, null=True, verbose_name="question"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="question_fr",
            field=models.CharField(max_length=240, null=True, verbose_name="question"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="question_it",
            field=models.CharField(max_length=240, null=True, verbose_name="question"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="question_nl",
            field=models.CharField(max_length=240, null=True, verbose_name="question"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="question_pl",
            field=models.CharField(max_length=240, null=True, verbose_name="question"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="question_ro",
            field=models.CharField(max_length=240, null=True, verbose_name="question"),
        ),
        migrations.AddField(
            model_name="faqentry",
            name="question_uk",
            field=models.CharField(max_length=240, null=True, verbose_name="question"),
        ),
    ]
