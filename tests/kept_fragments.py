"""For tests of kept fragments (meetandcode.kernel.fragments): which ones were rendered."""

from meetandcode.kernel.fragments import KeptFragments


def count_renders(monkeypatch, module, name: str, what) -> list:
    """Put an empty store in place of ``module.<name>`` (a KeptFragments), which notes
    ``what(values)`` each time it renders a fragment rather than taking a kept one."""
    kept = getattr(module, name)
    fresh = KeptFragments(kept.template_name, kept.kept.limit)
    rendered: list = []
    real = fresh.rendered

    def counted(values, **kwargs):
        context = kwargs.pop("context")

        def counting():
            rendered.append(what(values))
            return context()

        return real(values, context=counting, **kwargs)

    fresh.rendered = counted
    monkeypatch.setattr(module, name, fresh)
    return rendered
