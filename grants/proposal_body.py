"""The proposal page's body, rendered once and kept until a row it shows changes (issue 19).

The page shows some twenty kinds of data (the proposal, its organisation and earlier proposals,
budget, answers, reviews and scores, comments, decisions, report, signals, timeline...). Reading
and rendering them was most of the page's cost, and most requests show what the last one did: a
reviewer going back and forth, a manager and the reviewers of a country on the same proposal.
The body is kept as meetandcode.kernel.kept_bodies describes: ``VERSIONS`` hashes every row it
shows; the rest of the key is the person's scope (two reviewers of a country share the body; a
reviewer's own review is one of the hashed rows, named as theirs). The CSRF token and the "Save
review and next" buttons (the pager's next proposal) are written in per request.
"""

from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from events.edit_body import PROPOSAL_CONTENT
from events.models import Proposal, Report
from meetandcode.kernel.kept_bodies import KeptBodies, filled, sorted_ids
from organisations.permissions import scope_of

# Every row the body reads, as "table id version". The tables are quoted: the guard test reads
# the covered tables from this text.
VERSIONS = f"""
WITH proposal AS (
    SELECT id, organisation_id, country_programme_id FROM "events_proposal" WHERE id = %(proposal)s
), family AS (
    SELECT f.id, f.country_programme_id FROM "events_proposal" f
    JOIN proposal p ON f.organisation_id = p.organisation_id
), programme AS (
    SELECT c.id, c.edition_id FROM "grants_countryprogramme" c
    JOIN proposal p ON c.id = p.country_programme_id
), report AS (
    SELECT r.id FROM "events_report" r JOIN proposal p ON r.proposal_id = p.id
), related AS (
    SELECT (jsonb_array_elements(s.related) ->> 'proposal')::bigint AS id
    FROM "grants_integritysignal" s JOIN proposal p ON s.proposal_id = p.id
), reviews AS (
    SELECT r.id, r.reviewer_id FROM "grants_review" r JOIN proposal p ON r.proposal_id = p.id
), entries AS (
    SELECT a.id, a.actor_id FROM "organisations_auditentry" a
    WHERE a.action <> 'data.read' AND (
        (a.content_type_id = %(proposal_type)s AND a.object_id = %(proposal)s)
        OR (a.content_type_id = %(report_type)s AND a.object_id IN (SELECT id FROM report))
    )
)
SELECT md5(string_agg(version, ' ' ORDER BY version)) FROM (
    SELECT 'proposal ' || t.id || ' ' || t.xmin || t.ctid FROM "events_proposal" t
    WHERE t.id IN (SELECT id FROM family UNION SELECT id FROM related)
    UNION ALL SELECT 'organisation ' || t.id || ' ' || t.xmin || t.ctid
    FROM "organisations_organisation" t
    WHERE t.id IN (
        SELECT organisation_id FROM proposal
        UNION SELECT organisation_id FROM "events_proposal" WHERE id IN (SELECT id FROM related)
    )
    UNION ALL SELECT 'form ' || t.id || ' ' || t.xmin || t.ctid FROM "organisations_legalform" t
    UNION ALL SELECT 'validation ' || t.id || ' ' || t.xmin || t.ctid
    FROM "organisations_organisationvalidation" t
    WHERE t.organisation_id IN (SELECT organisation_id FROM proposal)
    UNION ALL SELECT 'programme ' || t.id || ' ' || t.xmin || t.ctid
    FROM "grants_countryprogramme" t
    WHERE t.id IN (SELECT country_programme_id FROM family)
    UNION ALL SELECT 'edition ' || t.id || ' ' || t.xmin || t.ctid FROM "grants_edition" t
    UNION ALL SELECT 'grant ' || t.id || ' ' || t.xmin || t.ctid FROM "grants_grant" t
    WHERE t.proposal_id IN (SELECT id FROM family)
    UNION ALL SELECT 'report ' || t.id || ' ' || t.xmin || t.ctid FROM "events_report" t
    WHERE t.proposal_id IN (SELECT id FROM family)
    UNION ALL SELECT 'file ' || t.id || ' ' || t.xmin || t.ctid FROM "events_reportfile" t
    WHERE t.report_id IN (SELECT id FROM report)
    {PROPOSAL_CONTENT}
    UNION ALL SELECT 'entry ' || t.id || ' ' || t.xmin || t.ctid FROM "organisations_auditentry" t
    WHERE t.id IN (SELECT id FROM entries)
    UNION ALL SELECT 'review ' || t.id || ' ' || t.xmin || t.ctid
    || CASE WHEN t.reviewer_id = %(person)s THEN ' own' ELSE '' END
    FROM "grants_review" t WHERE t.proposal_id IN (SELECT id FROM proposal)
    UNION ALL SELECT 'score ' || t.id || ' ' || t.xmin || t.ctid FROM "grants_reviewscore" t
    WHERE t.review_id IN (SELECT id FROM reviews)
    UNION ALL SELECT 'criterion ' || t.id || ' ' || t.xmin || t.ctid
    FROM "grants_reviewcriterion" t WHERE t.edition_id IN (SELECT edition_id FROM programme)
    UNION ALL SELECT 'comment ' || t.id || ' ' || t.xmin || t.ctid
    FROM "grants_proposalcomment" t WHERE t.proposal_id IN (SELECT id FROM proposal)
    UNION ALL SELECT 'signal ' || t.id || ' ' || t.xmin || t.ctid
    FROM "grants_integritysignal" t WHERE t.proposal_id IN (SELECT id FROM proposal)
    UNION ALL SELECT 'check ' || t.id || ' ' || t.xmin || t.ctid FROM "grants_signalcheck" t
    WHERE t.proposal_id IN (SELECT id FROM proposal)
    UNION ALL SELECT 'person ' || t.id || ' ' || t.xmin || t.ctid FROM "organisations_user" t
    WHERE t.id IN (
        SELECT actor_id FROM entries
        UNION SELECT reviewer_id FROM reviews
        UNION SELECT author_id FROM "grants_proposalcomment"
        WHERE proposal_id IN (SELECT id FROM proposal)
        UNION SELECT checked_by_id FROM "grants_signalcheck"
        WHERE proposal_id IN (SELECT id FROM proposal)
        UNION SELECT uploaded_by_id FROM "events_reportfile"
        WHERE report_id IN (SELECT id FROM report)
    )
) AS versions (version)
"""  # noqa: S608  # nosec B608 (constants only: no value is put into it)

#: what the body reads that the key holds otherwise: the person's partner roles (their scope is
#: part of the key) and Django's content types (fixed once the site is installed)
KEYED_OTHERWISE = frozenset(
    {"organisations_partnerstaff", "organisations_partner", "django_content_type"}
)

kept = KeptBodies("proposal", "grants/_proposal_body.html", VERSIONS, marks=["and_next"])


def versions(pk: int, user) -> str | None:
    """The hash of the versions of every row the body of proposal ``pk`` shows (None without
    PostgreSQL). Ask it before reading any of them."""
    types = ContentType.objects.get_for_models(Proposal, Report)
    return kept.versions(
        proposal=pk,
        person=user.pk,
        proposal_type=types[Proposal].pk,
        report_type=types[Report].pk,
    )


def body(request, proposal, version: str | None, context) -> str:
    """The body of ``proposal``'s page, kept under ``version`` (from ``versions``, asked first)
    and the person's scope, or rendered with ``context()``."""
    scope = scope_of(request.user)
    sets = (scope.countries, scope.partner_ids, scope.managed_countries, scope.managed_partner_ids)
    parts = [proposal.pk, scope.everywhere, *map(sorted_ids, sets)]
    return kept.body(request, version, parts, context)


def with_request_parts(body: str, request, pager) -> SafeString:
    """The body with this request's CSRF token and the pager's "Save review and next"."""
    and_next = render_to_string("grants/_review_and_next.html", {"pager": pager})
    return filled(body, request, and_next=and_next)
