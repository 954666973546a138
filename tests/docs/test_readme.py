"""The README names only settings, commands, options and paths that exist, and every server setting.

Settings come from :class:`sync_server.config.Settings` and from what the start script and the CLI
read from the environment; commands and options from the CLIs' own argument parsers.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from pydantic import AliasChoices

from mobile_app.__main__ import build_parser as tablet_parser
from sync_server.__main__ import build_parser as server_parser
from sync_server.config import Settings
from tests.docs.examples import section

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
ENV_NAME = re.compile(r"\b(?:SAOLUU_[A-Z0-9_]+|DATABASE_URL)\b")
SHELL_READ = re.compile(r"\$\{(SAOLUU_[A-Z0-9_]+)")
PYTHON_READ = re.compile(r"environ(?:\.get\(|\[)\s*\"(SAOLUU_[A-Z0-9_]+)\"")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
TOP_LEVEL = ("common/", "sync_server/", "mobile_app/", "tests/", "bench/", "scripts/", "build/", "docs/")


def setting_names() -> dict[str, set[str]]:
    """Each setting of the server with the environment variables that set it."""
    names: dict[str, set[str]] = {}
    for field, info in Settings.model_fields.items():
        alias = info.validation_alias
        names[field] = set(alias.choices) if isinstance(alias, AliasChoices) else {f"SAOLUU_{field.upper()}"}  # type: ignore[misc]
    return names


def variables_read_elsewhere() -> set[str]:
    """``SAOLUU_*`` variables the scripts and the applications read outside the settings."""
    found: set[str] = set()
    for script in (ROOT / "scripts").glob("*.sh"):
        found |= set(SHELL_READ.findall(script.read_text(encoding="utf-8")))
    for package in ("sync_server", "mobile_app"):
        for module in (ROOT / package).rglob("*.py"):
            found |= set(PYTHON_READ.findall(module.read_text(encoding="utf-8")))
    return found


def readme() -> str:
    return README.read_text(encoding="utf-8")


def code_pieces(text: str) -> list[str]:
    """Inline code spans and the lines of fenced code blocks."""
    fenced = re.findall(r"^```[a-z]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    outside = re.sub(r"^```[a-z]*\n.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    return CODE_SPAN.findall(outside) + [line for block in fenced for line in block.splitlines()]


def options(parser: argparse.ArgumentParser) -> set[str]:
    return {o for action in parser._actions for o in action.option_strings}


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_variable_the_readme_names_is_read_by_the_code() -> None:
    known = {name for names in setting_names().values() for name in names} | variables_read_elsewhere()
    named = set(ENV_NAME.findall(readme()))
    assert named - known == set(), "the README names variables nothing reads"


def test_every_server_setting_is_in_the_configuration_table() -> None:
    table = section(readme(), "Cấu hình")
    first_cells = {
        name
        for row in table.splitlines()
        if row.startswith("| `")
        for name in ENV_NAME.findall(row.split(" | ")[0])
    }
    missing = {field for field, names in setting_names().items() if not names & first_cells}
    assert missing == set(), "settings missing from the README's configuration table"


def test_every_command_and_option_the_readme_shows_exists() -> None:
    commands = subcommands(server_parser())
    tablet = options(tablet_parser())
    every_option = tablet.union(*(options(p) for p in commands.values()))
    checked = 0
    for piece in code_pieces(readme()):
        words = piece.split()
        if "sync_server" in words and words.index("sync_server") + 1 < len(words):
            command = words[words.index("sync_server") + 1]
        elif words and words[0] in commands:
            command = words[0]
        else:
            command = None
        shown = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", piece))
        if command is not None:
            assert command in commands, f"no command {command!r}: {piece}"
            assert shown <= options(commands[command]), (
                f"{command} takes no {shown - options(commands[command])}"
            )
        elif "mobile_app" in words:
            assert shown <= tablet, f"the tablet app takes no {shown - tablet}"
        elif words and words[0].startswith("--"):
            assert shown <= every_option, f"no command takes {shown - every_option}"
        else:
            continue
        checked += 1
    assert checked >= 10, "the README's commands were not found"


def test_every_path_the_readme_names_exists() -> None:
    named = {
        word.rstrip(".,:;)")
        for piece in code_pieces(readme())
        for word in piece.split()
        if word.startswith(TOP_LEVEL) and "<" not in word
    }
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert missing == [], "the README names paths that do not exist"
