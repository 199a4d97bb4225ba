"""The proposal form's sections, rendered once and kept until a row they show changes (issue 19).

The form's sections (some forty fields, their choices, the budget lines, the extra questions)
were most of the form page's cost; an applicant opening their draft again, or a colleague of
theirs, sees what was rendered last time. The sections are kept as meetandcode.kernel.kept_bodies
describes: ``VERSIONS`` hashes every row they show. They are the same for every member of the
organisation, so the proposal is the only other part of the key. What the page shows around
them (the call's status, which runs by the hour, and possible duplicates) is read per request.
"""

from meetandcode.kernel.kept_bodies import KeptBodies

#: The rows of a proposal's own content and what they name: budget lines, focus groups,
#: languages, answers, the edition's questions and their choices. A branch of a versions
#: query whose CTEs ``proposal`` (id) and ``programme`` (edition_id) hold the proposal's
#: (grants.proposal_body uses it too).
PROPOSAL_CONTENT = """
    UNION ALL SELECT 'line ' || t.id || ' ' || t.xmin || t.ctid FROM "events_budgetline" t
    WHERE t.proposal_id IN (SELECT id FROM proposal)
    UNION ALL SELECT 'focus ' || t.id || ' ' || t.xmin || t.ctid
    FROM "events_proposal_focus_groups" t WHERE t.proposal_id IN (SELECT id FROM proposal)
    UNION ALL SELECT 'group ' || t.id || ' ' || t.xmin || t.ctid FROM "events_focusgroup" t
    UNION ALL SELECT 'spoken ' || t.id || ' ' || t.xmin || t.ctid
    FROM "events_proposal_languages" t WHERE t.proposal_id IN (SELECT id FROM proposal)
    UNION ALL SELECT 'language ' || t.id || ' ' || t.xmin || t.ctid FROM "events_language" t
    UNION ALL SELECT 'answer ' || t.id || ' ' || t.xmin || t.ctid FROM "events_answer" t
    WHERE t.proposal_id IN (SELECT id FROM proposal)
    UNION ALL SELECT 'question ' || t.id || ' ' || t.xmin || t.ctid FROM "programmes_question" t
    WHERE t.edition_id IN (SELECT edition_id FROM programme)
    UNION ALL SELECT 'choice ' || t.id || ' ' || t.xmin || t.ctid
    FROM "programmes_questionchoice" t WHERE t.question_id IN (
        SELECT id FROM "programmes_question" WHERE edition_id IN (SELECT edition_id FROM programme)
    )
"""

# Every row the sections read, as "table id version". The tables are quoted: the guard test
# reads the covered tables from this text.
VERSIONS = f"""
WITH proposal AS (
    SELECT id, organisation_id, country_programme_id FROM "events_proposal" WHERE id = %(proposal)s
), programme AS (
    SELECT c.id, c.edition_id FROM "grants_countryprogramme" c
    JOIN proposal p ON c.id = p.country_programme_id
)
SELECT md5(string_agg(version, ' ' ORDER BY version)) FROM (
    SELECT 'proposal ' || t.id || ' ' || t.xmin || t.ctid FROM "events_proposal" t
    WHERE t.id IN (SELECT id FROM proposal)
    UNION ALL SELECT 'organisation ' || t.id || ' ' || t.xmin || t.ctid
    FROM "organisations_organisation" t WHERE t.id IN (SELECT organisation_id FROM proposal)
    UNION ALL SELECT 'programme ' || t.id || ' ' || t.xmin || t.ctid
    FROM "grants_countryprogramme" t WHERE t.id IN (SELECT id FROM programme)
    UNION ALL SELECT 'edition ' || t.id || ' ' || t.xmin || t.ctid FROM "grants_edition" t
    {PROPOSAL_CONTENT}
) AS versions (version)
"""  # noqa: S608  # nosec B608 (constants only: no value is put into it)

kept = KeptBodies("proposal-form", "events/_sections.html", VERSIONS)


def versions(pk: int) -> str | None:
    """The hash of the versions of every row the sections of proposal ``pk`` show (None without
    PostgreSQL). Ask it before reading any of them."""
    return kept.versions(proposal=pk)


def sections(request, proposal, version: str | None, context) -> str:
    """The sections of ``proposal``'s form, kept under ``version`` or rendered with
    ``context()``."""
    return kept.body(request, version, [proposal.pk], context)
