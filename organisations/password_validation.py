"""Refuse breached passwords that Django's CommonPasswordValidator lets through.

Django's validator already refuses, exactly, the 20,000 passwords most common in breaches (its
bundled list). People get past such a list with a year or a sign at the end, or letters swapped
for digits: ``Password2024!``, ``p@ssw0rd``, ``Qwerty123?``. Password crackers try exactly these
decorations first, so a decorated common password is as weak as the plain one. This validator
undoes them (digits and signs at either end, common look-alike digits and signs) and checks what
is left against the same list, and against the names of this site and programme, which every
guessing list for this site would start with.

No bigger list is bundled: none is available from a package registry this project uses (the
SecLists top-10,000 list is mostly within Django's 20,000).
"""

import re
from functools import cached_property

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOOKALIKES = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "+": "t",
    }
)
SITE_WORDS = ("meetandcode", "meetcode", "codeweek")
DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")
MIN_CORE = 4  # "abc1!" stripped to "abc" says nothing: too short to judge


class DecoratedCommonPasswordValidator:
    def __init__(self, password_list_path=CommonPasswordValidator.DEFAULT_PASSWORD_LIST_PATH):
        self.password_list_path = password_list_path

    @cached_property
    def common(self) -> set[str]:
        return CommonPasswordValidator(self.password_list_path).passwords

    def cores(self, password: str) -> set[str]:
        lowered = password.lower().strip()
        candidates = {DECORATION.sub("", lowered)}
        undone = lowered.translate(LOOKALIKES)
        candidates |= {undone, DECORATION.sub("", undone)}
        # Look-alikes first, then the decoration: "p@ssw0rd2024" -> "password".
        candidates.add(DECORATION.sub("", DECORATION.sub("", lowered).translate(LOOKALIKES)))
        return {c for c in candidates if len(c) >= MIN_CORE}

    def validate(self, password, user=None):
        cores = self.cores(password)
        squashed = re.sub(r"[\W_]+", "", password.lower().translate(LOOKALIKES))
        if cores & self.common or any(word in squashed for word in SITE_WORDS):
            raise ValidationError(
                _("This password is a common one with a few changes, which guessing tries first."),
                code="password_too_common",
            )

    def get_help_text(self):
        return _("Your password can't be a common password with digits or signs added.")
