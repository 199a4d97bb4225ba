"""The venue's pin on the proposal form: saved with "Where and when", checked, put on a map."""

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Proposal
from tests.factories import PAST_YEAR, CountryProgrammeFactory, MembershipFactory, ProposalFactory

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def draft(client):
    """A draft in Luxembourg, open for applications, whose author is logged in."""
    programme = CountryProgrammeFactory()
    programme.application_deadline = timezone.now() + dt.timedelta(days=30)
    programme.save()
    membership = MembershipFactory()
    client.force_login(membership.user)
    return ProposalFactory(
        organisation=membership.organisation,
        country_programme=programme,
        latitude=None,
        longitude=None,
    )


def place_data(**coordinates):
    """The whole "Where and when" section as the form posts it, with the given coordinates."""
    data = {
        "place-starts_at": f"{PAST_YEAR}-09-14T10:00",
        "place-ends_at": f"{PAST_YEAR}-09-14T12:00",
        "place-duration_minutes": "100",
        "place-venue_name": "Bibliothèque municipale",
        "place-address": "3, rue Génistre",
        "place-postcode": "L-1623",
        "place-city": "Luxembourg",
    }
    return data | {f"place-{name}": value for name, value in coordinates.items()}


def save_place(client, proposal, data, **headers):
    url = reverse("events:save_section", args=[proposal.pk, "place"])
    return client.post(url, data, headers=headers)


def test_the_pin_is_saved_with_the_place_section(client, draft):
    response = save_place(client, draft, place_data(latitude="49.61167", longitude="6.12972"), **HX)

    assert response.status_code == 200
    assert "Saved at" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.latitude, draft.longitude) == (Decimal("49.61167"), Decimal("6.12972"))


def test_a_clicked_pin_with_many_decimals_is_kept_to_a_metre(client, draft):
    save_place(client, draft, place_data(latitude="49.611674321", longitude="-6.129724999"), **HX)

    draft.refresh_from_db()
    assert (draft.latitude, draft.longitude) == (Decimal("49.61167"), Decimal("-6.12972"))


def test_an_online_event_may_leave_the_pin_empty(client, draft):
    draft.latitude, draft.longitude = Decimal("49.6"), Decimal("6.1")
    draft.save()

    response = save_place(client, draft, place_data(latitude="", longitude=""), **HX)

    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.latitude is None
    assert draft.longitude is None


@pytest.mark.parametrize(
    ("latitude", "longitude", "field", "message"),
    [
        ("91", "6.1", "latitude", "A latitude is a number from -90 to 90"),
        ("-90.5", "6.1", "latitude", "A latitude is a number from -90 to 90"),
        ("49.6", "180.1", "longitude", "A longitude is a number from -180 to 180"),
        ("49.6", "-200", "longitude", "A longitude is a number from -180 to 180"),
    ],
)
def test_an_out_of_range_coordinate_is_refused_next_to_its_field(
    client, draft, latitude, longitude, field, message
):
    data = place_data(latitude=latitude, longitude=longitude)
    response = save_place(client, draft, data, **HX)

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    error_at = page.index(f'id="id_place-{field}_error"')
    assert message in page[error_at : error_at + 300]
    # What was typed is still there, the good value and the bad one.
    assert f'value="{latitude}"' in page
    assert f'value="{longitude}"' in page
    assert 'value="Bibliothèque municipale"' in page
    draft.refresh_from_db()
    assert draft.latitude is None
    assert draft.venue_name == "Bibliothèque municipale"


def test_a_coordinate_that_is_not_a_number_is_refused_without_javascript(client, draft):
    response = save_place(client, draft, place_data(latitude="north", longitude="6.1"))

    assert response.status_code == 400  # the whole page, with the error next to the field
    page = response.content.decode()
    assert 'id="id_place-latitude_error"' in page
    assert 'value="north"' in page
    assert Proposal.objects.get(pk=draft.pk).longitude is None


def test_the_edit_page_has_the_map_above_two_plain_fields(client, draft, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    page = client.get(reverse("events:edit", args=[draft.pk])).content.decode()

    map_at = page.index("data-venue-map")
    assert page.index('id="venue-map"') < page.index('name="place-latitude"')
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in page
    assert 'aria-label="Map to pin the venue"' in page
    # Luxembourg's centre, written with a dot whatever the language.
    assert 'data-lat="49.78"' in page[map_at:]
    assert 'data-lng="6.13"' in page[map_at:]
    assert 'data-zoom="9"' in page[map_at:]
    assert "OpenStreetMap" in page
    # Without JavaScript: two labelled number fields with help.
    for name, label in (("latitude", "Latitude"), ("longitude", "Longitude")):
        assert f'for="id_place-{name}">{label}</label>' in page
    assert 'type="number" name="place-latitude"' in page
    assert 'id="id_place-latitude_helptext"' in page
    # Leaflet is served from here, and no script is written into the page.
    assert "/static/vendor/leaflet/leaflet.js" in page
    assert "/static/vendor/leaflet/leaflet.css" in page
    assert "/static/js/venue-map.js" in page
    assert "unpkg.com" not in page
    assert "<script>" not in page


def test_the_map_starts_at_the_programme_country(client, draft, settings):
    programme = CountryProgrammeFactory(edition=draft.country_programme.edition, country="PL")
    Proposal.objects.filter(pk=draft.pk).update(country_programme=programme)

    page = client.get(reverse("events:edit", args=[draft.pk])).content.decode()

    assert 'data-lat="52.07"' in page
    assert 'data-lng="19.48"' in page


def test_the_map_centre_is_not_written_with_a_decimal_comma(client, draft):
    page = client.get("/de" + reverse("events:edit", args=[draft.pk]))
    assert '<html lang="de"' in page.content.decode()
    assert 'data-lat="49.78"' in page.content.decode()
