"""Reviews and comments: partner staff score a proposal on the edition's criteria, declare a
conflict of interest instead, and comment internally or to the applicant."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from events.models import Proposal
from grants.models import ProposalComment, Review
from grants.services import (
    ReviewNotValid,
    ReviewSummary,
    add_comment,
    declare_conflict,
    review_summary,
    submit_review,
    summary_of,
)
from meetandcode.kernel.exceptions import DomainError
from organisations.audit import entries_for
from organisations.models import PartnerStaff
from tests.factories import (
    PAST_YEAR,
    CountryProgrammeFactory,
    MembershipFactory,
    PartnerStaffFactory,
    ProposalFactory,
    ReviewCriterionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal():
    return ProposalFactory(status=Proposal.Status.SUBMITTED)


@pytest.fixture
def criteria(proposal):
    edition = proposal.country_programme.edition
    return [
        ReviewCriterionFactory(edition=edition, name="Relevance", description="Reaches beginners"),
        ReviewCriterionFactory(edition=edition, name="Feasibility", description="Realistic plan"),
    ]


def _staff(proposal, role=PartnerStaff.Role.REVIEWER):
    return PartnerStaffFactory(partner=proposal.country_programme.partner, role=role).user


@pytest.fixture
def reviewer(proposal):
    return _staff(proposal)


def _scores(criteria, *values):
    return {criterion.pk: value for criterion, value in zip(criteria, values, strict=True)}


def test_a_reviewer_scores_every_criterion_and_can_change_their_review(
    proposal, criteria, reviewer
):
    submit_review(proposal, reviewer=reviewer, scores=_scores(criteria, 4, 2), comment="Good")
    review = submit_review(
        proposal, reviewer=reviewer, scores=_scores(criteria, 5, 3), comment="Better"
    )

    assert Review.objects.filter(proposal=proposal).count() == 1
    assert sorted(review.scores.values_list("score", flat=True)) == [3, 5]
    assert review.comment == "Better"
    assert [e.action for e in entries_for(proposal)][:2] == ["review.update", "review.submit"]


@pytest.mark.parametrize("bad", [0, 6, -1, "x", None, "3.5"])
def test_a_score_out_of_range_is_refused_with_a_message_for_that_criterion(
    proposal, criteria, reviewer, bad
):
    with pytest.raises(ReviewNotValid) as refused:
        submit_review(proposal, reviewer=reviewer, scores=_scores(criteria, 4, bad))

    assert set(refused.value.errors) == {criteria[1].pk}
    assert "Feasibility" in refused.value.errors[criteria[1].pk]
    assert not Review.objects.exists()


def test_a_missing_criterion_is_refused(proposal, criteria, reviewer):
    with pytest.raises(ReviewNotValid) as refused:
        submit_review(proposal, reviewer=reviewer, scores={criteria[0].pk: 4})

    assert set(refused.value.errors) == {criteria[1].pk}


def test_a_criterion_of_another_edition_is_refused(proposal, criteria, reviewer):
    other = ReviewCriterionFactory(edition__year=PAST_YEAR + 1)
    scores = {**_scores(criteria, 4, 4), other.pk: 5}

    with pytest.raises(ReviewNotValid) as refused:
        submit_review(proposal, reviewer=reviewer, scores=scores)

    assert set(refused.value.errors) == {other.pk}


def test_staff_of_another_country_cannot_review(proposal, criteria):
    belgian = PartnerStaffFactory(partner__countries=["BE"]).user
    applicant = MembershipFactory(organisation=proposal.organisation).user

    for outsider in (belgian, applicant, UserFactory()):
        with pytest.raises(PermissionDenied):
            submit_review(proposal, reviewer=outsider, scores=_scores(criteria, 3, 3))


def test_a_draft_cannot_be_reviewed(criteria, reviewer, proposal):
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.DRAFT)
    proposal.refresh_from_db()

    with pytest.raises(DomainError):
        submit_review(proposal, reviewer=reviewer, scores=_scores(criteria, 3, 3))


def test_the_average_counts_every_review_without_a_conflict(proposal, criteria, reviewer):
    other = _staff(proposal)
    submit_review(proposal, reviewer=reviewer, scores=_scores(criteria, 5, 5))
    submit_review(proposal, reviewer=other, scores=_scores(criteria, 1, 3))

    summary = review_summary(proposal)

    assert (summary.average, summary.count) == (Decimal("3.5"), 2)


def test_a_declared_conflict_takes_the_reviewers_scores_out_of_the_average(
    proposal, criteria, reviewer
):
    other = _staff(proposal)
    submit_review(proposal, reviewer=reviewer, scores=_scores(criteria, 5, 5))
    submit_review(proposal, reviewer=other, scores=_scores(criteria, 1, 1))

    declare_conflict(proposal, reviewer=other, note="I chair this organisation's board.")

    summary = review_summary(proposal)
    assert (summary.average, summary.count) == (Decimal("5"), 1)
    review = Review.objects.get(reviewer=other)
    assert review.conflict_of_interest and not review.scores.exists()
    assert entries_for(proposal).first().action == "review.conflict"
    with pytest.raises(DomainError):
        submit_review(proposal, reviewer=other, scores=_scores(criteria, 1, 1))


def test_comments_are_internal_or_to_the_applicant(proposal, reviewer):
    add_comment(proposal, author=reviewer, body="Check the venue.", to_applicant=False)
    add_comment(proposal, author=reviewer, body="Which room?", to_applicant=True)

    assert list(
        ProposalComment.objects.filter(proposal=proposal).values_list("body", "to_applicant")
    ) == [("Check the venue.", False), ("Which room?", True)]
    assert entries_for(proposal).first().action == "comment.to_applicant"


def test_an_empty_comment_or_an_outsider_is_refused(proposal, reviewer):
    with pytest.raises(DomainError):
        add_comment(proposal, author=reviewer, body="   ", to_applicant=False)
    with pytest.raises(PermissionDenied):
        add_comment(proposal, author=UserFactory(), body="Hi", to_applicant=True)
    assert not ProposalComment.objects.exists()


def test_staff_of_a_partner_covering_the_country_review(criteria, proposal):
    """A partner may serve several countries; its staff review in each of them."""
    programme = CountryProgrammeFactory(country="BE", edition=proposal.country_programme.edition)
    belgian_proposal = ProposalFactory(
        country_programme=programme, status=Proposal.Status.SUBMITTED, organisation__country="BE"
    )
    staff = PartnerStaffFactory(partner=programme.partner, role=PartnerStaff.Role.REVIEWER).user

    submit_review(belgian_proposal, reviewer=staff, scores=_scores(criteria, 2, 2))

    with pytest.raises(PermissionDenied):
        submit_review(proposal, reviewer=staff, scores=_scores(criteria, 2, 2))


# --- Through the dashboard ----------------------------------------------------------------------


@pytest.fixture
def reviewer_client(client, two_factor_login, reviewer):
    return two_factor_login(client, reviewer)


def _post_scores(criteria, *values, comment="Solid plan"):
    data = {f"score_{c.pk}": v for c, v in zip(criteria, values, strict=True)}
    return {**data, "comment": comment}


def test_a_reviewer_opens_the_review_form_with_the_criteria_and_their_descriptions(
    reviewer_client, proposal, criteria
):
    response = reviewer_client.get(reverse("grants:review", args=[proposal.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Relevance" in html and "Reaches beginners" in html
    assert html.count(f'name="score_{criteria[0].pk}"') == 5


def test_a_reviewer_scores_through_the_form_and_goes_back_to_the_proposal(
    reviewer_client, proposal, criteria, reviewer
):
    url = reverse("grants:review", args=[proposal.pk])

    response = reviewer_client.post(url, _post_scores(criteria, "4", "5"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("grants:proposal", args=[proposal.pk]))
    review = Review.objects.get(proposal=proposal, reviewer=reviewer)
    assert sorted(review.scores.values_list("score", flat=True)) == [4, 5]
    again = reviewer_client.get(url).content.decode()
    checked = re.findall(r'<input type="radio" name="(score_\d+)" value="(\d)"[^>]*checked', again)
    assert sorted(checked) == sorted(
        [(f"score_{criteria[0].pk}", "4"), (f"score_{criteria[1].pk}", "5")]
    )


@pytest.mark.parametrize("bad", ["0", "6", "", "five"])
def test_a_score_out_of_range_comes_back_with_an_error_and_the_comment_kept(
    reviewer_client, proposal, criteria, bad
):
    response = reviewer_client.post(
        reverse("grants:review", args=[proposal.pk]),
        _post_scores(criteria, "4", bad, comment="Keep this text"),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose a score from 1 to 5." in html
    assert "Keep this text" in html
    assert f'id="id_score_{criteria[1].pk}_error"' in html
    assert f'id="id_score_{criteria[0].pk}_error"' not in html
    assert not Review.objects.exists()


def test_a_conflict_declared_through_the_dashboard_leaves_the_average(
    reviewer_client, proposal, criteria, reviewer
):
    other = _staff(proposal)
    submit_review(proposal, reviewer=reviewer, scores=_scores(criteria, 1, 1))
    submit_review(proposal, reviewer=other, scores=_scores(criteria, 4, 4))

    response = reviewer_client.post(
        reverse("grants:conflict", args=[proposal.pk]), {"note": "My sister runs it."}
    )

    assert response.status_code == 302
    assert review_summary(proposal).average == Decimal("4")
    assert Review.objects.get(reviewer=reviewer).comment == "My sister runs it."


def test_a_comment_to_the_applicant_shows_on_their_proposal_page_an_internal_one_does_not(
    reviewer_client, proposal, client
):
    url = reverse("grants:comment", args=[proposal.pk])
    reviewer_client.post(url, {"body": "Internal: check the IBAN.", "to_applicant": "no"})
    reviewer_client.post(url, {"body": "Which room is it in?", "to_applicant": "yes"})
    reviewer_client.logout()

    applicant = MembershipFactory(organisation=proposal.organisation).user
    client.force_login(applicant)
    html = client.get(reverse("events:detail", args=[proposal.pk])).content.decode()

    assert "Which room is it in?" in html
    assert "check the IBAN" not in html


def test_an_empty_comment_is_refused_with_a_message(reviewer_client, proposal):
    response = reviewer_client.post(
        reverse("grants:comment", args=[proposal.pk]), {"body": "", "to_applicant": "yes"}
    )

    assert response.status_code == 400
    assert "Write the comment first." in response.content.decode()
    assert not ProposalComment.objects.exists()


def test_staff_of_another_country_get_404_on_the_review_pages(client, two_factor_login, proposal):
    belgian = PartnerStaffFactory(partner__countries=["BE"]).user
    two_factor_login(client, belgian)

    assert client.get(reverse("grants:review", args=[proposal.pk])).status_code == 404
    assert client.post(reverse("grants:conflict", args=[proposal.pk])).status_code == 404
    response = client.post(
        reverse("grants:comment", args=[proposal.pk]), {"body": "Hi", "to_applicant": "yes"}
    )
    assert response.status_code == 404
    assert not Review.objects.exists() and not ProposalComment.objects.exists()


def test_an_applicant_cannot_open_the_review_form(client, proposal):
    applicant = MembershipFactory(organisation=proposal.organisation).user
    client.force_login(applicant)

    assert client.get(reverse("grants:review", args=[proposal.pk])).status_code == 403


def test_the_summary_averages_every_score_and_rounds_to_two_places(proposal, criteria, reviewer):
    """The proposal page sums the reviews it shows (``summary_of``), the review page asks
    ``review_summary``: one rule, no reviews, a third that does not divide, a conflict."""

    def shown():
        return summary_of(Review.objects.filter(proposal=proposal).prefetch_related("scores"))

    assert shown() == review_summary(proposal) == ReviewSummary(average=None, count=0)
    submit_review(proposal, reviewer=reviewer, scores=_scores(criteria, 5, 4))
    submit_review(proposal, reviewer=_staff(proposal), scores=_scores(criteria, 4, 4))
    assert shown() == ReviewSummary(average=Decimal("4.25"), count=2)
    third = _staff(proposal)
    submit_review(proposal, reviewer=third, scores=_scores(criteria, 1, 1))
    assert shown() == ReviewSummary(average=Decimal("3.17"), count=3)
    declare_conflict(proposal, reviewer=third, note="A board member.")
    assert shown() == review_summary(proposal) == ReviewSummary(average=Decimal("4.25"), count=2)
