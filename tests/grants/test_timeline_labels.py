"""Timelines show an audit entry's action in words, not its stored key."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import translation

from grants import services
from grants.templatetags.audit_labels import action_label
from organisations.models import AuditEntry, PartnerStaff
from tests.factories import (
    CountryProgrammeFactory,
    PartnerStaffFactory,
    ProposalFactory,
    UserFactory,
    log_in_with_second_factor,
    submit_in_window,
)

pytestmark = pytest.mark.django_db


def _timeline(html: str) -> str:
    return html[html.index('id="timeline"') :]


def test_the_partner_timeline_names_each_action_in_words():
    programme = CountryProgrammeFactory(country="LU")
    manager = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user
    proposal = ProposalFactory(country_programme=programme)
    submit_in_window(proposal, actor=UserFactory())
    services.request_changes(proposal, actor=manager, message="Please name the venue.")

    client = log_in_with_second_factor(Client(), manager)
    page = client.get(reverse("grants:proposal", args=[proposal.pk]))
    timeline = _timeline(page.content.decode())

    assert ">Proposal submitted</span>" in timeline
    assert ">Changes requested</span>" in timeline
    assert 'data-action="proposal.request_changes"' in timeline  # the key stays for machines
    assert ">proposal.submit<" not in timeline


def test_an_unknown_or_old_action_gets_words_not_its_key():
    assert action_label("report.accept") == "Report accepted"
    assert action_label("data.read") == "Data viewed by staff"
    assert action_label("something.new") == "Other change"


def _manager_and_submitted_proposal():
    programme = CountryProgrammeFactory(country="LU")
    manager = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.MANAGER).user
    proposal = ProposalFactory(country_programme=programme)
    submit_in_window(proposal, actor=UserFactory())
    return manager, proposal


def _legacy_entry(proposal, action: str) -> None:
    """An entry written by an older version of the site, its action since renamed (record()
    refuses it now)."""
    AuditEntry.objects.create(
        action=action,
        content_type=ContentType.objects.get_for_model(proposal),
        object_id=proposal.pk,
    )


def test_an_entry_of_an_older_version_is_worded_on_the_partner_timeline():
    manager, proposal = _manager_and_submitted_proposal()
    _legacy_entry(proposal, "proposal.legacy_step")

    client = log_in_with_second_factor(Client(), manager)
    page = client.get(reverse("grants:proposal", args=[proposal.pk]))
    timeline = _timeline(page.content.decode())

    assert ">Other change</span>" in timeline
    assert ">proposal.legacy_step<" not in timeline


def test_the_partner_timeline_is_worded_in_the_pages_language_without_keys():
    manager, proposal = _manager_and_submitted_proposal()
    _legacy_entry(proposal, "proposal.legacy_step")

    client = log_in_with_second_factor(Client(), manager)
    with translation.override("de"):
        url = reverse("grants:proposal", args=[proposal.pk])
    timeline = _timeline(client.get(url).content.decode())

    assert url.startswith("/de/")
    assert ">Antrag eingereicht</span>" in timeline
    assert "proposal.submit<" not in timeline
    assert "legacy_step<" not in timeline
