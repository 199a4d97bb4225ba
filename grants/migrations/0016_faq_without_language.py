"""An FAQ entry holds every language now (0015): its ``language`` goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0015_faq_into_language_columns"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="faqentry",
            options={
                "ordering": ["order", "id"],
                "verbose_name": "FAQ entry",
                "verbose_name_plural": "FAQ entries",
            },
        ),
        migrations.RemoveField(
            model_name="faqentry",
            name="language",
        ),
    ]
