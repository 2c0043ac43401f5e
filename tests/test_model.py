from datetime import datetime, timezone

import pytest

from totkit.errors import InputError
from totkit.model import (
    SCHEMA_VERSION,
    Diagnostic,
    GapEntry,
    Gaps,
    InstrumentRef,
    Plan,
    Profile,
    Workbook,
    json_schema,
    parse,
    progress,
)


def full_workbook() -> Workbook:
    return Workbook(
        id="abc123",
        workshop="TOT Pembelajaran Aktif",
        created_at=datetime(2026, 7, 1, 8, 30, tzinfo=timezone.utc),
        profile=Profile(
            name="Sri Wahyuni", role="Guru kelas IV", institution="SDN 1", language="en"
        ),
        diagnostic=Diagnostic(
            instrument=InstrumentRef.of("readiness", "1.0", b"dimensions: []"),
            answers={"sel_1": 4, "mot_2": 1},
            reflection="Kepala sekolah belum tahu rencana saya. ✓ «ünïcode»",
        ),
        gaps=Gaps(entries=[GapEntry(factor="time", assumed=5, reality=2, importance=3)]),
        plan=Plan(sessions=[{"title": "KKG", "date": "2026-08-01"}]),
        versions={"profile": 2, "diagnostic": 5},
    )


def test_json_round_trip_keeps_everything():
    workbook = full_workbook()
    again = Workbook.from_json(workbook.to_json())
    assert again == workbook
    assert again.schema_version == SCHEMA_VERSION
    assert again.diagnostic.instrument.sha256 == workbook.diagnostic.instrument.sha256


def test_instrument_ref_records_content_hash():
    one = InstrumentRef.of("readiness", "1", b"a")
    other = InstrumentRef.of("readiness", "1", b"b")
    assert one.sha256 != other.sha256 and len(one.sha256) == 64


@pytest.mark.parametrize(
    ("data", "field", "key"),
    [
        ({"name": ""}, "name", "error.required"),
        ({"name": "   "}, "name", "error.required"),
        ({"name": "x" * 10_000}, "name", "error.too_long"),
        ({"name": "Ani", "language": "fr"}, "language", "error.choice"),
        ({"name": "Ani", "nickname": "A"}, "nickname", "error.unknown_field"),
        ({}, "name", "error.required"),
    ],
)
def test_bad_profile_names_the_field(data, field, key):
    with pytest.raises(InputError) as caught:
        parse(Profile, data)
    assert caught.value.field == field
    assert caught.value.key == key


def test_error_message_in_both_languages_names_the_field():
    with pytest.raises(InputError) as caught:
        parse(Profile, {"name": "x" * 10_000})
    assert "Name" in caught.value.message("en") and "120" in caught.value.message("en")
    assert "Nama" in caught.value.message("id") and "120" in caught.value.message("id")


def test_answers_outside_the_scale_are_refused():
    with pytest.raises(InputError) as caught:
        parse(Diagnostic, {"answers": {"sel_1": 6}})
    assert caught.value.key == "error.out_of_range"


def test_bad_json_is_refused_with_a_message():
    with pytest.raises(InputError) as caught:
        Workbook.from_json("{not json")
    assert caught.value.key == "error.json_invalid"


def test_json_schema_describes_every_section():
    schema = json_schema()
    assert set(schema["properties"]) >= {"profile", "diagnostic", "gaps", "plan", "monitoring"}
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION


def test_progress_counts_what_is_filled():
    shares = progress(full_workbook())
    assert shares["profile"] == 1.0
    assert shares["diagnostic"] == 1.0
    assert shares["plan"] == 0.25
    assert shares["monitoring"] == 0.0
