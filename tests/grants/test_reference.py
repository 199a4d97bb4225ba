"""The queue's programmes, editions and focus groups are kept by the versions of their rows
(grants.reference): a second look reads them no more, and any write to them, even behind the
services' back, shows on the next look; each partner's scope gets its own programmes."""

from decimal import Decimal

import pytest
from django.test import Client

from grants import reference
from programmes.models import CountryProgramme
from tests.factories import (
    CountryProgrammeFactory,
    EditionFactory,
    PartnerFactory,
    PartnerStaffFactory,
    log_in_with_second_factor,
)
from tests.grants.test_queue import (  # noqa: F401 (fixtures)
    _queue,
    _submitted,
    client,
    edition,
    lu,
    manager,
    partner,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reads(monkeypatch) -> list[int]:
    """The people whose reference was read from its tables (not taken from the kept one)."""
    found: list[int] = []
    real = reference._read

    def counted(user):
        found.append(user.pk)
        return real(user)

    monkeypatch.setattr(reference, "_read", counted)
    fresh = reference.KeptBuilds(1024 * 1024, reference.KEPT_SECONDS, size_of=lambda r: r.size)
    monkeypatch.setattr(reference, "_kept", fresh)
    return found


def _bar(response, country: str) -> str:
    page = response.content.decode()
    start = page.index(f'<li class="col-12 col-md-6 col-xl-4 budget-bar" data-country="{country}"')
    return page[start : page.index("</li>", start)]


def test_a_second_look_reads_them_no_more(client, lu, manager, reads):  # noqa: F811
    _submitted(lu, title="Robots")

    _queue(client)
    _queue(client)

    assert reads == [manager.pk]


def test_a_budget_changed_behind_the_services_back_shows_at_once(client, lu, reads):  # noqa: F811
    _submitted(lu, title="Robots")
    before = _bar(_queue(client), "LU")

    CountryProgramme.objects.filter(pk=lu.pk).update(reserved=Decimal("1250.00"))
    after = _bar(_queue(client), "LU")

    assert 'aria-valuenow="0"' in before and 'aria-valuenow="25"' in after
    assert len(reads) == 2


def test_a_new_edition_and_a_deleted_programme_show_at_once(client, lu, partner, reads):  # noqa: F811
    _submitted(lu, title="Robots")
    spare = CountryProgrammeFactory(edition=lu.edition, country="BE", partner=partner)
    first = _queue(client).content.decode()

    newer = EditionFactory(year=lu.edition.year + 1)
    spare.delete()
    second = _queue(client).content.decode()

    assert f">{newer.name}</option>" not in first and f">{newer.name}</option>" in second
    assert 'budget-bar" data-country="BE"' in first
    assert 'budget-bar" data-country="BE"' not in second
    assert len(reads) == 2


def test_each_partner_gets_its_own_programmes(client, lu, edition, reads):  # noqa: F811
    _submitted(lu, title="Robots")
    other_partner = PartnerFactory(countries=["DE"])
    CountryProgrammeFactory(edition=edition, country="DE", partner=other_partner)
    other = PartnerStaffFactory(partner=other_partner, role="manager").user
    as_other = log_in_with_second_factor(Client(), other)

    ours = _queue(client).content.decode()
    theirs = _queue(as_other).content.decode()

    assert 'budget-bar" data-country="LU"' in ours and 'data-country="DE"' not in ours
    assert 'budget-bar" data-country="DE"' in theirs and 'data-country="LU"' not in theirs
    assert len(reads) == 2
