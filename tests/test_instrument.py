"""Instrument files: the shipped readiness diagnostic; bad files refused with file, line, fix.

Every bad file is a copy of the shipped ``readiness.yaml`` with one text edit, so the line of
the offending place is found in the edited text rather than written into the test.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import BaseModel

from totkit.instrument import InstrumentError, Text, instrument_path, load_instrument
from totkit.model import InstrumentRef
from totkit.paths import default_templates_dir

SHIPPED = instrument_path("readiness", default_templates_dir())
DIMENSIONS = (
    "selection",
    "motivation",
    "mandate",
    "leadership",
    "peers",
    "context",
    "mentoring",
    "capacity",
    "evaluation",
)
BANDS = ("at_risk", "developing", "ready")
CAUSES = {
    "certificates over implementation",
    "structural barriers",
    "no mentoring or follow-up",
    "context gap",
    "motivation and social dynamics",
    "organisational culture and leadership",
    "evaluation of process, not impact",
}


@pytest.fixture(scope="module")
def readiness():
    return load_instrument(SHIPPED)


# -- the shipped instrument -------------------------------------------------------------------


def test_shipped_readiness_loads_with_the_nine_dimensions_in_order(readiness):
    assert readiness.id == "readiness"
    assert readiness.version == "1.0"
    assert tuple(dim.id for dim in readiness.dimensions) == DIMENSIONS
    assert [label.value for label in readiness.scale] == [1, 2, 3, 4, 5]
    assert [(band.id, band.lower) for band in readiness.bands] == [
        ("at_risk", 0),
        ("developing", 50),
        ("ready", 70),
    ]


@pytest.mark.parametrize("dimension_id", DIMENSIONS)
def test_every_dimension_has_three_to_five_items_and_a_reverse_item(readiness, dimension_id):
    dim = next(dim for dim in readiness.dimensions if dim.id == dimension_id)
    assert 3 <= len(dim.items) <= 5
    assert any(item.reverse for item in dim.items), f"{dim.id} has no reverse item"
    assert not all(item.reverse for item in dim.items), f"{dim.id} has only reverse items"
    assert dim.weight == 1
    assert dim.cause in CAUSES, f"{dim.id}: cause {dim.cause!r} is not one of the essay's seven"


def test_item_ids_are_unique_and_named_after_their_dimension(readiness):
    ids = [item.id for dim in readiness.dimensions for item in dim.items]
    assert len(ids) == len(set(ids))
    for dim in readiness.dimensions:
        prefixes = {item.id.rsplit("_", 1)[0] for item in dim.items}
        assert len(prefixes) == 1, f"{dim.id} mixes item prefixes {prefixes}"
        assert all(re.fullmatch(r"[a-z]+_[1-5]", item.id) for item in dim.items)
    assert readiness.dimension_of["sel_1"] == "selection"


def test_every_band_has_one_to_three_recommendations_each_with_a_source(readiness):
    for dim in readiness.dimensions:
        assert tuple(dim.recommendations) == BANDS, dim.id
        for band, recommendations in dim.recommendations.items():
            assert 1 <= len(recommendations) <= 3, f"{dim.id}.{band}"
            for recommendation in recommendations:
                assert recommendation.source.strip(), f"{dim.id}.{band} lacks a source"


def _texts(node: object, where: str = "instrument"):
    """Every ``Text`` in the instrument, with where it is."""
    if isinstance(node, Text):
        yield where, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _texts(getattr(node, name), f"{where}.{name}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _texts(child, f"{where}.{index}")
    elif isinstance(node, dict):
        for key, child in node.items():
            yield from _texts(child, f"{where}.{key}")


def test_every_text_is_written_in_both_languages(readiness):
    texts = list(_texts(readiness))
    items = sum(len(dim.items) for dim in readiness.dimensions)
    assert len(texts) > items  # the walk found the item texts and more
    for where, text in texts:
        assert text.id.strip() and text.en.strip(), where
        assert text.id.strip() != text.en.strip(), f"{where} is not translated"
        assert text("id") == text.id and text("en") == text.en


def test_sha256_and_ref_identify_the_file(readiness):
    assert readiness.sha256 == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()
    ref = readiness.ref()
    assert isinstance(ref, InstrumentRef)
    assert (ref.id, ref.version, ref.sha256) == ("readiness", "1.0", readiness.sha256)


def test_reverse_items_score_six_minus_the_answer(readiness):
    assert readiness.items["sel_3"].reverse
    assert [readiness.items["sel_3"].score(answer) for answer in range(1, 6)] == [5, 4, 3, 2, 1]
    assert [readiness.items["sel_1"].score(answer) for answer in range(1, 6)] == [1, 2, 3, 4, 5]


# -- bad files: refused with the file, the line and the fix -----------------------------------


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line containing ``needle``."""
    found = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(found) >= occurrence, f"{needle!r} occurs {len(found)} times in the edited text"
    return found[occurrence - 1]


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in readiness.yaml"
    return text.replace(old, new)


def replace_first(text: str, old: str, new: str) -> str:
    assert old in text, f"{old!r} is not in readiness.yaml"
    return text.replace(old, new, 1)


@dataclass
class Bad:
    edit: Callable[[str], str]
    line: Callable[[str], int]  # the offending line, found in the edited text
    fix_en: str
    fix_id: str


ITEM_EN = '          en: "I intend to use what I learn in my daily work."\n'
SOURCE = '          source: "Esai: monitoring yang konsisten"\n'
CONTEXT_CAUSE = '    cause: "context gap"\n'
REVERSE = "        reverse: true\n"


def _line_of_recommendation_without_source(edited: str) -> int:
    """The ``- text:`` line that starts the first recommendation whose source was removed."""
    original = SHIPPED.read_text(encoding="utf-8")
    removed_at = line_of(original, SOURCE.strip())
    lines = edited.splitlines()
    for number in range(removed_at - 1, 0, -1):
        if lines[number - 1].strip() == "- text:":
            return number
    raise AssertionError("no recommendation before the removed source")


BAD_FILES = [
    pytest.param(
        Bad(
            lambda s: replace_once(s, 'name: {id: "Siap", en: "Ready"}', 'name: {id: "Siap"}'),
            lambda s: line_of(s, 'name: {id: "Siap"}'),
            "Add that key",
            "Tambahkan kunci itu",
        ),
        id="missing-english-text",
    ),
    pytest.param(
        Bad(
            lambda s: replace_once(s, ITEM_EN, '          en: ""\n'),
            lambda s: line_of(s, 'en: ""'),
            "Write the text",
            "Tulis teksnya",
        ),
        id="empty-english-text",
    ),
    pytest.param(
        Bad(
            lambda s: replace_once(s, ITEM_EN, ""),
            # the `text:` entry of mot_1, which now has no `en`
            lambda s: line_of(s, "- id: mot_1") + 1,
            "Add that key",
            "Tambahkan kunci itu",
        ),
        id="missing-english-item-text-block",
    ),
    pytest.param(
        Bad(
            lambda s: replace_once(s, "- id: mot_2\n", "- id: sel_2\n"),
            lambda s: line_of(s, "- id: sel_2", occurrence=2),
            "Give every item its own id",
            "Beri setiap butir id yang unik",
        ),
        id="duplicate-item-id",
    ),
    pytest.param(
        Bad(
            lambda s: replace_once(s, "- id: peers\n", "- id: leadership\n"),
            lambda s: line_of(s, "- id: leadership", occurrence=2),
            "Give every dimension its own id",
            "Beri setiap dimensi id yang unik",
        ),
        id="duplicate-dimension-id",
    ),
    pytest.param(
        Bad(
            lambda s: replace_first(s, REVERSE, '        reverse: "yes"\n'),
            lambda s: line_of(s, 'reverse: "yes"'),
            "true or false",
            "true atau false",
        ),
        id="reverse-string",
    ),
    pytest.param(
        Bad(
            lambda s: replace_first(s, REVERSE, "        reverse: 1\n"),
            lambda s: line_of(s, "reverse: 1"),
            "true or false",
            "true atau false",
        ),
        id="reverse-number",
    ),
    pytest.param(
        Bad(
            lambda s: replace_once(s, "    from: 70\n", "    from: 40\n"),
            lambda s: line_of(s, "from: 40"),
            "List bands from lowest to highest",
            "Urutkan kategori dari terendah ke tertinggi",
        ),
        id="bands-out-of-order",
    ),
    pytest.param(
        Bad(
            lambda s: replace_once(s, "    from: 0\n", "    from: 10\n"),
            lambda s: line_of(s, "from: 10"),
            "must start from 0",
            "harus mulai dari 0",
        ),
        id="bands-not-from-zero",
    ),
    pytest.param(
        Bad(
            lambda s: replace_first(s, SOURCE, ""),
            _line_of_recommendation_without_source,
            "Add that key",
            "Tambahkan kunci itu",
        ),
        id="recommendation-without-source",
    ),
    pytest.param(
        Bad(
            lambda s: replace_once(s, CONTEXT_CAUSE, CONTEXT_CAUSE + '    note: "x"\n'),
            lambda s: line_of(s, 'note: "x"'),
            "Remove it or check its spelling",
            "Hapus atau periksa ejaannya",
        ),
        id="unknown-key",
    ),
    pytest.param(
        Bad(
            lambda s: replace_once(
                s, CONTEXT_CAUSE, CONTEXT_CAUSE + '    notes:\n      id: "x"\n      en: "y"\n'
            ),
            lambda s: line_of(s, "    notes:"),
            "Remove it or check its spelling",
            "Hapus atau periksa ejaannya",
        ),
        id="unknown-key-with-block-value",
    ),
    pytest.param(
        Bad(
            lambda s: replace_once(s, CONTEXT_CAUSE, "    cause: context: gap\n"),
            lambda s: line_of(s, "cause: context: gap"),
            "Check the indentation and colons",
            "Periksa indentasi dan tanda titik dua",
        ),
        id="yaml-syntax-error",
    ),
    pytest.param(
        Bad(
            lambda s: replace_once(
                s, "    weight: 1\n" + CONTEXT_CAUSE, "    weight 1\n" + CONTEXT_CAUSE
            ),
            lambda s: line_of(s, "    weight 1"),
            "Check the indentation and colons",
            "Periksa indentasi dan tanda titik dua",
        ),
        id="yaml-missing-colon",
    ),
    pytest.param(
        Bad(
            lambda s: replace_once(s, CONTEXT_CAUSE, CONTEXT_CAUSE + "    weight: 2\n"),
            lambda s: line_of(s, "weight: 2"),
            "Remove one of them",
            "Hapus salah satunya",
        ),
        id="duplicate-mapping-key",
    ),
    pytest.param(
        Bad(
            lambda s: replace_once(s, "  - id: developing\n", "  - id: at_risk\n"),
            lambda s: line_of(s, "  - id: at_risk", occurrence=2),
            "Give every band its own id",
            "Beri setiap kategori id yang unik",
        ),
        id="duplicate-band-id",
    ),
    pytest.param(
        Bad(
            lambda s: replace_once(s, "bands:\n", "sha256: abc\nbands:\n"),
            lambda s: line_of(s, "sha256: abc"),
            "Remove it or check its spelling",
            "Hapus atau periksa ejaannya",
        ),
        id="hash-is-computed-not-written",
    ),
]


@pytest.mark.parametrize("bad", BAD_FILES)
def test_a_bad_file_is_refused_with_the_file_the_line_and_the_fix(bad: Bad, tmp_path: Path):
    edited = bad.edit(SHIPPED.read_text(encoding="utf-8"))
    path = tmp_path / "readiness.yaml"
    path.write_text(edited, encoding="utf-8")

    with pytest.raises(InstrumentError) as caught:
        load_instrument(path)

    error = caught.value
    expected = bad.line(edited)
    assert error.file == str(path)
    assert error.line == expected, (
        f"line {error.line} ({edited.splitlines()[error.line - 1].strip()!r}) "
        f"instead of {expected} ({edited.splitlines()[expected - 1].strip()!r})"
        if error.line
        else f"no line instead of {expected}"
    )
    english, indonesian = error.message("en"), error.message("id")
    assert english.startswith(f"{path}, line {expected}: "), english
    assert indonesian.startswith(f"{path}, baris {expected}: "), indonesian
    assert bad.fix_en in english
    assert bad.fix_id in indonesian


def test_the_shipped_file_is_untouched_by_the_bad_cases(readiness):
    assert load_instrument(SHIPPED).sha256 == readiness.sha256
