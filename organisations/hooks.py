"""Where the apps above organisations join in, without organisations importing them.

organisations is below events and grants (docs/architecture.md): it may not import them, yet a
person's data export includes their proposals, the approval e-mail carries the award letter and
a changed organisation needs its letters rebuilt. Each of those moments is a hook here; the app
that owns the rest adds its function in its ``AppConfig.ready()``:

- ``export_sections(user, organisation_ids) -> dict``: more sections of the personal-data export
  (events: the proposals the person wrote).
- ``purge_steps(cutoff) -> dict[str, int]``: more of the retention purge, in its transaction
  (events: old drafts deleted, the free text of refused proposals cleared); returns counts.
- ``attachments(notification) -> list[(filename, bytes, mimetype)]``: files an e-mail carries
  (grants: the award letter on the approval e-mail).
- ``organisation_changed(organisation_id, fields)``: after commit of a change of an
  organisation's details (grants: award letters reissued when the letter language changed).
- ``dashboard_sections(user, query) -> dict``: more of the "My organisation" page (grants:
  the proposals with their next step, paged by the address's ``query``).
- ``proposal_submitted(proposal_id)``: after commit of a proposal handed in (grants: its
  integrity signals computed again).
- ``recorded(entry, target)``: in the transaction of every audited change, right after its entry is
  written (meetandcode.api: the webhook deliveries of the happening, written in the same
  transaction, so that they exist exactly when the change does). Must be quick for the actions
  it does not care about.
"""

from collections.abc import Callable, Iterator


class Hook:
    """Functions added by the apps above, called in the order they were added."""

    def __init__(self):
        self._functions: list[Callable] = []

    def register(self, function: Callable) -> Callable:
        """Add ``function`` (once, however often ``ready()`` runs); usable as a decorator."""
        if function not in self._functions:
            self._functions.append(function)
        return function

    def __iter__(self) -> Iterator[Callable]:
        return iter(self._functions)

    def merged(self, *args, **kwargs) -> dict:
        """Every function's answer (a dict) merged into one."""
        answer: dict = {}
        for function in self._functions:
            answer.update(function(*args, **kwargs))
        return answer

    def collected(self, *args, **kwargs) -> list:
        """Every function's answer (a list) one after the other."""
        return [item for function in self._functions for item in function(*args, **kwargs)]


export_sections = Hook()
purge_steps = Hook()
attachments = Hook()
organisation_changed = Hook()
dashboard_sections = Hook()
proposal_submitted = Hook()
recorded = Hook()
