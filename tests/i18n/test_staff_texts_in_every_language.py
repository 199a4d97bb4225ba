"""What staff write in the admin (FAQ, library, focus groups, review criteria) reads in the
visitor's language, and in English where that language has no text yet; language names read in
the visitor's language too. Pages are followed as a person would, in German."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from events.models import Proposal, Resource
from grants.models import FaqEntry
from organisations.models import PartnerStaff
from tests.factories import (
    FocusGroupFactory,
    LanguageFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
    ReviewCriterionFactory,
)

pytestmark = pytest.mark.django_db


def german(name: str, *args) -> str:
    with translation.override("de"):
        return reverse(name, args=args)


def _resource(title: str, **texts) -> Resource:
    return Resource.objects.create(
        title_en=title,
        summary_en=f"All about {title}.",
        kind="guide",
        url=f"https://example.org/{len(title)}",
        published=True,
        **texts,
    )


def test_a_german_visitor_reads_the_faq_in_german_and_in_english_where_untranslated(client):
    FaqEntry.objects.create(
        question_en="Who can apply?",
        answer_en="Non-profits.",
        question_de="Wer kann sich bewerben?",
        answer_de="Gemeinnützige Vereine.",
        order=1,
    )
    FaqEntry.objects.create(question_en="Is it free?", answer_en="Yes, always.", order=2)

    page = client.get(german("public:faq")).content.decode()

    assert "Wer kann sich bewerben?" in page and "Gemeinnützige Vereine." in page
    assert "Who can apply?" not in page
    assert "Is it free?" in page and "Yes, always." in page  # no German yet: the English
    assert 'lang="de"' in page and 'lang="en"' in page  # each entry says its language


def test_a_german_visitor_reads_and_searches_the_library_in_german(client):
    _resource(
        "Unplugged games",
        title_de="Spiele ohne Computer",
        summary_de="Binärzahlen mit Karten.",
    )
    _resource("Robot kits")

    page = client.get(german("events:library")).content.decode()
    found = client.get(german("events:library"), {"q": "Karten"}).content.decode()
    in_english = client.get(german("events:library"), {"q": "Robot"}).content.decode()

    assert "Spiele ohne Computer" in page and "Binärzahlen mit Karten." in page
    assert "Unplugged games" not in page
    assert "Robot kits" in page  # not translated: the English title
    assert "Spiele ohne Computer" in found and "Robot kits" not in found
    assert "Robot kits" in in_english  # the English text shown is searched too


@pytest.mark.parametrize("url", ["public:faq", "events:library"])
def test_the_translated_lists_do_not_query_per_row(client, url):
    def rows(n):
        for i in range(n):
            FaqEntry.objects.create(question_en=f"Q{i}?", answer_en="A.", question_de=f"F{i}?")
            _resource("x" * (i + 1), title_de=f"Titel {i}")

    rows(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(german(url)).status_code == 200
    rows(8)
    with CaptureQueriesContext(connection) as many:
        assert client.get(german(url)).status_code == 200

    assert len(many) == len(few)


def test_an_applicant_ticks_focus_groups_and_languages_named_in_german(client):
    membership = MembershipFactory()
    proposal = ProposalFactory(organisation=membership.organisation)
    girls = FocusGroupFactory(code="girls", name="Girls and young women")
    girls.name_de = "Mädchen und junge Frauen"
    girls.save()
    FocusGroupFactory(code="refugees", name="Refugees")
    LanguageFactory(code="fr", name="French")
    client.force_login(membership.user)

    form = client.get(german("events:edit", proposal.pk)).content.decode()
    proposal.focus_groups.set([girls])
    detail = client.get(german("events:detail", proposal.pk)).content.decode()

    assert "Mädchen und junge Frauen" in form and "Girls and young women" not in form
    assert "Refugees" in form  # no German name yet: the English one
    assert "Französisch" in form and "French" not in form  # Django's German language name
    assert "Mädchen und junge Frauen" in detail


def test_a_reviewer_scores_on_criteria_in_german(client, two_factor_login):
    proposal = ProposalFactory(status=Proposal.Status.SUBMITTED)
    edition = proposal.country_programme.edition
    ReviewCriterionFactory(
        edition=edition,
        name="Relevance",
        description="Reaches beginners",
        name_de="Relevanz",
        description_de="Erreicht Anfänger",
    )
    ReviewCriterionFactory(edition=edition, name="Value for money", description="Fair budget")
    reviewer = PartnerStaffFactory(
        partner=proposal.country_programme.partner, role=PartnerStaff.Role.REVIEWER
    ).user
    two_factor_login(client, reviewer)

    page = client.get(german("grants:review", proposal.pk)).content.decode()

    assert "Relevanz" in page and "Erreicht Anfänger" in page
    assert "Reaches beginners" not in page
    assert "Value for money" in page and "Fair budget" in page  # English where German is missing


def test_the_next_edition_copies_the_criteria_in_every_language():
    from django.contrib.auth.models import Permission

    from grants.services import open_next_edition
    from tests.factories import EditionFactory, UserFactory

    edition = EditionFactory()
    ReviewCriterionFactory(edition=edition, name="Relevance", name_de="Relevanz", name_uk="Ціль")
    staff = UserFactory(is_staff=True, is_programme_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="programmes", codename__in=["add_edition", "change_edition"]
        )
    )

    new = open_next_edition(edition, actor=staff)

    copied = new.criteria.get()
    assert (copied.name_en, copied.name_de, copied.name_uk) == ("Relevance", "Relevanz", "Ціль")
    assert copied.name_fr is None
