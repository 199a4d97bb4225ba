"""The home page (current edition, how to apply, upcoming events, figures), a page per country
and the FAQ: content staff edit in the admin, and never any personal data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from grants.models import FaqEntry
from grants.services import publish_event
from programmes.models import CountryInfo
from tests.factories import (
    PAST_YEAR,
    CountryProgrammeFactory,
    EditionFactory,
    LanguageFactory,
    LegalFormFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerStaffFactory,
    ProposalFactory,
    ReportFactory,
)

pytestmark = pytest.mark.django_db

PRIVATE = {"contact_email": "secret.contact@example.org", "phone": "+352 691 000 111",
           "iban": "LU280019400644750000", "contact_name": "Private Person"}  # fmt: skip


def upcoming(title, days, programme=None) -> Event:
    organisation = OrganisationFactory(**PRIVATE)
    MembershipFactory(organisation=organisation, user__email=f"member{organisation.pk}@example.org")
    starts = (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)
    fields = {"country_programme": programme} if programme else {}
    proposal = ProposalFactory(
        organisation=organisation,
        status="approved",
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        **fields,
    )
    return publish_event(proposal)


@pytest.fixture
def luxembourg():
    programme = CountryProgrammeFactory(
        edition=EditionFactory(year=PAST_YEAR),
        country="LU",
        partner__name="SOCIALware",
        partner__website="https://socialware.example",
        partner__contact_email="info@socialware.example",
        partner__contact_phone="+352 26 00 00",
        max_grant=Decimal("500.00"),
        min_participants=12,
        min_duration_minutes=90,
        payment_timing="before_event",
        languages=["fr", "de"],
    )
    CountryProgrammeFactory(edition=programme.edition, country="BE")
    PartnerStaffFactory(partner=programme.partner, user__email="reviewer.person@example.org",
                        user__first_name="Rita", user__last_name="Reviewerova")  # fmt: skip
    LegalFormFactory(country="LU", name="ASBL")
    LanguageFactory(code="fr"), LanguageFactory(code="de")
    LegalFormFactory(country="LU", name="Fondation")
    LegalFormFactory(country="BE", name="VZW / ASBL")
    return programme


def test_home_shows_the_edition_how_to_apply_upcoming_events_and_figures(client, luxembourg):
    for n in range(8):
        upcoming(f"Coding club {n}", days=n + 1, programme=luxembourg)
    past = upcoming("Long gone", days=-30, programme=luxembourg)
    ReportFactory(proposal=past.proposal, status="accepted")  # 18 participants, 9 girls

    page = client.get(reverse("home"))

    html = page.content.decode()
    assert page.status_code == 200
    assert f"Meet and Code {PAST_YEAR}" in html
    assert f"from 17 June {PAST_YEAR} to 31 October {PAST_YEAR}" in html
    assert f"30 September {PAST_YEAR}" in html
    assert "up to EUR 500" in html
    assert "Belgium" in html and "Luxembourg" in html
    assert "How to apply" in html
    # The next six events, soonest first, linking to their pages; not the seventh, not the past.
    assert not page.context["home_events"].held
    shown = [e.title for e in page.context["home_events"].events]
    assert shown == [f"Coding club {n}" for n in range(6)]
    first = Event.objects.get(title="Coding club 0")
    assert reverse("events:event", args=[first.pk, first.slug]) in html
    assert "Coding club 6" not in html and "Long gone" not in html
    # Headline figures: 9 approved events, 18 participants, 50 % girls and women.
    figures = page.context["figures"]
    assert (figures.approved_events, figures.participants, figures.girls_share) == (9, 18, 50)
    assert reverse("public:impact") in html
    assert reverse("public:country", args=["lu"]) in html
    for value in PRIVATE.values():
        assert value not in html
    assert "@example.org" not in html


def test_the_country_page_shows_partner_contact_rules_and_conditions(client, luxembourg):
    CountryInfo.objects.create(
        country_programme=luxembourg,
        conditions="Events are free.\nReport within 48 hours.",
        extra_notes="We answer within two days.",
    )

    page = client.get(reverse("public:country", args=["lu"]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Meet and Code in Luxembourg" in html
    assert "SOCIALware" in html
    assert 'href="mailto:info@socialware.example"' in html
    assert "+352 26 00 00" in html
    assert "https://socialware.example" in html
    assert "<li>ASBL</li>" in html and "<li>Fondation</li>" in html
    assert "VZW / ASBL" not in html  # Belgium's legal form
    assert "up to EUR 500" in html
    assert '<dd class="col-sm-7">12</dd>' in html  # minimum participants
    assert "90 minutes" in html
    assert "On approval, before the event" in html
    assert "French, German" in html
    assert "<li>Events are free.</li>" in html and "<li>Report within 48 hours.</li>" in html
    assert "We answer within two days." in html
    # Partner staff are people: neither their names nor their e-mails appear.
    assert "Reviewerova" not in html and "reviewer.person@example.org" not in html


def test_a_country_without_its_own_page_shows_the_programme_conditions(client, luxembourg):
    luxembourg.conditions = "Open to every non-profit."
    luxembourg.save()

    html = client.get(reverse("public:country", args=["LU"])).content.decode()

    assert "<li>Open to every non-profit.</li>" in html


def test_a_country_outside_the_programme_is_not_found(client, luxembourg):
    assert client.get(reverse("public:country", args=["xx"])).status_code == 404


def test_the_faq_shows_published_entries_in_order_and_in_the_visitors_language(client):
    FaqEntry.objects.create(
        question_en="Who can apply?",
        answer_en="Non-profits.",
        question_de="Wer kann sich bewerben?",
        answer_de="Vereine.",
        order=2,
    )
    FaqEntry.objects.create(question_en="Is it free?", answer_en="Yes, always.", order=1)
    FaqEntry.objects.create(question_en="Hidden draft?", answer_en="No.", published=False)

    faq = reverse("public:faq")  # a request to /de/ leaves German active in this thread
    english = client.get(faq).content.decode()
    german = client.get(f"/de{faq}").content.decode()
    italian = client.get(f"/it{faq}").content.decode()

    assert english.index("Is it free?") < english.index("Who can apply?")
    assert "Hidden draft?" not in english and "Wer kann" not in english
    assert "Wer kann sich bewerben?" in german and "Who can apply?" not in german
    assert "Is it free?" in german  # not translated yet: the English text
    assert "Is it free?" in italian and "Who can apply?" in italian  # no Italian: English


# The admin's country page carries its texts per language as an inline (none here).
NO_TEXTS = {"texts-TOTAL_FORMS": "0", "texts-INITIAL_FORMS": "0"}


def test_staff_edit_the_country_page_in_the_admin(client, luxembourg, two_factor_login):
    from organisations.models import User

    two_factor_login(client, User.objects.create_superuser("admin@example.org", "x"))
    response = client.post(
        reverse("admin:programmes_countryinfo_add"),
        {
            "country_programme": luxembourg.pk,
            "conditions": "Bring laptops.",
            "extra_notes": "",
            **NO_TEXTS,
        },
    )

    assert response.status_code == 302
    page = client.get(reverse("public:country", args=["lu"]))
    assert "<li>Bring laptops.</li>" in page.content.decode()


def test_partner_staff_edit_only_their_own_countries_pages(client, luxembourg, two_factor_login):
    belgium = luxembourg.edition.country_programmes.get(country="BE")
    staff = PartnerStaffFactory(partner=luxembourg.partner, user__is_staff=True).user
    two_factor_login(client, staff)

    form = client.get(reverse("admin:programmes_countryinfo_add")).context["adminform"].form
    choices = {str(value) for value, _label in form.fields["country_programme"].choices if value}
    refused = client.post(
        reverse("admin:programmes_countryinfo_add"),
        {"country_programme": belgium.pk, "conditions": "Not mine.", "extra_notes": "", **NO_TEXTS},
    )

    assert choices == {str(luxembourg.pk)}
    assert refused.status_code == 200  # the form answers with an error: not a valid choice
    assert not CountryInfo.objects.exists()


def test_home_takes_few_queries_and_fewer_once_cached(client, luxembourg, settings):
    settings.PUBLIC_PAGE_SECONDS = 0  # its parts' caches, not the whole page's
    for n in range(3):
        upcoming(f"Coding club {n}", days=n + 1, programme=luxembourg)

    with CaptureQueriesContext(connection) as cold:
        client.get(reverse("home"))
    with CaptureQueriesContext(connection) as warm:
        page = client.get(reverse("home"))

    # the editions, the current one's country codes, the upcoming events, the headline figures;
    # then only the country codes (the rest, and the pieces of page they make, come from the cache)
    assert len(cold) == 4
    assert len(warm) == 1
    assert len(page.context["home_events"].events) == 3


def test_a_new_event_shows_on_home_at_once_despite_the_cache(
    client, luxembourg, django_capture_on_commit_callbacks
):
    client.get(reverse("home"))
    with django_capture_on_commit_callbacks(execute=True):  # as when the approval commits
        upcoming("Brand new robotics course", days=2, programme=luxembourg)

    assert "Brand new robotics course" in client.get(reverse("home")).content.decode()
