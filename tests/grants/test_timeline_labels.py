"""Timelines show an audit entry's action in words, not its stored key."""

import pytest
from django.test import Client
from django.urls import reverse

from grants import services
from grants.templatetags.audit_labels import action_label
from organisations.models import PartnerStaff
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


def test_an_action_without_a_label_is_shown_as_its_key():
    assert action_label("report.accept") == "Report accepted"
    assert action_label("something.new") == "something.new"
