"""What can be checked of the Android packaging without the Flutter SDK, and the import rules."""

from __future__ import annotations

import ast
import sys
import tomllib
from fnmatch import fnmatch
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
FLET = PYPROJECT["tool"]["flet"]
# Binary packages Flet's mobile index (pypi.flet.dev) builds for Android (msgpack is Flet's own);
# SQLAlchemy is installed here with its C speed-ups but also ships a pure py3-none-any wheel.
# Anything else must be pure Python.
MOBILE_INDEX_BINARIES = {"pydantic-core", "pillow", "msgpack"}
PURE_WHEEL_ON_PYPI = {"sqlalchemy"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_flet_build_finds_the_entry_point_the_icon_and_the_project() -> None:
    app = ROOT / FLET["app"]["path"]
    entry = app / f"{FLET['app']['module']}.py"
    assert entry.is_file() and "mobile_app" in _imports(entry)
    assert (app / "assets" / "icon.png").is_file()
    project = (ROOT / FLET["dev_packages"]["saoluu"]).resolve()
    assert (
        tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"] == "saoluu"
    )
    assert "saoluu" in FLET["android"]["dependencies"] and "saoluu" in FLET["source_packages"]


def _closure(requirements: list[str]) -> set[str]:
    """Installed distributions needed by ``requirements`` on this platform (markers evaluated)."""
    seen: set[str] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        name = req.name.lower().replace("_", "-")
        if name in seen or name == "saoluu" or (req.marker and not req.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        todo += [Requirement(r) for r in metadata.requires(name) or []]
    return seen


def test_the_tablet_dependency_set_is_small_and_android_packagable() -> None:
    deps = _closure(PYPROJECT["project"]["dependencies"] + FLET["android"]["dependencies"])
    binaries = set()
    for name in deps:
        wheel = metadata.distribution(name).read_text("WHEEL") or ""
        if "Root-Is-Purelib: true" not in wheel:
            binaries.add(name)
    assert binaries <= MOBILE_INDEX_BINARIES | PURE_WHEEL_ON_PYPI, binaries
    assert len(deps) <= 25, sorted(deps)
    assert "zxing-cpp" not in deps and "flet-web" not in deps


def test_everything_the_app_imports_is_packaged_for_android_at_the_pins_of_the_tablet_extra() -> None:
    deps = _closure(PYPROJECT["project"]["dependencies"] + FLET["android"]["dependencies"])
    providers = metadata.packages_distributions()
    optional = {"zxingcpp"}  # looked up at run time (models/qrscan.py); absent on Android
    for path in (ROOT / "mobile_app").rglob("*.py"):
        for name in _imports(path) - set(sys.stdlib_module_names) - {"mobile_app", "common"} - optional:
            assert {d.lower() for d in providers[name]} & deps, (path, name)
    extra = {
        Requirement(r).name: str(Requirement(r).specifier)
        for r in PYPROJECT["project"]["optional-dependencies"]["tablet"]
    }
    for requirement in FLET["android"]["dependencies"]:
        req = Requirement(requirement)
        if req.name != "saoluu":
            assert extra[req.name] == str(req.specifier), req


def test_models_store_and_sync_import_no_flet_and_nothing_imports_the_server() -> None:
    app = ROOT / "mobile_app"
    for path in app.rglob("*.py"):
        names = _imports(path)
        assert "sync_server" not in names, path
        if path.parent.name in ("models", "sync") or path.name in ("store.py", "container.py"):
            assert "flet" not in names, path
    for path in (ROOT / "common").rglob("*.py"):
        assert not _imports(path) & {"flet", "mobile_app", "sync_server"}, path


def test_common_needs_only_the_projects_own_dependencies_and_ships_its_fonts() -> None:
    """common/ runs on the tablet's embedded Python: the standard library and [project].dependencies."""
    allowed = {"common"}
    for requirement in PYPROJECT["project"]["dependencies"]:
        name = Requirement(requirement).name
        allowed |= set((metadata.distribution(name).read_text("top_level.txt") or name).split())
    allowed |= {"pydantic_core"}  # pinned exactly by pydantic
    for path in (ROOT / "common").rglob("*.py"):
        third_party = {n for n in _imports(path) if n not in sys.stdlib_module_names}
        assert third_party <= allowed, (path, third_party - allowed)
    data = PYPROJECT["tool"]["setuptools"]["package-data"]["common"]
    fonts = sorted(p.name for p in (ROOT / "common" / "fonts").iterdir())
    assert fonts == ["DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "LICENSE.txt"]
    assert all(any(fnmatch(f"fonts/{f}", pattern) for pattern in data) for f in fonts)
