"""The applicant's and the manager's steps through the real views, for the fault tests."""

import datetime as dt
import time
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organisations.models import OrganisationValidation
from tests.factories import (
    BudgetLineFactory,
    CountryProgrammeFactory,
    EditionFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
    log_in_with_second_factor,
)


def open_programme():
    """Next year's programme (its events to come), its applications kept open whatever today's
    date is."""
    edition = EditionFactory(year=timezone.localdate().year + 1)
    programme = CountryProgrammeFactory(edition=edition)
    programme.application_deadline = timezone.now() + dt.timedelta(days=30)
    programme.save()
    return programme


def submittable_draft(programme, *, email: str = "owner@codeclub.example.org"):
    """A complete draft of a validated organisation, with the one budget line the rules ask for."""
    membership = MembershipFactory(user__email=email)
    proposal = ProposalFactory(
        organisation=membership.organisation,
        country_programme=programme,
        created_by=membership.user,
        requested_amount=Decimal("400.00"),
    )
    BudgetLineFactory(proposal=proposal, amount=Decimal("400.00"))
    OrganisationValidation.objects.create(
        organisation=membership.organisation,
        edition=programme.edition,
        status=OrganisationValidation.Status.VALIDATED,
    )
    return proposal, membership.user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def manager_client(programme) -> tuple[Client, object]:
    manager = PartnerStaffFactory(partner=programme.partner, user__email="manager@partner.lu").user
    return log_in_with_second_factor(Client(), manager), manager


def timed_post(client: Client, url: str, data: dict | None = None):
    """POST and return (response, seconds it took)."""
    started = time.monotonic()
    response = client.post(url, data or {})
    return response, time.monotonic() - started


def submit(client: Client, proposal):
    return timed_post(client, reverse("events:submit", args=[proposal.pk]))


def approve(client: Client, proposal, amount: str = "400.00"):
    return timed_post(client, reverse("grants:approve", args=[proposal.pk]), {"amount": amount})
