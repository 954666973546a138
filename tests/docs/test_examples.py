"""Marked example blocks of a Markdown text: found, compared with what a test produced, rewritten."""

from __future__ import annotations

from tests.docs.examples import drift, marked_blocks, rewrite, unmarked_blocks

DOC = """# Title

<!-- example: first -->
```http
GET /old
```

Prose between.

<!-- example: second -->
```http
```

```json
{"hand": "written"}
```

```bash
echo not an example
```
"""


def test_rewrite_fills_each_marked_block_and_keeps_the_prose() -> None:
    produced = {"first": "GET /new\n", "second": "POST /x\n\n{}\n"}
    text = rewrite(DOC, produced)
    assert drift(text, produced, "doc") == []
    assert "Prose between." in text and '{"hand": "written"}' in text and "GET /old" not in text
    assert marked_blocks(text)[0]["second"].text == "POST /x\n\n{}\n"


def test_drift_names_each_difference() -> None:
    problems = drift(DOC, {"first": "GET /new\n", "third": "x\n"}, "doc")
    assert any("-GET /old" in p and "+GET /new" in p for p in problems)
    assert "example 'third' is produced but not marked in doc" in problems
    assert "doc marks example 'second', which nothing produces" in problems


def test_a_marker_without_a_block_and_a_hand_written_example_are_found() -> None:
    _, problems = marked_blocks("<!-- example: lonely -->\nno block\n")
    assert problems == ["marker 'lonely' (line 1) has no fenced block under it"]
    assert unmarked_blocks(DOC, ("http", "json")) == [14]
