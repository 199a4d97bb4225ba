"""The proposal page's body, rendered once and kept until a row it shows changes (issue 19).

The page shows some twenty kinds of data (the proposal, its organisation and earlier proposals,
budget, answers, reviews and scores, comments, decisions, report, signals, timeline...). Reading
and rendering them was most of the page's cost, and most requests show what the last one did: a
reviewer going back and forth, a manager and the reviewers of a country on the same proposal.

**The key.** One query (``VERSIONS``, PostgreSQL) hashes the version of every row the body
reads: the row's ``xmin`` (the transaction that wrote it) and ``ctid`` (where this version of
the row lies; a row updated twice in one transaction moves each time). Any write, by a service,
the admin, a migration or a cascade, changes the hash: there is no invalidation to forget. A
test renders the body and fails when it reads a table the hash does not cover. The rest of the
key is what the body depends on besides rows: what the person may do and see (their scope:
two reviewers of a country share the body; a reviewer's own review is one of the hashed rows,
named as theirs), the language, the time zone and today's date.

**Order.** The hash is read before anything the body shows, so a body is never older than its
key: a write committed in between gives a body newer than its key, which no later request asks
for (they read the new hash).

**Per request.** The CSRF token of the body's forms and the "Save review and next" buttons (the
pager's next proposal) are written in at each request, in place of marks the cache never holds
from anyone else (they are derived from the secret key).

Without PostgreSQL (the SQLite of ``make run``) the body is rendered on every request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from events.models import Proposal, Report
from organisations.permissions import scope_of

TEMPLATE = "grants/_proposal_body.html"
AND_NEXT_TEMPLATE = "grants/_review_and_next.html"
#: how long a body is kept at most (its key changes with every write before that)
KEPT_SECONDS = 600

# Every row the body reads, as "table id version". The tables are quoted: the guard test reads
# the covered tables from this text.
VERSIONS = """
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
    WHERE t.id IN (SELECT id FROM family) OR t.id IN (SELECT id FROM related)
    UNION ALL SELECT 'organisation ' || t.id || ' ' || t.xmin || t.ctid
    FROM "organisations_organisation" t
    WHERE t.id IN (SELECT organisation_id FROM proposal)
    OR t.id IN (SELECT organisation_id FROM "events_proposal" WHERE id IN (SELECT id FROM related))
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
    UNION ALL SELECT 'line ' || t.id || ' ' || t.xmin || t.ctid FROM "events_budgetline" t
    WHERE t.proposal_id IN (SELECT id FROM proposal)
    UNION ALL SELECT 'focus ' || t.id || ' ' || t.xmin || t.ctid
    FROM "events_proposal_focus_groups" t WHERE t.proposal_id IN (SELECT id FROM proposal)
    UNION ALL SELECT 'group ' || t.id || ' ' || t.xmin || t.ctid FROM "events_focusgroup" t
    UNION ALL SELECT 'spoken ' || t.id || ' ' || t.xmin || t.ctid
    FROM "events_proposal_languages" t WHERE t.proposal_id IN (SELECT id FROM proposal)
    UNION ALL SELECT 'language ' || t.id || ' ' || t.xmin || t.ctid FROM "events_language" t
    UNION ALL SELECT 'choice ' || t.id || ' ' || t.xmin || t.ctid FROM "programmes_questionchoice" t
    WHERE t.question_id IN (
        SELECT id FROM "programmes_question" WHERE edition_id IN (SELECT edition_id FROM programme)
    )
    UNION ALL SELECT 'answer ' || t.id || ' ' || t.xmin || t.ctid FROM "events_answer" t
    WHERE t.proposal_id IN (SELECT id FROM proposal)
    UNION ALL SELECT 'question ' || t.id || ' ' || t.xmin || t.ctid FROM "programmes_question" t
    WHERE t.edition_id IN (SELECT edition_id FROM programme)
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
"""

#: what the body reads that the key holds otherwise: the person's partner roles (their scope is
#: part of the key) and Django's content types (fixed once the site is installed)
KEYED_OTHERWISE = frozenset(
    {"organisations_partnerstaff", "organisations_partner", "django_content_type"}
)


def versions(pk: int, user) -> str | None:
    """The hash of the versions of every row the body of proposal ``pk`` shows, or None without
    PostgreSQL. Ask it before reading any of them."""
    if connection.vendor != "postgresql":
        return None
    types = ContentType.objects.get_for_models(Proposal, Report)
    with connection.cursor() as cursor:
        cursor.execute(
            VERSIONS,
            {
                "proposal": pk,
                "person": user.pk,
                "proposal_type": types[Proposal].pk,
                "report_type": types[Report].pk,
            },
        )
        return cursor.fetchone()[0]


def body(request, proposal, version: str | None, context: Callable[[], dict]) -> SafeString:
    """The body of ``proposal``'s page for this request: kept under ``version`` (from
    ``versions``, asked first) or rendered with ``context()``, with the request's own parts
    written in."""
    key = _key(request, proposal, version) if version else None
    kept = cache.get(key) if key else None
    if kept is None:
        kept = render_to_string(
            TEMPLATE,
            {**context(), "csrf_token": _mark("csrf"), "and_next": _mark("and-next")},
            request,
        )
        if key:
            cache.set(key, kept, KEPT_SECONDS)
    return mark_safe(kept)  # noqa: S308 (rendered by the template above, escaped there)


def filled(body: str, request, pager) -> SafeString:
    """The body with this request's CSRF token and the pager's "Save review and next"."""
    and_next = render_to_string(AND_NEXT_TEMPLATE, {"pager": pager})
    body = body.replace(_mark("csrf"), get_token(request)).replace(_mark("and-next"), and_next)
    return mark_safe(body)  # noqa: S308 (kept HTML with our own fragments)


def _key(request, proposal, version: str) -> str:
    scope = scope_of(request.user)
    parts = [
        str(proposal.pk),
        version,
        get_language() or "",
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        str(scope.everywhere),
        *(",".join(sorted(map(str, ids))) for ids in _scope_sets(scope)),
    ]
    return "proposal-body:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _scope_sets(scope) -> tuple:
    return (
        scope.countries,
        scope.partner_ids,
        scope.managed_countries,
        scope.managed_partner_ids,
        scope.message_countries,
    )


def _mark(name: str) -> str:
    """A word no one can put on the page: derived from the secret key."""
    digest = salted_hmac("grants.proposal_body", name, algorithm="sha256").hexdigest()
    return f"kept-{name}-{digest[:24]}"
