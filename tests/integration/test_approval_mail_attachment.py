"""The approval e-mail carries the award letter, in this process (tasks eager, locmem outbox):
the letter its task built, or one built on the spot when that task was lost; none for a grant
cancelled before the mail went out. The worker-process journey is in test_worker_process.py."""

from decimal import Decimal

import pytest

from events.models import Proposal
from grants.letters import current_letter, letter_filename
from grants.models import AwardLetter, Grant
from grants.services import approve_proposal
from organisations.models import Notification
from organisations.tasks import send_notification
from tests.factories import (
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture
def proposal():
    return ProposalFactory(
        organisation=MembershipFactory().organisation,
        country_programme=CountryProgrammeFactory(),
        status=Proposal.Status.SUBMITTED,
        requested_amount=Decimal("400.00"),
    )


def approve(proposal, capture, *, run_tasks: bool) -> Grant:
    manager = PartnerStaffFactory(partner=proposal.country_programme.partner).user
    with capture(execute=run_tasks):
        return approve_proposal(proposal, actor=manager)


def attachments_of(message) -> list[tuple[str, bytes, str]]:
    return [tuple(attachment) for attachment in message.attachments]


def test_the_approval_mail_carries_the_letter_its_task_built(
    proposal, django_capture_on_commit_callbacks, mailoutbox
):
    grant = approve(proposal, django_capture_on_commit_callbacks, run_tasks=True)

    letter = current_letter(grant)
    [message] = mailoutbox
    [(filename, content, mimetype)] = attachments_of(message)
    assert (filename, mimetype) == (letter_filename(letter), "application/pdf")
    assert filename == f"award-letter-{grant.reference}-v1.pdf"
    with letter.file.open("rb") as stored:
        assert content == stored.read() and content.startswith(b"%PDF-")
    assert AwardLetter.objects.count() == 1


def test_the_mail_builds_the_letter_when_its_task_was_lost(
    proposal, django_capture_on_commit_callbacks, mailoutbox
):
    grant = approve(proposal, django_capture_on_commit_callbacks, run_tasks=False)
    assert current_letter(grant) is None

    send_notification.delay(Notification.objects.get(kind="proposal_approved").pk)

    [(filename, content, _type)] = attachments_of(mailoutbox[0])
    assert filename == letter_filename(current_letter(grant)) and content.startswith(b"%PDF-")
    assert AwardLetter.objects.filter(grant=grant).count() == 1


def test_a_grant_cancelled_before_the_mail_goes_out_sends_it_without_a_letter(
    proposal, django_capture_on_commit_callbacks, mailoutbox
):
    grant = approve(proposal, django_capture_on_commit_callbacks, run_tasks=False)
    Grant.objects.filter(pk=grant.pk).update(status=Grant.Status.CANCELLED)

    send_notification.delay(Notification.objects.get(kind="proposal_approved").pk)

    assert len(mailoutbox) == 1 and attachments_of(mailoutbox[0]) == []
    assert Notification.objects.get(kind="proposal_approved").status == "sent"


def test_other_kinds_carry_no_attachment(proposal, django_capture_on_commit_callbacks, mailoutbox):
    approve(proposal, django_capture_on_commit_callbacks, run_tasks=True)
    rejected = Notification.objects.create(
        recipient=proposal.organisation.memberships.first().user,
        kind="proposal_rejected",
        context={"proposal": str(proposal)},
    )

    send_notification.delay(rejected.pk)

    assert [len(attachments_of(m)) for m in mailoutbox] == [1, 0]
