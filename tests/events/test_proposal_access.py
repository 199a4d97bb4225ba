"""Only active members of a proposal's organisation reach its pages; others get 404."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from events.models import Proposal
from organisations.models import Membership
from tests.factories import PASSWORD, MembershipFactory, ProposalFactory

pytestmark = pytest.mark.django_db

# (url name, needs the section argument, method)
URLS = [
    ("events:detail", False, "get"),
    ("events:edit", False, "get"),
    ("events:save_section", True, "post"),
    ("events:submit", False, "get"),
    ("events:submit", False, "post"),
    ("events:withdraw", False, "post"),
]


def url_for(name, with_section, proposal):
    args = [proposal.pk, "event"] if with_section else [proposal.pk]
    return reverse(name, args=args)


@pytest.fixture
def proposal():
    return ProposalFactory()


@pytest.mark.parametrize(("name", "with_section", "method"), URLS)
def test_member_of_another_organisation_gets_404(client, proposal, name, with_section, method):
    outsider = MembershipFactory().user
    client.force_login(outsider)
    response = getattr(client, method)(url_for(name, with_section, proposal), {"confirm": "yes"})
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT


@pytest.mark.parametrize(("name", "with_section", "method"), URLS)
def test_inactive_member_gets_404(client, proposal, name, with_section, method):
    membership = MembershipFactory(
        organisation=proposal.organisation, status=Membership.Status.REQUESTED
    )
    client.force_login(membership.user)
    response = getattr(client, method)(url_for(name, with_section, proposal))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "with_section", "method"), URLS)
def test_anonymous_is_sent_to_log_in(client, proposal, name, with_section, method):
    url = url_for(name, with_section, proposal)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=" in response.url


def test_start_is_for_logged_in_people_only(client):
    response = client.post(reverse("events:start"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_cannot_start_for_someone_elses_organisation(client, proposal):
    client.force_login(MembershipFactory().user)
    response = client.post(reverse("events:start"), {"organisation": proposal.organisation.pk})
    assert response.status_code == 404


def test_submitted_proposal_edit_redirects_to_read_only_page(client):
    membership = MembershipFactory()
    proposal = ProposalFactory(
        organisation=membership.organisation, status=Proposal.Status.SUBMITTED
    )
    client.force_login(membership.user)
    detail = reverse("events:detail", args=[proposal.pk])
    assert client.get(reverse("events:edit", args=[proposal.pk])).url == detail
    response = client.post(
        reverse("events:save_section", args=[proposal.pk, "event"]), {"event-title": "Changed"}
    )
    assert response.url == detail
    proposal.refresh_from_db()
    assert proposal.title != "Changed"


def test_an_expired_session_leads_through_login_back_to_the_same_draft(client):
    membership = MembershipFactory()
    person = membership.user
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    proposal = ProposalFactory(organisation=membership.organisation, title="Scratch at the library")
    edit_url = reverse("events:edit", args=[proposal.pk])

    to_login = client.get(edit_url)  # no session: as after it expired
    assert to_login.status_code == 302
    login_url = to_login["Location"]
    assert login_url.startswith(reverse("account_login"))

    back = client.post(login_url, {"login": person.email, "password": PASSWORD})
    assert back.status_code == 302 and back["Location"] == edit_url
    assert "Scratch at the library" in client.get(edit_url).content.decode()


def test_an_autosave_after_the_session_ended_gets_401_not_the_login_page(client):
    proposal = ProposalFactory()
    url = reverse("events:save_section", args=[proposal.pk, "event"])

    autosave = client.post(url, {"event-title": "Robots"}, headers={"HX-Request": "true"})
    plain = client.post(url, {"event-title": "Robots"})

    assert autosave.status_code == 401 and autosave["HX-Reswap"] == "none"
    assert b"<form" not in autosave.content
    assert plain.status_code == 302 and plain["Location"].startswith(reverse("account_login"))


def test_the_applicants_timeline_keeps_the_partners_internal_words_out(client):
    """Reviews, internal comments and a conflict-of-interest note are the partner's; only the
    steps of the proposal and the messages to the applicant show on the applicant's page."""
    from grants.services import add_comment, declare_conflict, submit_review
    from organisations.models import PartnerStaff
    from tests.factories import PartnerStaffFactory, ReviewCriterionFactory, submit_in_window

    membership = MembershipFactory()
    proposal = ProposalFactory(organisation=membership.organisation)
    partner = proposal.country_programme.partner
    manager = PartnerStaffFactory(partner=partner, role=PartnerStaff.Role.MANAGER).user
    reviewer = PartnerStaffFactory(partner=partner, role=PartnerStaff.Role.REVIEWER).user
    criterion = ReviewCriterionFactory(edition=proposal.country_programme.edition)
    submit_in_window(proposal, actor=membership.user)
    submit_review(proposal, reviewer=reviewer, scores={criterion.pk: 2}, comment="Weak plan, sadly")
    declare_conflict(proposal, reviewer=manager, note="My cousin runs this club")
    add_comment(proposal, author=manager, body="Ask the mayor about it", to_applicant=False)
    add_comment(proposal, author=manager, body="Please add a second coach", to_applicant=True)

    client.force_login(membership.user)
    page = client.get(reverse("events:detail", args=[proposal.pk])).content.decode()

    assert "Please add a second coach" in page
    for internal in ("Weak plan, sadly", "My cousin runs this club", "Ask the mayor about it"):
        assert internal not in page
