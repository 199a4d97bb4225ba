"""A form sent twice at once (a double click, a browser resending): two requests with the same
session, from two threads, each with its own database connection, released together.

Starting a proposal twice makes one draft; submitting it twice makes one submission, one audit
entry and one notification per person.
"""

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from events.models import Proposal
from organisations.models import AuditEntry, Notification
from tests.factories import PartnerStaffFactory

from .journey import client_for, open_programme, submittable_draft

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("eager_tasks"),  # every e-mail is in the outbox
]

TIMEOUT_SECONDS = 30


def twice_at_once(session_client: Client, url: str, data: dict | None = None) -> list:
    """POST the same form from two clients sharing one session cookie, at the same moment."""
    clients = [Client(), Client()]
    for client in clients:
        client.cookies = session_client.cookies  # the same browser session
    barrier = threading.Barrier(2)
    responses: list = [None, None]

    def post(index: int) -> None:
        try:
            barrier.wait(TIMEOUT_SECONDS)
            responses[index] = clients[index].post(url, data or {})
        except Exception as error:  # recorded and asserted on below
            responses[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return responses


def test_starting_a_proposal_twice_at_once_makes_one_draft():
    programme = open_programme()
    draft, applicant = submittable_draft(programme)
    draft.delete()  # the organisation has no proposal yet
    organisation = applicant.memberships.get().organisation

    responses = twice_at_once(
        client_for(applicant), reverse("events:start"), {"organisation": organisation.pk}
    )

    assert [getattr(r, "status_code", r) for r in responses] == [302, 302]
    proposal = Proposal.objects.get(organisation=organisation)
    assert {r.url for r in responses} == {reverse("events:edit", args=[proposal.pk])}
    assert AuditEntry.objects.filter(action="proposal.create").count() == 1


def test_submitting_twice_at_once_submits_once_and_tells_each_person_once(mailoutbox):
    programme = open_programme()
    proposal, applicant = submittable_draft(programme)
    PartnerStaffFactory(partner=programme.partner, user__email="manager@partner.lu")

    responses = twice_at_once(client_for(applicant), reverse("events:submit", args=[proposal.pk]))

    detail = reverse("events:detail", args=[proposal.pk])
    assert [(r.status_code, r.url) for r in responses] == [(302, detail)] * 2, responses
    assert Proposal.objects.count() == 1
    assert Proposal.objects.get().status == Proposal.Status.SUBMITTED
    assert AuditEntry.objects.filter(action="proposal.submit").count() == 1
    rows = sorted(Notification.objects.values_list("kind", "recipient__email"))
    assert rows == [
        ("proposal_submitted", "manager@partner.lu"),
        ("proposal_submitted", "owner@codeclub.example.org"),
    ]
    mails = sorted(m.to[0] for m in mailoutbox)
    assert mails == ["manager@partner.lu", "owner@codeclub.example.org"]


def test_starting_again_after_writing_in_the_draft_makes_a_new_one(client):
    programme = open_programme()
    draft, applicant = submittable_draft(programme)  # it has a title: not blank
    organisation = applicant.memberships.get().organisation
    client.force_login(applicant)

    first = client.post(reverse("events:start"), {"organisation": organisation.pk})
    second = client.post(reverse("events:start"), {"organisation": organisation.pk})

    assert first.url == second.url != reverse("events:edit", args=[draft.pk])
    assert Proposal.objects.filter(organisation=organisation).count() == 2
