"""The staff group (administrators and reviewers) is written down once, in :data:`common.vocab.STAFF`."""

from __future__ import annotations

import ast
from pathlib import Path

from common.vocab import STAFF, Role

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("common", "sync_server", "mobile_app")
GROUP = {"ADMIN", "REVIEWER"}
EVERY_ROLE = {role.name for role in Role}


def _groups(path: Path) -> list[str]:
    """Places in ``path`` that list both ``Role.ADMIN`` and ``Role.REVIEWER`` but not every role (a
    set, a tuple, a list or the arguments of a call), or compare a role with both."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            items = node.elts
        elif isinstance(node, ast.Call):
            items = node.args
        elif isinstance(node, ast.BoolOp):
            items = [c for v in node.values if isinstance(v, ast.Compare) for c in v.comparators]
        else:
            continue
        roles = {i.attr for i in items if isinstance(i, ast.Attribute) and ast.unparse(i.value) == "Role"}
        if roles >= GROUP and roles != EVERY_ROLE:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_staff_group_is_defined_once() -> None:
    places = [p for pkg in PACKAGES for path in sorted((ROOT / pkg).rglob("*.py")) for p in _groups(path)]
    assert len(places) == 1 and places[0].startswith("common/vocab.py:"), places
    assert frozenset({Role.ADMIN, Role.REVIEWER}) == STAFF
