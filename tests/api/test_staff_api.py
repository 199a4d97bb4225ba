"""The staff API over real HTTP with tokens: the review queue's proposals of the person's own
countries, with its filters; one proposal as the page shows it, a 404 for another country's
through the API as through the page, and the same audit entry for a reading."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.models import ProposalComment
from grants.services import add_comment, submit_review
from meetandcode.api.tokens import create_token
from organisations.audit import Action
from organisations.models import AuditEntry, PartnerStaff
from programmes.models import CountryProgramme
from tests.api.http import get, post
from tests.factories import (
    CountryProgrammeFactory,
    GrantFactory,
    ProposalFactory,
    ReviewCriterionFactory,
    UserFactory,
    log_in_with_second_factor,
)

pytestmark = pytest.mark.django_db(transaction=True)


class World:
    def __init__(self):
        lu = CountryProgrammeFactory(country="LU")
        be = CountryProgrammeFactory(country="BE")
        self.lu_manager = _staff(lu, PartnerStaff.Role.MANAGER)
        self.be_manager = _staff(be, PartnerStaff.Role.MANAGER)
        self.programme_staff = UserFactory(is_programme_staff=True)
        moment = timezone.now() - dt.timedelta(days=3)
        self.lu = [
            ProposalFactory(country_programme=lu, status=status, title=title, submitted_at=moment)
            for status, title in [("submitted", "Robots in Esch"), ("approved", "Scratch club")]
        ]
        self.be_proposal = ProposalFactory(
            country_programme=be, status="submitted", title="Brussels hack", submitted_at=moment
        )
        ProposalFactory(country_programme=lu, title="Still a draft")  # drafts: nobody's queue


def _staff(programme, role):
    return PartnerStaff.objects.create(
        user=UserFactory(), partner=programme.partner, role=role
    ).user


def _token(user) -> str:
    return create_token(
        user, name="CRM", scope="read", expires_on=timezone.localdate() + dt.timedelta(days=9)
    )[1]


@pytest.fixture
def world():
    return World()


def titles(answer) -> set[str]:
    assert answer.status == 200, answer.body
    return {p["title"] for p in answer.json()["results"]}


def test_each_person_lists_their_own_countries_with_the_queues_filters(world, live_server):
    url = f"{live_server.url}/api/v1/proposals/"
    lu, be = _token(world.lu_manager), _token(world.be_manager)

    assert titles(get(f"{url}?edition=all", token=lu)) == {"Robots in Esch", "Scratch club"}
    assert titles(get(f"{url}?edition=all", token=be)) == {"Brussels hack"}
    assert titles(get(f"{url}?edition=all&status=approved", token=lu)) == {"Scratch club"}
    assert titles(get(f"{url}?edition=all&q=esch", token=lu)) == {"Robots in Esch"}
    assert titles(get(f"{url}?edition=all&country=BE", token=be)) == {"Brussels hack"}

    refused = get(f"{url}?edition=all&country=BE", token=lu)  # not one of theirs: not offered
    assert refused.status == 400 and list(refused.json()["errors"]) == ["country"]
    row = get(f"{url}?edition=all&status=submitted", token=lu).json()["results"][0]
    assert row["organisation"]["name"] and row["country"] == "LU" and row["reviews"] == 0
    assert row["requested_amount"] == "400.00" and row["currency"] == "EUR"
    assert get(url).status == 401


def test_another_countrys_proposal_is_404_as_on_the_page_and_a_reading_is_audited(
    world, live_server, client
):
    proposal = world.lu[0]
    url = f"{live_server.url}/api/v1/proposals/{proposal.pk}/"

    assert get(url, token=_token(world.be_manager)).status == 404
    log_in_with_second_factor(client, world.be_manager)
    assert client.get(reverse("grants:proposal", args=[proposal.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action=Action.DATA_READ).exists()

    answer = get(url, token=_token(world.lu_manager))
    assert answer.status == 200 and answer.json()["title"] == "Robots in Esch"
    assert answer.json()["description"].startswith("Two hours") and answer.json()["grant"] is None
    log_in_with_second_factor(client, world.lu_manager)
    assert client.get(reverse("grants:proposal", args=[proposal.pk])).status_code == 200
    readings = AuditEntry.objects.filter(action=Action.DATA_READ, object_id=proposal.pk)
    assert [(e.actor, e.data) for e in readings] == [
        (world.lu_manager, {"organisation_id": proposal.organisation_id})
    ] * 2  # the API's reading and the page's, alike


def test_a_token_never_sees_more_than_its_person_may_now(world, live_server):
    token = _token(world.lu_manager)
    url = f"{live_server.url}/api/v1/proposals/"
    assert titles(get(f"{url}?edition=all", token=token)) == {"Robots in Esch", "Scratch club"}

    PartnerStaff.objects.filter(user=world.lu_manager).delete()  # no longer the partner's staff
    assert titles(get(f"{url}?edition=all", token=token)) == set()
    assert get(f"{url}{world.lu[0].pk}/", token=token).status == 404


def test_programme_staff_see_every_country(world, live_server):
    token = _token(world.programme_staff)
    answer = get(f"{live_server.url}/api/v1/proposals/?edition=all", token=token)
    assert titles(answer) == {"Robots in Esch", "Scratch club", "Brussels hack"}


# --- Writing ---------------------------------------------------------------------------------


def _write_token(user) -> str:
    expires = timezone.localdate() + dt.timedelta(days=9)
    return create_token(user, name="CRM", scope="write", expires_on=expires)[1]


def test_a_comment_needs_a_write_token_of_the_proposals_country(world, live_server):
    proposal = world.lu[0]
    url = f"{live_server.url}/api/v1/proposals/{proposal.pk}/comments/"
    body = {"body": "Please add the venue's address.", "to_applicant": False}

    read_only = post(url, body, token=_token(world.lu_manager))
    assert read_only.status == 403 and "only read" in read_only.json()["detail"]
    assert post(url, body, token=_write_token(world.be_manager)).status == 404
    assert post(url, {"body": "  "}, token=_write_token(world.lu_manager)).json() == {
        "errors": {"body": ["Write the comment first."]}
    }
    assert not ProposalComment.objects.exists()

    made = post(url, body, token=_write_token(world.lu_manager))
    assert made.status == 201, made.body
    comment = ProposalComment.objects.get()
    assert (comment.pk, comment.author, comment.to_applicant) == (
        made.json()["id"],
        world.lu_manager,
        False,
    )
    entry = AuditEntry.objects.get(action=Action.COMMENT_INTERNAL)
    assert entry.actor == world.lu_manager and entry.object_id == proposal.pk


def test_a_payment_is_recorded_once_by_a_manager_as_on_the_payment_page(world, live_server):
    programme = CountryProgrammeFactory(
        country="AT", payment_timing=CountryProgramme.PaymentTiming.BEFORE_EVENT
    )
    manager = _staff(programme, PartnerStaff.Role.MANAGER)
    reviewer = _staff(programme, PartnerStaff.Role.REVIEWER)
    proposal = ProposalFactory(country_programme=programme, status="approved", title="Vienna")
    GrantFactory(proposal=proposal, amount=Decimal("400.00"), approved_at=timezone.now())
    url = f"{live_server.url}/api/v1/proposals/{proposal.pk}/payment/"
    paid = {"paid_on": timezone.localdate().isoformat(), "amount": "400.00", "reference": "AT-1"}

    refused = post(url, paid, token=_write_token(reviewer))  # reviewers do not decide
    assert refused.status == 403 and refused.json()["detail"]
    too_much = post(url, {**paid, "amount": "450.00"}, token=_write_token(manager))
    assert too_much.status == 400 and list(too_much.json()["errors"]) == ["amount"]
    no_reference = post(url, {**paid, "reference": " "}, token=_write_token(manager))
    assert list(no_reference.json()["errors"]) == ["reference"]
    bad_date = post(url, {**paid, "paid_on": "soon"}, token=_write_token(manager))
    assert bad_date.status == 400 and list(bad_date.json()["errors"]) == ["paid_on"]

    done = post(url, paid, token=_write_token(manager))
    assert done.status == 200, done.body
    assert done.json()["payment_status"] == "paid" and done.json()["paid_on"] == paid["paid_on"]
    again = post(url, paid, token=_write_token(manager))
    assert again.status == 400  # paid once
    entries = AuditEntry.objects.filter(action=Action.GRANT_PAID)
    assert [(e.actor, e.to_state) for e in entries] == [(manager, "paid")]
    no_grant = f"{live_server.url}/api/v1/proposals/{world.lu[0].pk}/payment/"
    assert post(no_grant, paid, token=_write_token(world.lu_manager)).status == 409


def test_the_payments_list_is_the_persons_countries_with_the_pages_filters(world, live_server):
    approved = world.lu[1]
    GrantFactory(proposal=approved, amount=Decimal("350.00"), approved_at=timezone.now())
    be_approved = ProposalFactory(
        country_programme=world.be_proposal.country_programme, status="approved", title="Ghent"
    )
    GrantFactory(proposal=be_approved, amount=Decimal("300.00"), approved_at=timezone.now())
    url = f"{live_server.url}/api/v1/payments/"
    lu, be = _token(world.lu_manager), _token(world.be_manager)

    rows = get(url, token=lu).json()["results"]
    assert [(r["title"], r["country"], r["amount"], r["payment_status"]) for r in rows] == [
        ("Scratch club", "LU", "350.00", "unpaid")
    ]
    assert rows[0]["state"] in {"payable", "waiting"} and rows[0]["proposal_id"] == approved.pk
    assert [r["title"] for r in get(url, token=be).json()["results"]] == ["Ghent"]
    assert get(f"{url}?status=paid", token=lu).json()["results"] == []
    wrong = get(f"{url}?status=someday", token=lu)
    assert wrong.status == 400 and list(wrong.json()["errors"]) == ["status"]
    assert titles(get(f"{live_server.url}/api/v1/proposals/?edition=all", token=be)) == {
        "Brussels hack",
        "Ghent",
    }


def test_one_proposal_carries_its_reviews_and_staff_comments(world, live_server):
    proposal = world.lu[0]
    criterion = ReviewCriterionFactory(edition=proposal.country_programme.edition, name="Reach")
    submit_review(proposal, reviewer=world.lu_manager, scores={criterion.pk: 4}, comment="Good.")
    add_comment(proposal, author=world.lu_manager, body="Ask for the venue.", to_applicant=False)

    detail = get(
        f"{live_server.url}/api/v1/proposals/{proposal.pk}/", token=_token(world.lu_manager)
    )
    body = detail.json()
    assert [(r["reviewer"], r["scores"], r["comment"]) for r in body["reviews"]] == [
        (str(world.lu_manager), {"Reach": 4}, "Good.")
    ]
    assert [(c["body"], c["to_applicant"]) for c in body["comments"]] == [
        ("Ask for the venue.", False)
    ]
    assert body["average_score"] == 4.0


def test_the_report_shows_its_figures_and_files_once_handed_in(world, live_server):
    from events.models import Report, ReportFile

    proposal = world.lu[1]
    url = f"{live_server.url}/api/v1/proposals/{proposal.pk}/report/"
    token = _token(world.lu_manager)
    assert get(url, token=token).status == 404  # no report yet

    report = Report.objects.create(proposal=proposal, participants_total=18, went_well="Games")
    draft = get(url, token=token).json()
    assert (draft["status"], draft["figures"], draft["went_well"]) == ("draft", None, "")

    Report.objects.filter(pk=report.pk).update(
        status="submitted", submitted_at=timezone.now(), age_8_12=18, gender_female=18
    )
    ReportFile.objects.create(
        report=report, kind="receipt", original_name="bill.pdf", content_type="application/pdf",
        size=1200, file="reports/bill.pdf",
    )  # fmt: skip
    handed_in = get(url, token=token).json()
    assert handed_in["figures"]["participants_total"] == 18
    assert handed_in["figures"]["age_8_12"] == 18 and handed_in["went_well"] == "Games"
    assert handed_in["files"] == [
        {"kind": "receipt", "name": "bill.pdf", "size": 1200, "public": False}
    ]
    assert get(url, token=_token(world.be_manager)).status == 404
    readings = AuditEntry.objects.filter(action=Action.DATA_READ, object_id=proposal.pk)
    assert readings.count() == 2  # as opening the proposal page
