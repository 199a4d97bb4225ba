"""Pages of a list, the same in every endpoint: ``page`` and ``page_size`` in, and the count,
the number of pages and the full addresses of the neighbouring pages out."""

import math
from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest
from ninja import Field, Schema

PAGE_SIZE = 50
LARGEST_PAGE = 200


class Paging(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(PAGE_SIZE, ge=1, le=LARGEST_PAGE)


class Page(Schema):
    """What every list answers besides its ``results``."""

    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None


def page_of(request: HttpRequest, rows, paging: Paging, row: Callable[[object], dict]) -> dict:
    """``rows`` (a queryset, ordered) cut to the asked page, each made a dict by ``row``."""
    count = rows.count()
    pages = max(1, math.ceil(count / paging.page_size))
    start = (paging.page - 1) * paging.page_size
    return {
        "count": count,
        "page": paging.page,
        "pages": pages,
        "next": _link(request, paging.page + 1) if paging.page < pages else None,
        "previous": _link(request, paging.page - 1) if 1 < paging.page <= pages else None,
        "results": [row(one) for one in rows[start : start + paging.page_size]],
    }


def _link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")
