"""Every catalogue compiles with GNU msgfmt, as the image compiles them (Dockerfile:
``manage.py compilemessages``). ``make install`` compiles with polib, which accepts what msgfmt
refuses (a ``#| msgid_plural`` line without its ``#| msgid``, for one): a catalogue that passes
there but breaks the image's build fails here."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import _skip_or_fail

ROOT = Path(settings.BASE_DIR)
CATALOGUES = sorted(ROOT.glob("locale/*/LC_MESSAGES/django.po"))


def msgfmt_errors(po_file: Path) -> str:
    """msgfmt's complaints about the catalogue; empty when it compiles cleanly."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        _skip_or_fail("needs GNU msgfmt (apt-get install gettext)")
    result = subprocess.run(  # noqa: S603 (a fixed program on our own files)
        [msgfmt, "--check", "-o", "/dev/null", str(po_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    return "" if result.returncode == 0 else (result.stderr or result.stdout or "failed")


def test_there_are_catalogues():
    assert len(CATALOGUES) == len(settings.LANGUAGES)


@pytest.mark.parametrize("po_file", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_msgfmt_compiles_the_catalogue(po_file):
    errors = msgfmt_errors(po_file)
    assert not errors, f"GNU msgfmt refuses {po_file.relative_to(ROOT)}:\n{errors}"


def test_msgfmt_refuses_what_polib_accepts(tmp_path):
    """The check itself: the broken line that once passed CI is caught."""
    po_file = tmp_path / "django.po"
    po_file.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#| msgid_plural "unread"\nmsgid "read at"\nmsgstr "gelesen am"\n',
        encoding="utf-8",
    )
    assert msgfmt_errors(po_file)
