"""The load test's report (bench/load.py): the signed-in pages as multiples of the floor, the
targets on those ratios, and the hand-written notes kept from one run to the next."""

from bench import load


def _row(cpu_ms: float) -> dict:
    return {"cpu_ms": cpu_ms, "rps": 1.0, "p50_ms": 1.0, "p95_ms": 1.0, "p99_ms": 1.0,
            "errors": 0, "requests": 10}  # fmt: skip


def _results(**cpu) -> dict:
    names = {"floor": load.FLOOR, "bare": load.BARE, "queue": "partner queue",
             "proposal": "proposal page (partner)", "dashboard": "applicant dashboard",
             "form": "proposal form"}  # fmt: skip
    return {names[key]: _row(value) for key, value in cpu.items()}


def test_signed_in_pages_are_multiples_of_the_floor_of_the_same_run():
    results = _results(floor=8.0, bare=2.0, queue=20.0, dashboard=16.0)
    assert load.floor_ratio(results, "partner queue") == 2.5
    assert load.floor_ratio(results, load.BARE) == 0.25
    assert load.floor_ratio({**results, "home": _row(1.0)}, "home") is None  # public pages: none
    assert load.floor_ratio(_results(queue=20.0), "partner queue") is None  # no floor measured


def test_the_targets_say_met_or_missed_on_the_ratios():
    met = _results(floor=10.0, bare=2.0, queue=25.0, proposal=26.0, dashboard=20.0, form=30.0)
    for name in ("map page", "geojson", "static geojson", "public mix", load.PACED_MIX,
                 load.WORKING_QUEUE):  # fmt: skip
        met[name] = _row(1.0)
    lines = "\n".join(load._targets_section([{"size": 10_000, "results": met, "prepared": {}}]))
    queue_line = "partner queue: at most 2.5 x the floor (gunicorn CPU a request) | **met**"
    assert f"{queue_line} (2.50 x; 2.50 x the floor's own row)" in lines
    assert "proposal page (partner): at most 2.5 x the floor" in lines
    assert "**missed** (2.60 x; 2.60 x the floor's own row)" in lines
    assert "10.0 against 2.0 ms: 5.0 x (reported)" in lines


def test_a_ratio_is_taken_against_the_floor_asked_beside_the_page():
    results = _results(floor=8.0, bare=2.0, queue=20.0)
    results["partner queue"]["floor_beside_ms"] = 10.0  # the machine slowed down meanwhile
    assert load.floor_ratio(results, "partner queue") == 2.0
    assert load.run_floor_ratio(results, "partner queue") == 2.5
    runs = [{"cpu_ms": 8.0, "requests": 300}, {"cpu_ms": 12.0, "requests": 100}]
    assert load.pooled_cpu_ms(runs) == 9.0  # by requests, not the mean of the two


def test_a_new_run_keeps_what_was_written_by_hand(tmp_path, monkeypatch):
    results = tmp_path / "results.md"
    monkeypatch.setattr(load, "RESULTS", results)
    assert load.kept_notes() == ""
    results.write_text(f"# Load test\n\nold numbers\n\n{load.NOTES}\n\nWhat changed and why.\n")
    assert load.kept_notes() == f"{load.NOTES}\n\nWhat changed and why.\n"
