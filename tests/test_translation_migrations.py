"""The migrations to texts in every language keep what staff wrote, forwards and backwards:
today's text becomes the English one; an FAQ row's text moves into its language's columns; back
again, an FAQ entry becomes one row per language it has text in."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [
    ("programmes", "0001_initial"),
    ("events", "0009_programme_structure_moved"),
    ("grants", "0013_programme_structure_moved"),
]
AFTER = [
    ("programmes", "0003_criteria_english"),
    ("events", "0011_texts_english"),
    ("grants", "0016_faq_without_language"),
]


def migrate(targets):
    """The database migrated to ``targets``; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_afterwards():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_rows(apps):
    today = timezone.localdate()
    edition = apps.get_model("programmes", "Edition").objects.create(
        name="Meet and Code",
        year=today.year,
        code="MCX",
        applications_open=today,
        application_deadline=timezone.now() + timedelta(days=30),
        event_start=today,
        event_end=today + timedelta(days=90),
        max_grant=Decimal("500"),
    )
    apps.get_model("programmes", "ReviewCriterion").objects.create(
        edition=edition, name="Relevance", description="Reaches beginners", position=1
    )
    apps.get_model("events", "FocusGroup").objects.create(code="girls", name="Girls")
    apps.get_model("events", "Resource").objects.create(
        title="Scratch ideas",
        summary="Ten projects",
        kind="guide",
        language="de",
        url="https://example.org/",
    )
    faq = apps.get_model("grants", "FaqEntry").objects
    faq.create(question="Who can apply?", answer="Non-profits.", language="en", order=1)
    faq.create(question="Wer kann sich bewerben?", answer="Vereine.", language="de", order=2)
    faq.create(question="Qui peut ?", answer="Les associations.", language="lb", order=3)


def test_the_translation_migrations_keep_every_text_both_ways(latest_afterwards):
    _old_rows(migrate(BEFORE))

    apps = migrate(AFTER)

    criterion = apps.get_model("programmes", "ReviewCriterion").objects.get()
    assert (criterion.name_en, criterion.description_en) == ("Relevance", "Reaches beginners")
    assert criterion.name_de is None
    assert apps.get_model("events", "FocusGroup").objects.get().name_en == "Girls"
    resource = apps.get_model("events", "Resource").objects.get()
    assert (resource.title_en, resource.summary_en, resource.language) == (
        "Scratch ideas",
        "Ten projects",
        "de",  # the resource's own language stays
    )
    faq = {e.order: e for e in apps.get_model("grants", "FaqEntry").objects.all()}
    assert (faq[1].question_en, faq[1].answer_en, faq[1].question_de) == (
        "Who can apply?",
        "Non-profits.",
        None,
    )
    assert (faq[2].question_de, faq[2].answer_de, faq[2].question_en) == (
        "Wer kann sich bewerben?",
        "Vereine.",
        None,
    )
    assert faq[3].question_en == "Qui peut ?"  # a language the site does not speak: English

    # An entry written in two languages after the migration, then back.
    faq[1].question_fr, faq[1].answer_fr = "Qui peut postuler ?", "Les associations."
    faq[1].save()
    apps.get_model("programmes", "ReviewCriterion").objects.update(name_en="Relevance!")
    apps = migrate(BEFORE)

    rows = apps.get_model("grants", "FaqEntry").objects.order_by("order", "language")
    assert [(r.order, r.language, r.question, r.answer) for r in rows] == [
        (1, "en", "Who can apply?", "Non-profits."),
        (1, "fr", "Qui peut postuler ?", "Les associations."),
        (2, "de", "Wer kann sich bewerben?", "Vereine."),
        (3, "en", "Qui peut ?", "Les associations."),
    ]
    assert apps.get_model("programmes", "ReviewCriterion").objects.get().name == "Relevance!"
    assert apps.get_model("events", "FocusGroup").objects.get().name == "Girls"
