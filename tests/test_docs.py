"""The facilitator's guide in both languages, with pictures that exist."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
GUIDES = [DOCS / "facilitator-guide.md", DOCS / "panduan-fasilitator.md"]


def images(path: Path) -> list[str]:
    return re.findall(r"!\[[^\]]*\]\(([^)]+)\)", path.read_text(encoding="utf-8"))


def test_both_guides_show_the_same_pictures_and_every_picture_exists():
    english, indonesian = (images(guide) for guide in GUIDES)
    assert english and english == indonesian
    missing = [name for name in english if not (DOCS / name).is_file()]
    assert missing == [], "run the browser tests: they take the guide's screenshots"


def test_every_command_in_the_guide_exists():
    from totkit.cli import COMMANDS

    for guide in GUIDES:
        commands = set(re.findall(r"`totkit ([a-z-]+)", guide.read_text(encoding="utf-8")))
        assert commands and commands <= set(COMMANDS), commands - set(COMMANDS)
