"""The filtered review queue as CSV or XLSX: the same columns, streamed row by row.

Only what the queue itself shows the person is exported (the queryset comes from the queue's
scoped, filtered queryset). Text that a spreadsheet would run as a formula is defused.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

CHUNK = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


def _text(value: str) -> str:
    """A leading =, +, - or @ would make a spreadsheet evaluate the cell: quote it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def rows(proposals) -> Iterator[list]:
    """One list of plain values per proposal (dates as naive local date-times)."""
    for proposal in proposals.iterator(chunk_size=CHUNK):
        score = proposal.avg_score
        yield [
            proposal.pk,
            _text(proposal.title),
            _text(proposal.organisation.name),
            proposal.country_programme.country.code,
            _text(proposal.city),
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


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def _csv_value(value):
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def _csv_lines(proposals) -> Iterable[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte order mark: spreadsheets then read the file as UTF-8
    yield writer.writerow(columns())
    for row in rows(proposals):
        yield writer.writerow([_csv_value(value) for value in row])


def csv_response(proposals) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(proposals), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def xlsx_response(proposals) -> FileResponse:
    """openpyxl's write-only mode keeps one row in memory; the file is then streamed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Proposals"))
    sheet.append(columns())
    for row in rows(proposals):
        sheet.append(row)
    # FileResponse closes the file once sent (the temporary file is then deleted).
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
