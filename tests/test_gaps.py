"""Context-gap analysis: the shipped factors, gap scores, the priority rule at its edges,
refused input, free text kept verbatim, and the dumbbell chart."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from totkit.errors import InputError
from totkit.gaps import (
    MAX_OWN_FACTORS,
    GapEntry,
    Gaps,
    completion,
    context_path,
    gap_score,
    is_own,
    load_context,
    missing_adaptations,
    priority_cutoff,
    priority_gaps,
    ranked,
)
from totkit.instrument import InstrumentError, Text
from totkit.model import InstrumentRef, Profile, Workbook, parse, progress
from totkit.paths import default_templates_dir

SHIPPED = context_path(default_templates_dir())
FACTORS = (
    "time",
    "workload",
    "mandate",
    "leadership",
    "peers",
    "facilities",
    "recipients",
    "language",
    "incentives",
)
# (assumed, reality, importance) giving each reachable score
RATING = {
    0: (3, 3, 2),
    1: (2, 1, 1),
    2: (3, 1, 1),
    3: (4, 1, 1),
    4: (5, 1, 1),
    6: (4, 1, 2),
    8: (5, 1, 2),
    9: (4, 1, 3),
    12: (5, 1, 3),
}


@pytest.fixture(scope="module")
def context():
    return load_context(SHIPPED)


def entry(factor: str, score: int, **more) -> GapEntry:
    assumed, reality, importance = RATING[score]
    return GapEntry(factor=factor, assumed=assumed, reality=reality, importance=importance, **more)


def gaps_of(*scores: int) -> Gaps:
    """One entry per score, on the shipped factors in file order."""
    return Gaps(entries=[entry(FACTORS[n], score) for n, score in enumerate(scores)])


# -- the shipped context file ------------------------------------------------------------------


def test_shipped_context_loads_with_the_nine_factors_in_order(context):
    assert (context.id, context.version) == ("context", "1.0")
    assert tuple(factor.id for factor in context.factors) == FACTORS
    assert [label.value for label in context.scales.condition] == [1, 2, 3, 4, 5]
    assert [label.value for label in context.scales.importance] == [1, 2, 3]
    for factor in context.factors:
        assert factor.source.strip(), f"{factor.id} has no source"


def test_default_path_is_the_templates_context_file(context):
    assert load_context().factors == context.factors


def _texts(node, where="context"):
    if isinstance(node, Text):
        yield where, node
    elif hasattr(type(node), "model_fields"):
        for name in type(node).model_fields:
            yield from _texts(getattr(node, name), f"{where}.{name}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _texts(child, f"{where}.{index}")


def test_every_text_is_written_and_translated(context):
    texts = list(_texts(context))
    assert len(texts) == 2 + 8 + 4 * len(FACTORS)  # title, description, scales, factors
    for where, text in texts:
        assert text.id.strip() and text.en.strip(), where
        assert text.id.strip() != text.en.strip(), f"{where} is not translated"


def test_sha256_and_ref_identify_the_file(context):
    assert context.sha256 == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()
    ref = context.ref()
    assert isinstance(ref, InstrumentRef)
    assert (ref.id, ref.version, ref.sha256) == ("context", "1.0", context.sha256)


# -- bad context files: refused with the file, the line and the fix ----------------------------


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    found = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(found) >= occurrence, f"{needle!r} occurs {len(found)} times"
    return found[occurrence - 1]


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in context.yaml"
    return text.replace(old, new)


PEERS_SOURCE = '    source: "Esai: motivasi peserta dan dinamika internal'
BAD_FILES = [
    pytest.param(
        lambda s: replace_once(s, "  - id: peers\n", "  - id: mandate\n"),
        lambda s: line_of(s, "  - id: mandate", occurrence=2),
        "Give every factor its own id", "Beri setiap faktor id yang unik",
        id="duplicate-factor-id",
    ),
    pytest.param(
        lambda s: replace_once(s, "  - id: peers\n", "  - id: own_1\n"),
        lambda s: line_of(s, "  - id: own_1"),
        "kept for the planners' own factors", "disediakan untuk faktor tambahan",
        id="reserved-own-id",
    ),
    pytest.param(
        lambda s: replace_once(
            s, 'name: {id: "Beban kerja", en: "Workload"}', 'name: {id: "Beban kerja"}'
        ),
        lambda s: line_of(s, 'name: {id: "Beban kerja"}'),
        "Add that key", "Tambahkan kunci itu",
        id="missing-english-name",
    ),
    pytest.param(
        lambda s: replace_once(
            s, 'name: {id: "Beban kerja", en: "Workload"}', 'name: {id: "Beban kerja", en: " "}'
        ),
        lambda s: line_of(s, 'name: {id: "Beban kerja", en: " "}'),
        "Write the text", "Tulis teksnya",
        id="empty-english-name",
    ),
    pytest.param(
        lambda s: re.sub(rf"{re.escape(PEERS_SOURCE)}[^\n]*\n", "", s),
        lambda s: line_of(s, "  - id: peers"),
        "Add that key", "Tambahkan kunci itu",
        id="factor-without-source",
    ),
    pytest.param(
        lambda s: replace_once(s, "  - id: peers\n", "  - id: peers\n    weight: 2\n"),
        lambda s: line_of(s, "    weight: 2"),
        "Remove it or check its spelling", "Hapus atau periksa ejaannya",
        id="unknown-key",
    ),
    pytest.param(
        lambda s: replace_once(
            s, '      label: {id: "Penting", en: "Important"}\n',
            '      label: {id: "Penting", en: "Important"}\n    - value: 4\n'
            '      label: {id: "Mutlak", en: "Absolute"}\n',
        ),
        lambda s: line_of(s, "  importance:"),
        "importance has 3", "importance 3 label",
        id="importance-with-four-labels",
    ),
    pytest.param(
        lambda s: replace_once(s, "    - value: 3\n      label: {id: \"Sangat penting\"",
                               "    - value: 4\n      label: {id: \"Sangat penting\""),
        lambda s: line_of(s, "  importance:"),
        "must list the values 1, 2, 3 in order", "harus berisi nilai 1, 2, 3 berurutan",
        id="importance-out-of-order",
    ),
    pytest.param(
        lambda s: replace_once(s, "  - id: peers\n", "  - id: peers: open\n"),
        lambda s: line_of(s, "  - id: peers: open"),
        "Check the indentation and colons", "Periksa indentasi dan tanda titik dua",
        id="yaml-syntax-error",
    ),
    pytest.param(
        lambda s: "# only a comment\n",
        lambda s: 1,
        "Copy templates/instruments/context.yaml", "Salin templates/instruments/context.yaml",
        id="empty-file",
    ),
]


@pytest.mark.parametrize(("edit", "line", "fix_en", "fix_id"), BAD_FILES)
def test_a_bad_context_file_is_refused_with_the_file_the_line_and_the_fix(
    edit, line, fix_en, fix_id, tmp_path: Path
):
    edited = edit(SHIPPED.read_text(encoding="utf-8"))
    path = tmp_path / "context.yaml"
    path.write_text(edited, encoding="utf-8")

    with pytest.raises(InstrumentError) as caught:
        load_context(path)

    error, expected = caught.value, line(edited)
    assert error.file == str(path)
    assert error.line == expected
    english, indonesian = error.message("en"), error.message("id")
    assert english.startswith(f"{path}, line {expected}: "), english
    assert indonesian.startswith(f"{path}, baris {expected}: "), indonesian
    assert fix_en in english
    assert fix_id in indonesian


# -- gap score ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("assumed", "reality", "importance", "score"),
    [(5, 2, 3, 9), (5, 1, 3, 12), (4, 3, 1, 1), (3, 3, 3, 0), (2, 5, 3, 0), (1, 5, 1, 0),
     (5, 4, 2, 2)],
)
def test_gap_score_is_the_shortfall_times_importance(assumed, reality, importance, score):
    gap = GapEntry(factor="time", assumed=assumed, reality=reality, importance=importance)
    assert gap_score(gap) == gap.score == score


def test_importance_defaults_to_two():
    assert GapEntry(factor="time", assumed=4, reality=2).score == 4


# -- the priority rule at its edges ------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "priorities"),
    [
        pytest.param((9, 6, 4, 3, 2), (9, 6, 4), id="exactly-three-at-four-or-more"),
        pytest.param((4, 4, 4, 4, 3), (4, 4, 4, 4), id="four-at-four-or-more"),
        pytest.param((12, 8, 6, 4, 2, 1), (12, 8, 6, 4), id="all-above-four-no-fill-up"),
        pytest.param((9, 6, 3, 3, 2), (9, 6, 3, 3), id="two-at-four-and-a-tie-at-third"),
        pytest.param((9, 6, 3, 2), (9, 6, 3), id="two-at-four-and-the-third"),
        pytest.param((6, 3, 3, 3, 1), (6, 3, 3, 3), id="one-at-four-and-ties-for-second"),
        pytest.param((2, 2, 2, 2, 1), (2, 2, 2, 2), id="four-tied-at-first"),
        pytest.param((3, 2, 2, 2, 2, 1), (3, 2, 2, 2, 2), id="ties-at-third-beyond-three"),
        pytest.param((3, 2, 1), (3, 2, 1), id="three-small-gaps"),
        pytest.param((2, 1, 0, 0), (2, 1), id="two-non-zero"),
        pytest.param((0, 0, 3, 0), (3,), id="one-non-zero"),
        pytest.param((0, 0, 0, 0), (), id="all-zero"),
        pytest.param((4, 0, 0), (4,), id="a-zero-never-fills-up"),
        pytest.param((), (), id="nothing-rated"),
    ],
)
def test_priority_rule(scores, priorities):
    gaps = gaps_of(*scores)
    flagged = tuple(row.score for row in ranked(gaps) if row.priority)
    assert flagged == priorities
    assert tuple(row.score for row in priority_gaps(gaps)) == priorities
    assert all(row.score > 0 for row in priority_gaps(gaps))


def test_priority_cutoff():
    assert priority_cutoff([9, 6, 4, 3]) == 4
    assert priority_cutoff([9, 6, 3, 3, 2]) == 3
    assert priority_cutoff([1]) == 1
    assert priority_cutoff([0, 0]) is None
    assert priority_cutoff([]) is None


# -- ranking -----------------------------------------------------------------------------------


def test_ranked_by_score_then_file_order_then_own_factors_in_entry_order(context):
    gaps = Gaps(entries=[
        entry("own_2", 3, label="Jarak antarsekolah"),
        entry("incentives", 3),
        entry("own_1", 3, label="Musim panen"),
        entry("time", 9),
        entry("peers", 3),
        entry("legacy_factor", 3),
        entry("mandate", 0),
    ])
    rows = ranked(gaps, context)
    assert [row.factor for row in rows] == [
        "time", "peers", "incentives", "legacy_factor", "own_2", "own_1", "mandate",
    ]
    assert [row.rank for row in rows] == [1, 2, 2, 2, 2, 2, 7]
    assert rows[0].name("id") == "Waktu yang tersedia"
    assert rows[0].name("en") == "Time available"
    assert rows[3].name("en") == "legacy_factor"  # an id the file does not know
    assert rows[4].name("id") == rows[4].name("en") == "Jarak antarsekolah"
    assert rows[4].own and not rows[0].own
    assert [row.priority for row in rows] == [True] * 6 + [False]


def test_ranked_without_a_context_keeps_the_entry_order_for_ties():
    gaps = Gaps(entries=[entry("peers", 2), entry("time", 2)])
    assert [row.factor for row in ranked(gaps)] == ["peers", "time"]


def test_missing_adaptations_lists_priority_gaps_without_one(context):
    gaps = Gaps(entries=[
        entry("time", 9, adaptation="Sesi 45 menit setelah rapat KKG."),
        entry("facilities", 6, adaptation="   "),
        entry("peers", 4),
        entry("language", 2),  # not a priority: three gaps score 4 or more
    ])
    assert [row.factor for row in missing_adaptations(gaps, context)] == ["facilities", "peers"]
    assert completion(gaps) == pytest.approx(0.5 + 0.5 / 3)


def test_progress_counts_rating_and_adapting():
    workbook = Workbook(id="w", workshop="x", created_at=datetime(2026, 7, 1, tzinfo=timezone.utc),
                        profile=Profile(name="Sri"))
    assert progress(workbook)["gaps"] == 0.0
    workbook.gaps = gaps_of(9, 0)
    assert progress(workbook)["gaps"] == 0.5
    workbook.gaps = Gaps(entries=[entry("time", 9, adaptation="Sesi singkat."), entry("peers", 0)])
    assert progress(workbook)["gaps"] == 1.0
    workbook.gaps = gaps_of(0, 0)
    assert progress(workbook)["gaps"] == 1.0  # rated, and no gap to adapt for


# -- own factors -------------------------------------------------------------------------------


def own_entries(count: int) -> list[dict]:
    return [
        {"factor": f"own_{n}", "label": f"Faktor {n}", "assumed": 4, "reality": 2}
        for n in range(1, count + 1)
    ]


def test_ten_own_factors_are_accepted_with_the_context_factors():
    data = {"entries": own_entries(MAX_OWN_FACTORS) + [
        {"factor": factor, "assumed": 3, "reality": 2} for factor in FACTORS
    ]}
    gaps = parse(Gaps, data)
    assert sum(1 for item in gaps.entries if item.own) == 10
    assert is_own("own_10") and not is_own("owner") and not is_own("time")


def test_an_eleventh_own_factor_is_refused_naming_the_field_and_the_limit():
    with pytest.raises(InputError) as caught:
        parse(Gaps, {"entries": own_entries(MAX_OWN_FACTORS + 1)})
    error = caught.value
    assert (error.key, error.field) == ("error.gaps.too_many_own", "own_factors")
    assert "Your own factors" in error.message("en") and "10" in error.message("en")
    assert "Faktor tambahan Anda" in error.message("id") and "10" in error.message("id")


def test_an_eleventh_own_factor_is_refused_on_assignment_too():
    gaps = parse(Gaps, {"entries": own_entries(MAX_OWN_FACTORS)})
    with pytest.raises(InputError):
        gaps.entries = [*gaps.entries, GapEntry(factor="own_11", label="x", assumed=2, reality=1)]


@pytest.mark.parametrize("label", ["", "   "])
def test_an_own_factor_needs_its_label(label):
    with pytest.raises(InputError) as caught:
        parse(Gaps, {"entries": [{"factor": "own_1", "label": label, "assumed": 4, "reality": 2}]})
    error = caught.value
    assert (error.key, error.field) == ("error.gaps.own_label", "label")
    assert error.message("en").startswith("Factor name is required")
    assert error.message("id").startswith("Nama faktor wajib diisi")


def test_a_factor_rated_twice_is_refused():
    data = {"entries": [{"factor": "time", "assumed": 4, "reality": 2},
                        {"factor": "time", "assumed": 3, "reality": 3}]}
    with pytest.raises(InputError) as caught:
        parse(Gaps, data)
    assert (caught.value.key, caught.value.field) == ("error.gaps.duplicate_factor", "factor")
    assert "'time'" in caught.value.message("en")


# -- bad input: refused with a clear message naming the field ----------------------------------


@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        ({"assumed": 0}, "assumed", "error.out_of_range"),
        ({"assumed": 6}, "assumed", "error.out_of_range"),
        ({"reality": -1}, "reality", "error.out_of_range"),
        ({"importance": 4}, "importance", "error.out_of_range"),
        ({"importance": 0}, "importance", "error.out_of_range"),
        ({"assumed": 2.5}, "assumed", "error.invalid"),
        ({"reality": "banyak"}, "reality", "error.invalid"),
        ({"factor": "<script>alert(1)</script>"}, "factor", "error.invalid"),
        ({"factor": "=HYPERLINK(\"x\")"}, "factor", "error.invalid"),
        ({"factor": ""}, "factor", "error.invalid"),
        ({"adaptation": "x" * 2001}, "adaptation", "error.too_long"),
        ({"label": "x" * 201}, "label", "error.too_long"),
        ({"score": 12}, "score", "error.unknown_field"),
    ],
)
def test_bad_entries_are_refused_naming_the_field(change, field, key):
    data = {"factor": "time", "assumed": 4, "reality": 2, **change}
    with pytest.raises(InputError) as caught:
        parse(Gaps, {"entries": [data]})
    assert (caught.value.field, caught.value.key) == (field, key)


def test_missing_ratings_are_required():
    with pytest.raises(InputError) as caught:
        parse(Gaps, {"entries": [{"factor": "time", "assumed": 4}]})
    assert (caught.value.field, caught.value.key) == ("reality", "error.required")
    assert caught.value.message("en").startswith("Field reality is required")
    assert caught.value.message("id").startswith("Kenyataan di lapangan wajib diisi")


def test_a_too_long_adaptation_says_the_limit_in_both_languages():
    with pytest.raises(InputError) as caught:
        parse(Gaps, {"entries": [{"factor": "time", "assumed": 4, "reality": 2,
                                  "adaptation": "a" * 2001}]})
    assert "Adaptation" in caught.value.message("en") and "2000" in caught.value.message("en")
    assert "Rencana adaptasi" in caught.value.message("id")
    assert "2000" in caught.value.message("id")


def test_an_adaptation_of_exactly_the_limit_is_kept():
    gaps = parse(Gaps, {"entries": [{"factor": "time", "assumed": 4, "reality": 2,
                                     "adaptation": "a" * 2000}]})
    assert len(gaps.entries[0].adaptation) == 2000


# -- free text is data: HTML and formulas are stored exactly as typed --------------------------

UNSAFE = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    '=HYPERLINK("http://contoh.invalid","klik")',
    "=1+1",
    "+SUM(A1:A9)",
    "-2+3",
    "@SUM(1,2)",
    "=cmd|' /C calc'!A0",
    "'; DROP TABLE revisions; --",
    "{{ 7*7 }} ${7*7} $5 & $6",
    "Jadwal <b>padat</b> & \"ujian\"\nbaris kedua\ttab ✓ «ünïcode»",
]


@pytest.mark.parametrize("text", UNSAFE)
def test_html_and_formula_text_round_trips_unchanged(text, context):
    data = {
        "instrument": context.ref().model_dump(),
        "entries": [
            {"factor": "time", "assumed": 5, "reality": 2, "importance": 3, "adaptation": text},
            {"factor": "own_1", "label": text, "assumed": 4, "reality": 1, "adaptation": text},
        ],
    }
    gaps = parse(Gaps, data)
    assert gaps.entries[0].adaptation == text
    assert (gaps.entries[1].label, gaps.entries[1].adaptation) == (text, text)

    again = parse(Gaps, gaps.model_dump_json())
    assert again == gaps
    assert json.loads(gaps.model_dump_json())["entries"][1]["label"] == text

    own = next(row for row in ranked(again, context) if row.own)
    assert own.name("id") == own.name("en") == text
    assert own.adaptation == text


def test_free_text_survives_the_whole_workbook_json():
    text = '=HYPERLINK("http://x","y") <script>alert(1)</script>'
    workbook = Workbook(
        id="w", workshop="x", created_at=datetime(2026, 7, 1, tzinfo=timezone.utc),
        profile=Profile(name="Sri"),
        gaps=Gaps(entries=[GapEntry(factor="own_1", label=text, assumed=4, reality=2,
                                    adaptation=text)]),
    )
    again = Workbook.from_json(workbook.to_json())
    assert again.gaps.entries[0].label == text and again.gaps.entries[0].adaptation == text


# -- the chart ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_chart_is_a_responsive_svg_that_marks_the_priority_gaps(context, lang):
    from totkit.charts import gap_chart
    from totkit.i18n import t

    gaps = Gaps(entries=[
        entry("time", 9),
        entry("facilities", 6),
        entry("peers", 3),
        entry("leadership", 0),
        entry("language", 1),
    ])
    svg = gap_chart(context, gaps, lang)
    assert svg.startswith("<svg")
    assert re.match(r'<svg[^>]* width="100%"', svg)
    assert not re.match(r'<svg[^>]* height="', svg)
    assert t("gaps.chart_priority", lang) in svg
    assert t("gaps.chart_assumed", lang) in svg and t("gaps.chart_reality", lang) in svg
    names = {factor.id: factor.name(lang) for factor in context.factors}
    bold_names = re.findall(r'<text style="font-weight: 700[^"]*fill: #c0392b"[^>]*>([^<]*)<', svg)
    assert {names["time"], names["facilities"], names["peers"]} <= set(bold_names)
    assert names["leadership"] not in bold_names and names["language"] not in bold_names


def test_chart_without_priorities_has_no_priority_marks(context):
    from totkit.charts import gap_chart
    from totkit.i18n import t

    svg = gap_chart(context, gaps_of(0, 0, 0), "en")
    assert t("gaps.chart_priority", "en") not in svg
    assert "#c0392b" not in svg
    assert "Time available" in svg


def test_chart_escapes_a_planners_label(context):
    from totkit.charts import gap_chart

    label = "<script>alert(1)</script> $5"
    gaps = Gaps(entries=[GapEntry(factor="own_1", label=label, assumed=4, reality=2)])
    svg = gap_chart(context, gaps, "id")
    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; $5" in svg


def test_chart_of_nothing_rated_says_so(context):
    from totkit.charts import gap_chart
    from totkit.i18n import t

    svg = gap_chart(context, Gaps(), "id")
    assert svg.startswith("<svg") and t("gaps.chart_empty", "id") in svg
