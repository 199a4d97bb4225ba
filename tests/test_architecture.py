"""The layers contract covers every module of the project's wiring: a new module in meetandcode/
outside the kernel must be named in pyproject.toml's layers, or lint-imports would never check
what it imports."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    [layers] = [
        contract["layers"]
        for contract in config["tool"]["importlinter"]["contracts"]
        if contract["type"] == "layers"
    ]
    return layers


def test_every_module_of_meetandcode_sits_in_a_layer():
    named = {part.strip() for layer in _layers() for part in layer.replace("|", ":").split(":")}
    modules = {
        f"meetandcode.{path.stem}"
        for path in (ROOT / "meetandcode").glob("*.py")
        if path.stem != "__init__"
    }

    assert modules - named == set()
    assert "meetandcode.kernel" in named


def test_the_apps_are_layered_in_the_documented_order():
    apps = [layer for layer in _layers() if not layer.startswith("meetandcode")]

    assert apps == ["grants", "events", "organisations", "programmes"]
    assert _layers()[-1] == "meetandcode.kernel"
