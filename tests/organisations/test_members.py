"""Members of an organisation through the test client: an owner invites by e-mail, the invited
person accepts by the link, an owner declines a join request, and who may do what. Every new URL
answers 404 to a member of another organisation."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations import services
from organisations.models import AuditEntry, MemberInvitation, Membership, Notification
from tests.factories import (
    MemberInvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture
def owner():
    return MembershipFactory(role=Membership.Role.OWNER).user


@pytest.fixture
def organisation(owner):
    return owner.organisations.get()


def _detail_url(organisation) -> str:
    return reverse("organisations:detail", args=[organisation.pk])


def _invite(client, organisation, email, capture):
    with capture(execute=True):
        return client.post(
            reverse("organisations:invite_member", args=[organisation.pk]), {"email": email}
        )


def _link_in(text: str) -> str:
    found = re.search(r"https?://[^/\s]+(/my/invitations/[\w-]+/)", text)
    assert found, text
    return found.group(1)


def _page(response) -> str:
    return html.unescape(response.content.decode())


def test_an_invited_person_follows_the_link_in_the_mail_and_becomes_a_member(
    client, owner, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    response = _invite(
        client, organisation, "New.Helper@Example.org", django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    invitation = MemberInvitation.objects.get(organisation=organisation)
    assert invitation.email == "new.helper@example.org"
    assert invitation.invited_by == owner
    assert (
        timedelta(days=13, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=14)
    )
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["new.helper@example.org"]
    assert organisation.name in mail.subject
    link = _link_in(mail.body)
    assert link == reverse("organisations:invitation", args=[invitation.token])
    assert link in mail.alternatives[0].content
    assert "invitation.create" in AuditEntry.objects.values_list("action", flat=True)
    sent = Notification.objects.get(kind="member_invitation")
    assert (sent.recipient, sent.email, sent.status) == (None, "new.helper@example.org", "sent")

    # The owner sees the open invitation on the organisation page.
    assert "new.helper@example.org" in _page(client.get(_detail_url(organisation)))

    # Someone signed in with another address opens the link and accepts.
    helper = UserFactory(email="helper.private@example.net")
    client.force_login(helper)
    page = client.get(link)
    assert page.status_code == 200
    assert organisation.name in _page(page)
    assert "Accept the invitation" in _page(page)

    response = client.post(reverse("organisations:accept_invitation", args=[invitation.token]))

    assert response.status_code == 302
    assert response.url == _detail_url(organisation)
    membership = Membership.objects.get(user=helper, organisation=organisation)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.role == Membership.Role.MEMBER
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.accepted_by == helper
    assert AuditEntry.objects.filter(action="invitation.accept", actor=helper).exists()
    detail = _page(client.get(response.url))
    assert f"You are now a member of {organisation.name}" in detail
    assert helper.email in detail


def test_an_anonymous_visitor_is_sent_to_log_in_and_back_to_the_invitation(client):
    invitation = MemberInvitationFactory()
    link = reverse("organisations:invitation", args=[invitation.token])

    response = client.get(link)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert f"next={link}" in response.url


def test_an_expired_invitation_is_refused_with_a_clear_message(client):
    invitation = MemberInvitationFactory(expires_at=timezone.now() - timedelta(minutes=1))
    person = UserFactory()
    client.force_login(person)

    page = _page(client.get(reverse("organisations:invitation", args=[invitation.token])))
    assert "This invitation has expired" in page
    assert "Accept the invitation" not in page

    response = client.post(
        reverse("organisations:accept_invitation", args=[invitation.token]), follow=True
    )
    assert "This invitation has expired" in _page(response)
    assert not Membership.objects.filter(user=person).exists()


def test_an_owner_withdraws_an_invitation_and_its_link_stops_working(client, owner, organisation):
    invitation = MemberInvitationFactory(organisation=organisation, invited_by=owner)
    client.force_login(owner)

    response = client.post(reverse("organisations:revoke_invitation", args=[invitation.pk]))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked
    assert AuditEntry.objects.filter(action="invitation.revoke", actor=owner).exists()
    assert "is withdrawn" in _page(client.get(_detail_url(organisation)))  # the message
    assert invitation.email not in _page(client.get(_detail_url(organisation)))

    person = UserFactory()
    client.force_login(person)
    page = _page(client.get(reverse("organisations:invitation", args=[invitation.token])))
    assert "This invitation was withdrawn" in page
    assert "Accept the invitation" not in page
    response = client.post(
        reverse("organisations:accept_invitation", args=[invitation.token]), follow=True
    )
    assert "This invitation was withdrawn" in _page(response)
    assert not Membership.objects.filter(user=person).exists()


def test_inviting_again_sends_a_fresh_link_and_the_old_one_no_longer_works(
    client, owner, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    _invite(client, organisation, "again@example.org", django_capture_on_commit_callbacks)
    first_link = _link_in(mailoutbox[0].body)
    MemberInvitation.objects.update(expires_at=timezone.now() - timedelta(days=1))

    _invite(client, organisation, "again@example.org", django_capture_on_commit_callbacks)

    invitation = MemberInvitation.objects.get()
    assert invitation.is_pending
    assert len(mailoutbox) == 2
    assert _link_in(mailoutbox[1].body) != first_link
    assert client.get(first_link).status_code == 404
    assert "invitation.refresh" in AuditEntry.objects.values_list("action", flat=True)


def test_inviting_a_member_shows_the_reason_next_to_the_field_and_keeps_the_address(
    client, owner, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
    client.force_login(owner)

    response = _invite(
        client, organisation, member.email.upper(), django_capture_on_commit_callbacks
    )

    assert response.status_code == 200
    form = response.context["invite_form"]
    assert form.errors["email"] == [f"{member.email} is already a member."]
    assert f'value="{member.email.upper()}"' in response.content.decode()
    assert not MemberInvitation.objects.exists()
    assert mailoutbox == []


def test_a_mistyped_address_is_refused_next_to_the_field(client, owner, organisation):
    client.force_login(owner)

    response = client.post(
        reverse("organisations:invite_member", args=[organisation.pk]), {"email": "helper@"}
    )

    assert response.status_code == 200
    assert "email" in response.context["invite_form"].errors
    assert 'value="helper@"' in response.content.decode()
    assert not MemberInvitation.objects.exists()


def test_a_member_who_is_not_an_owner_sees_the_members_but_cannot_invite(
    client, organisation, mailoutbox
):
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
    MemberInvitationFactory(organisation=organisation, email="secret.invitee@example.org")
    MembershipFactory(organisation=organisation, status=Membership.Status.REQUESTED)
    client.force_login(member)

    page = _page(client.get(_detail_url(organisation)))
    assert member.email in page
    assert "Invite a member" not in page
    assert "secret.invitee@example.org" not in page
    assert "People asking to join" not in page

    response = client.post(
        reverse("organisations:invite_member", args=[organisation.pk]), {"email": "x@example.org"}
    )
    assert response.status_code == 404
    assert MemberInvitation.objects.count() == 1
    assert mailoutbox == []


def test_an_owner_declines_a_join_request_and_the_person_is_told(
    client, owner, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    asker = UserFactory()
    client.force_login(asker)
    client.post(reverse("organisations:request_join", args=[organisation.pk]))
    request_ = Membership.objects.get(user=asker)
    assert request_.status == Membership.Status.REQUESTED

    client.force_login(owner)
    page = _page(client.get(_detail_url(organisation)))
    assert "People asking to join" in page
    assert reverse("organisations:decline_member", args=[request_.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:decline_member", args=[request_.pk]),
            {"reason": "We only take volunteers from our town.", "next": _detail_url(organisation)},
            follow=True,
        )

    assert "You declined the request" in _page(response)
    request_.refresh_from_db()
    assert request_.status == Membership.Status.REMOVED
    entry = AuditEntry.objects.get(action="membership.decline")
    assert (entry.actor, entry.from_state, entry.to_state) == (owner, "requested", "removed")
    assert entry.message == "We only take volunteers from our town."
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [asker.email]
    assert organisation.name in mailoutbox[0].subject
    assert "We only take volunteers from our town." in mailoutbox[0].body
    assert Notification.objects.get(kind="join_declined").recipient == asker
    assert "People asking to join" not in _page(client.get(_detail_url(organisation)))

    # The declined person is not a member, and may ask again.
    client.force_login(asker)
    assert client.get(_detail_url(organisation)).status_code == 404
    client.post(reverse("organisations:request_join", args=[organisation.pk]))
    request_.refresh_from_db()
    assert request_.status == Membership.Status.REQUESTED


def test_a_decline_without_a_reason_is_fine_and_an_answered_request_cannot_be_declined(
    client, owner, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    request_ = MembershipFactory(
        organisation=organisation, role=Membership.Role.MEMBER, status=Membership.Status.REQUESTED
    )
    client.force_login(owner)
    url = reverse("organisations:decline_member", args=[request_.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    request_.refresh_from_db()
    assert request_.status == Membership.Status.REMOVED
    assert len(mailoutbox) == 1

    assert client.post(url).status_code == 404  # no longer a pending request


def test_accepting_as_a_member_already_changes_nothing(owner, organisation):
    invitation = MemberInvitationFactory(organisation=organisation)

    membership = services.accept_invitation(invitation.token, user=owner)

    assert membership.role == Membership.Role.OWNER
    assert Membership.objects.filter(organisation=organisation).count() == 1

    helper = UserFactory()
    first = services.accept_invitation(invitation.token, user=helper)
    again = services.accept_invitation(invitation.token, user=helper)
    assert first.pk == again.pk
    assert again.status == Membership.Status.ACTIVE


def test_a_used_invitation_does_not_let_a_second_person_in(organisation):
    invitation = MemberInvitationFactory(organisation=organisation)
    services.accept_invitation(invitation.token, user=UserFactory())

    with pytest.raises(services.DomainError, match="already used"):
        services.accept_invitation(invitation.token, user=UserFactory())


def test_only_an_owner_may_invite_or_withdraw_through_the_services(organisation):
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
    invitation = MemberInvitationFactory(organisation=organisation)

    with pytest.raises(services.DomainError, match="Only an owner"):
        services.invite_member(organisation, actor=member, email="someone@example.org")
    with pytest.raises(services.DomainError, match="Only an owner"):
        services.revoke_invitation(invitation, actor=member)


def test_a_member_of_another_organisation_gets_404_on_every_new_url(client, organisation):
    invitation = MemberInvitationFactory(organisation=organisation)
    request_ = MembershipFactory(
        organisation=organisation, role=Membership.Role.MEMBER, status=Membership.Status.REQUESTED
    )
    other_owner = MembershipFactory(organisation=OrganisationFactory()).user
    client.force_login(other_owner)

    posts = [
        reverse("organisations:invite_member", args=[organisation.pk]),
        reverse("organisations:revoke_invitation", args=[invitation.pk]),
        reverse("organisations:decline_member", args=[request_.pk]),
        reverse("organisations:accept_invitation", args=["not-a-real-token"]),
    ]
    for url in posts:
        assert client.post(url, {"email": "x@example.org"}).status_code == 404, url
    unknown = reverse("organisations:invitation", args=["not-a-real-token"])
    assert client.get(unknown).status_code == 404
    assert client.get(_detail_url(organisation)).status_code == 404

    invitation.refresh_from_db()
    request_.refresh_from_db()
    assert not invitation.revoked
    assert request_.status == Membership.Status.REQUESTED
    assert MemberInvitation.objects.count() == 1


def test_the_owners_member_lists_ask_few_queries_however_many_people(
    client, owner, organisation, django_assert_max_num_queries
):
    for _ in range(8):
        MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER)
        services.request_to_join(organisation, user=UserFactory())
        MemberInvitationFactory(organisation=organisation)
    client.force_login(owner)

    # As the page without invitations (see test_organisation_area), plus one for the invitations.
    with django_assert_max_num_queries(11):
        response = client.get(_detail_url(organisation))

    page = _page(response)
    assert page.count("asks to act for") == 8
    assert page.count("Withdraw") == 8


def test_the_invitation_mail_leaves_only_after_the_commit(
    client, owner, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(owner)

    with django_capture_on_commit_callbacks() as callbacks:
        client.post(
            reverse("organisations:invite_member", args=[organisation.pk]),
            {"email": "later@example.org"},
        )
        assert mailoutbox == []

    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert [mail.to for mail in mailoutbox] == [["later@example.org"]]


def test_the_dashboard_shows_each_person_their_own_kind_of_waiting_request(
    client, owner, organisation
):
    asker = UserFactory(first_name="Asker")
    client.force_login(asker)
    client.post(reverse("organisations:request_join", args=[organisation.pk]))

    mine = _page(client.get(reverse("organisations:mine")))
    assert 'id="own-requests-title"' in mine and organisation.name in mine
    assert 'id="join-requests-title"' not in mine

    client.force_login(owner)
    theirs = _page(client.get(reverse("organisations:mine")))
    assert 'id="join-requests-title"' in theirs and asker.email in theirs
    assert 'id="own-requests-title"' not in theirs
