"""Tables as CSV or XLSX, streamed row by row, and the review queue's export.

``table_csv_response`` and ``table_xlsx_response`` serve every export of the dashboard (queue,
payments, figures): text that a spreadsheet would run as a formula is defused in one place
(``meetandcode.kernel.spreadsheet.defuse``, which the public feed /events.csv uses too).
Only what the queue itself shows the person is exported (the queryset comes from the queue's
scoped, filtered queryset).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import batched

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from events import questions as extra_questions
from meetandcode.kernel.spreadsheet import defuse

CHUNK = 2000


def columns() -> list[str]:
    return [
        _("ID"),
        _("Title"),
        _("Organisation"),
        _("Country"),
        _("Town"),
        _("Format"),
        _("Event starts"),
        _("Requested amount"),
        _("Currency"),
        _("Status"),
        _("Average score"),
        _("Reviews"),
        _("Submitted"),
    ]


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def rows(proposals, questions=(), answers_of=None) -> Iterator[list]:
    """One list of plain values per proposal (dates as naive local date-times), then its answers
    to ``questions`` (the edition's extra questions, events.questions.exported), read a chunk
    of proposals at a time."""
    for chunk in batched(proposals.iterator(chunk_size=CHUNK), CHUNK):
        answers = answers_of([proposal.pk for proposal in chunk]) if questions else {}
        for proposal in chunk:
            yield _row(proposal) + [
                extra_questions.export_value(q, answers.get((proposal.pk, q.pk))) for q in questions
            ]


def _row(proposal) -> list:
    score = proposal.avg_score
    return [
        proposal.pk,
        proposal.title,
        proposal.organisation.name,
        proposal.country_programme.country.code,
        proposal.city,
        proposal.get_format_display() if proposal.format else "",
        _local(proposal.starts_at),
        proposal.requested_amount,
        proposal.currency,
        str(proposal.get_status_display()),
        None if score is None else round(Decimal(str(score)), 2),
        proposal.review_count,
        _local(proposal.submitted_at),
    ]


def _filename(extension: str) -> str:
    return f"proposals-{timezone.localdate():%Y-%m-%d}.{extension}"


def _table(proposals) -> tuple[list[str], Iterator[list]]:
    questions, answers_of = extra_questions.exported(proposals)
    several = len({question.edition_id for question in questions}) > 1
    header = columns() + [
        f"{question.edition.code}: {question.text}" if several else question.text
        for question in questions
    ]
    return header, rows(proposals, questions, answers_of)


def csv_response(proposals) -> StreamingHttpResponse:
    return table_csv_response(_filename("csv"), *_table(proposals))


def xlsx_response(proposals) -> FileResponse:
    return table_xlsx_response(_filename("xlsx"), *_table(proposals), sheet=_("Proposals"))


# --- Any table ---------------------------------------------------------------------------------


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return defuse(value)


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def table_csv_response(filename: str, header: list, rows: Iterable[list]) -> StreamingHttpResponse:
    """A CSV file streamed row by row (with a byte order mark, so spreadsheets read UTF-8)."""

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff"
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_csv_value(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_xlsx_response(
    filename: str, header: list, rows: Iterable[list], *, sheet: str
) -> FileResponse:
    """An XLSX file written in openpyxl's write-only mode (one row in memory), then streamed."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(header)
    for row in rows:
        worksheet.append([defuse(value) for value in row])
    # FileResponse closes the file once sent (the temporary file is then deleted).
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
