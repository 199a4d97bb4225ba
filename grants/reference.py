"""What the partner's pages read at every request besides their data: the person's country
programmes, the editions and the focus groups offered, kept by the versions of their rows
(issue 19).

The queue reads the three to know the person's scope, its budget bars, its filters' choices and
the key of its plan. They are a few dozen rows that change a few times a year (a budget, a
reserved sum after a decision, a new edition), but reading them made three queries and some
sixty model objects a request. One query hashes every row's ``xmin`` and ``ctid`` (as
meetandcode.kernel.kept_bodies does): any write, by a service, the admin or a cascade, changes
the hash, and what was read for the previous hash is never used again. Without PostgreSQL (the
SQLite of ``make run``) they are read at every request.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from meetandcode.kernel.compiled import KeptBuilds
from organisations.permissions import scope_of
from programmes.models import CountryProgramme, Edition

from .filters import focus_groups_offered
from .selectors import queue_programmes

KEPT_SECONDS = 600

#: One hash of the versions of every row of the three tables (a deleted row changes it too).
VERSIONS_SQL = """
SELECT md5(string_agg(version, ',' ORDER BY version)) FROM (
    SELECT 'e' || xmin::text || ctid::text AS version FROM grants_edition
    UNION ALL SELECT 'p' || xmin::text || ctid::text FROM grants_countryprogramme
    UNION ALL SELECT 'f' || xmin::text || ctid::text FROM events_focusgroup
) AS rows
"""

_kept = KeptBuilds(1024 * 1024, KEPT_SECONDS, size_of=lambda reference: reference.size)


@dataclass(frozen=True)
class Reference:
    #: the person's programmes of every edition, with their edition, by country and year
    programmes: tuple[CountryProgramme, ...]
    editions: tuple[Edition, ...]
    #: every focus group with every column (grants.filters.focus_groups_offered)
    focus_groups: tuple

    @property
    def country_codes(self) -> list[str]:
        """The countries of the person's programmes, in order (the country filter's choices)."""
        return sorted({programme.country.code for programme in self.programmes})

    @property
    def size(self) -> int:
        return 1000 * (len(self.programmes) + len(self.editions) + len(self.focus_groups))


def reference_for(user) -> Reference:
    """The person's programmes, the editions and the focus groups, as they are now."""
    version = _versions()
    if version is None:
        return _read(user)
    return _kept.get((version, scope_of(user)), lambda: _read(user))


def _versions() -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(VERSIONS_SQL)
        return cursor.fetchone()[0]


def _read(user) -> Reference:
    return Reference(
        programmes=tuple(queue_programmes(user)),
        editions=tuple(Edition.objects.all()),
        focus_groups=focus_groups_offered(),
    )
