"""Example blocks of a Markdown document that a test produces: find them, compare, rewrite.

A generated block is a fenced code block right after a marker line naming it::

    <!-- example: push-applied -->
    ```http
    …
    ```

The test that produces the examples compares each marked block with what it produced, and (when
:data:`REGENERATE` is set in the environment) rewrites the blocks instead.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

REGENERATE = "SAOLUU_REGENERATE_DOCS"
"""Environment variable: ``1`` rewrites the generated blocks of the documents instead of comparing."""
_MARKER = re.compile(r"^<!-- example: ([a-z0-9][a-z0-9-]*) -->\n", re.MULTILINE)
_FENCE = re.compile(r"^(`{3,})([a-z]*)\n(.*?)^\1\n", re.MULTILINE | re.DOTALL)
_ANY_FENCE = re.compile(r"^(`{3,})([a-z]*)\n.*?^\1\n", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    """A marked block: where its fence starts and ends in the text, and what it holds."""

    name: str
    start: int
    end: int
    lang: str
    text: str


def marked_blocks(markdown: str) -> tuple[dict[str, Block], list[str]]:
    """The marked blocks by name, and the problems found (a marker without a block after it, a name
    used twice)."""
    found: dict[str, Block] = {}
    problems: list[str] = []
    for marker in _MARKER.finditer(markdown):
        name = marker.group(1)
        fence = _FENCE.match(markdown, marker.end())
        if fence is None:
            problems.append(
                f"marker {name!r} (line {_line(markdown, marker.start())}) has no fenced block under it"
            )
            continue
        if name in found:
            problems.append(f"example {name!r} is marked twice")
        found[name] = Block(name, fence.start(), fence.end(), fence.group(2), fence.group(3))
    return found, problems


def unmarked_blocks(markdown: str, langs: tuple[str, ...]) -> list[int]:
    """Line numbers of fenced blocks in one of ``langs`` that no marker names (hand-written examples)."""
    marked = {b.start for b in marked_blocks(markdown)[0].values()}
    return [
        _line(markdown, m.start())
        for m in _ANY_FENCE.finditer(markdown)
        if m.group(2) in langs and m.start() not in marked
    ]


def drift(markdown: str, produced: dict[str, str], where: str) -> list[str]:
    """Every difference between the marked blocks of ``markdown`` and the ``produced`` texts, each a
    readable message (a unified diff for a block whose text differs)."""
    blocks, problems = marked_blocks(markdown)
    for name in sorted(set(produced) - set(blocks)):
        problems.append(f"example {name!r} is produced but not marked in {where}")
    for name in sorted(set(blocks) - set(produced)):
        problems.append(f"{where} marks example {name!r}, which nothing produces")
    for name, block in blocks.items():
        if name in produced and block.text != produced[name]:
            diff = difflib.unified_diff(
                block.text.splitlines(),
                produced[name].splitlines(),
                f"{where} ({name})",
                f"what the server answers ({name})",
                lineterm="",
            )
            problems.append("\n".join(diff))
    return problems


def rewrite(markdown: str, produced: dict[str, str]) -> str:
    """``markdown`` with every marked block holding its produced text (others left as they are)."""
    blocks, _ = marked_blocks(markdown)
    out, at = [], 0
    for block in sorted(blocks.values(), key=lambda b: b.start):
        if block.name not in produced:
            continue
        out += [markdown[at : block.start], f"```{block.lang}\n{produced[block.name]}```\n"]
        at = block.end
    out.append(markdown[at:])
    return "".join(out)


def section(markdown: str, title: str) -> str:
    """The section of ``markdown`` under the level-2 heading that starts with ``title``."""
    start = markdown.index(f"\n## {title}")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else len(markdown)]


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
