"""The programme's structure moves from grants into its own app, below organisations, events
and grants (the layers of docs/architecture.md). The tables stay as they are: these models keep
their grants_* tables (db_table), so only Django's idea of where they live changes, and the
content types (with their permissions and audit entries) follow them."""

import django.db.models.deletion
import django_countries.fields
from decimal import Decimal
from django.db import migrations, models




def content_types_follow(apps, schema_editor, *, source="grants", target="programmes"):
    content_type = apps.get_model("contenttypes", "ContentType")
    moved = ["edition", "countryprogramme", "reviewcriterion", "countryinfo", "countrytext"]
    content_type.objects.filter(app_label=source, model__in=moved).update(app_label=target)


def content_types_go_back(apps, schema_editor):
    content_types_follow(apps, schema_editor, source="programmes", target="grants")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("grants", "0012_returning_organisations"),
        ("organisations", "0008_verbose_names"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CountryProgramme',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('country', django_countries.fields.CountryField(max_length=2, verbose_name='country')),
                        ('currency', models.CharField(choices=[('EUR', 'EUR'), ('GBP', 'GBP'), ('PLN', 'PLN'), ('RON', 'RON'), ('UAH', 'UAH')], default='EUR', max_length=3, verbose_name='currency')),
                        ('budget', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='budget')),
                        ('reserved', models.DecimalField(decimal_places=2, default=Decimal('0'), max_digits=12, verbose_name='reserved by approved grants')),
                        ('max_grant', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='maximum grant per event')),
                        ('min_participants', models.PositiveSmallIntegerField(default=10, verbose_name='minimum participants')),
                        ('min_duration_minutes', models.PositiveSmallIntegerField(default=90, verbose_name='minimum duration (minutes)')),
                        ('payment_timing', models.CharField(choices=[('before_event', 'On approval, before the event'), ('after_report', 'After the accepted report')], default='after_report', max_length=20, verbose_name='payment timing')),
                        ('report_deadline_hours', models.PositiveSmallIntegerField(default=48, verbose_name='report due (hours after the event)')),
                        ('application_deadline', models.DateTimeField(blank=True, help_text="Leave empty to use the edition's deadline.", null=True, verbose_name='application deadline')),
                        ('languages', models.JSONField(default=list, help_text='Language codes, e.g. ["fr", "de"].', verbose_name='languages')),
                        ('donation_receipt_required', models.BooleanField(default=False, verbose_name='donation receipt required')),
                        ('returning_organisations', models.CharField(choices=[('check_again', 'Checked again in every edition'), ('stay_validated', 'Stay validated once validated in an earlier edition')], default='check_again', help_text='Whether an organisation validated in an earlier edition stays validated here, or is checked again by the national partner.', max_length=20, verbose_name='returning organisations')),
                        ('conditions', models.TextField(blank=True, verbose_name='conditions of participation')),
                        ('partner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='country_programmes', to='organisations.partner', verbose_name='national partner')),
                    ],
                    options={
                        'verbose_name': 'country programme',
                        'verbose_name_plural': 'country programmes',
                        'db_table': 'grants_countryprogramme',
                        'ordering': ['edition', 'country'],
                    },
                ),
                migrations.CreateModel(
                    name='CountryInfo',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('conditions', models.TextField(blank=True, help_text="Shown on the country's public page. One condition per line.", verbose_name='conditions of participation')),
                        ('extra_notes', models.TextField(blank=True, help_text='Anything else applicants should know.', verbose_name='further notes')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('country_programme', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='info', to='programmes.countryprogramme', verbose_name='country programme')),
                    ],
                    options={
                        'verbose_name': 'country page',
                        'verbose_name_plural': 'country pages',
                        'db_table': 'grants_countryinfo',
                    },
                ),
                migrations.CreateModel(
                    name='Edition',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('year', models.PositiveSmallIntegerField(unique=True, verbose_name='year')),
                        ('code', models.CharField(help_text='Prefix of grant references, e.g. MC24.', max_length=8, unique=True, verbose_name='code')),
                        ('applications_open', models.DateField(verbose_name='applications open')),
                        ('application_deadline', models.DateTimeField(verbose_name='application deadline')),
                        ('event_start', models.DateField(verbose_name='events from')),
                        ('event_end', models.DateField(verbose_name='events until')),
                        ('max_grant', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='maximum grant per event (EUR)')),
                        ('min_age', models.PositiveSmallIntegerField(default=8, verbose_name='youngest participants')),
                        ('max_age', models.PositiveSmallIntegerField(default=24, verbose_name='oldest participants')),
                    ],
                    options={
                        'verbose_name': 'edition',
                        'verbose_name_plural': 'editions',
                        'db_table': 'grants_edition',
                        'ordering': ['-year'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('event_start__lte', models.F('event_end'))), name='edition_event_window_ordered'), models.CheckConstraint(condition=models.Q(('max_grant__gt', 0)), name='edition_max_grant_positive'), models.CheckConstraint(condition=models.Q(('min_age__lte', models.F('max_age'))), name='edition_age_range_ordered')],
                    },
                ),
                migrations.AddField(
                    model_name='countryprogramme',
                    name='edition',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='country_programmes', to='programmes.edition', verbose_name='edition'),
                ),
                migrations.CreateModel(
                    name='ReviewCriterion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                        ('edition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='criteria', to='programmes.edition', verbose_name='edition')),
                    ],
                    options={
                        'verbose_name': 'review criterion',
                        'verbose_name_plural': 'review criteria',
                        'db_table': 'grants_reviewcriterion',
                        'ordering': ['edition', 'position', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='CountryText',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('language', models.CharField(choices=[('en', 'English'), ('de', 'German'), ('fr', 'French'), ('nl', 'Dutch'), ('it', 'Italian'), ('pl', 'Polish'), ('ro', 'Romanian'), ('es', 'Spanish'), ('uk', 'Ukrainian')], max_length=8, verbose_name='language')),
                        ('conditions', models.TextField(blank=True, help_text="Shown on the country's public page. One condition per line.", verbose_name='conditions of participation')),
                        ('extra_notes', models.TextField(blank=True, help_text='Anything else applicants should know.', verbose_name='further notes')),
                        ('letter_text', models.TextField(blank=True, help_text='A paragraph every award letter in this language adds after its opening.', verbose_name='award letter text')),
                        ('partner_contact', models.TextField(blank=True, help_text='Address, phone, opening hours: how applicants reach the national partner.', verbose_name="national partner's contact details")),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('info', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='texts', to='programmes.countryinfo', verbose_name='country page')),
                    ],
                    options={
                        'verbose_name': 'country text',
                        'verbose_name_plural': 'country texts',
                        'db_table': 'grants_countrytext',
                        'ordering': ['info', 'language'],
                        'constraints': [models.UniqueConstraint(fields=('info', 'language'), name='countrytext_one_per_language')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='countryprogramme',
                    constraint=models.UniqueConstraint(fields=('edition', 'country'), name='programme_unique_country'),
                ),
                migrations.AddConstraint(
                    model_name='countryprogramme',
                    constraint=models.CheckConstraint(condition=models.Q(('budget__gte', 0)), name='programme_budget_not_negative'),
                ),
                migrations.AddConstraint(
                    model_name='countryprogramme',
                    constraint=models.CheckConstraint(condition=models.Q(('reserved__gte', 0)), name='programme_reserved_not_negative'),
                ),
                migrations.AddConstraint(
                    model_name='countryprogramme',
                    constraint=models.CheckConstraint(condition=models.Q(('reserved__lte', models.F('budget'))), name='programme_reserved_within_budget'),
                ),
                migrations.AddConstraint(
                    model_name='countryprogramme',
                    constraint=models.CheckConstraint(condition=models.Q(('max_grant__gt', 0)), name='programme_max_grant_positive'),
                ),
                migrations.AddConstraint(
                    model_name='reviewcriterion',
                    constraint=models.UniqueConstraint(fields=('edition', 'name'), name='criterion_unique_per_edition'),
                ),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_go_back),
    ]
