"""Workshop codes, resume codes, facilitator keys and session tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from totkit import access
from totkit.errors import AccessDenied, InputError
from totkit.store import Store
from totkit.store.schema import sessions, workbooks, workshops
from totkit.store.store import utcnow


def test_codes_and_keys_are_stored_as_hmac_only(store, tmp_path):
    created = store.create_workshop("TOT")
    joined = store.join(created.code, {"name": "Ani"})
    raw = (tmp_path / "totkit.db").read_bytes()
    for secret in (created.code, created.key, joined.resume_code, joined.token):
        assert secret.encode() not in raw
    with store.engine.connect() as conn:
        stored = conn.execute(select(workshops.c.code_digest, workshops.c.key_digest)).one()
        resume = conn.execute(select(workbooks.c.resume_digest)).scalar_one()
        token = conn.execute(select(sessions.c.token_digest)).scalar_one()
    assert stored.code_digest == access.digest(store.secret, "workshop", created.code)
    assert len(resume) == len(token) == 64


def test_secret_lives_in_the_data_folder_readable_by_owner_only(store, tmp_path):
    secret = store.secret
    path = tmp_path / access.SECRET_FILE
    assert path.read_text().strip() == secret.hex()
    assert path.stat().st_mode & 0o077 == 0
    assert Store(store.url, folder=tmp_path).secret == secret


def test_another_secret_opens_nothing(store, workshop, tmp_path):
    other_folder = tmp_path / "other"
    stranger = Store(store.url, folder=other_folder)
    with pytest.raises(AccessDenied):
        stranger.workshop_id(workshop.code)


def test_resume_code_is_three_words_and_resumes_the_same_workbook(store, workshop, joined):
    assert len(joined.resume_code.split("-")) == 3
    assert all(word in access.words() for word in joined.resume_code.split("-"))
    spoken = joined.resume_code.upper().replace("-", " ")
    token = store.resume(workshop.code.lower(), spoken)
    assert token != joined.token
    assert store.open_session(token) == joined.workbook_id


def test_facilitator_key(store, workshop):
    assert store.check_facilitator_key(workshop.code, workshop.key.lower()) == workshop.id
    with pytest.raises(AccessDenied) as caught:
        store.check_facilitator_key(workshop.code, "AAAA-BBBB-CCCC-DDDD")
    assert caught.value.field == "facilitator_key"


def test_expired_session_is_refused(store, joined):
    store.expire_session(joined.token, utcnow() - timedelta(seconds=1))
    with pytest.raises(AccessDenied) as caught:
        store.open_session(joined.token)
    assert caught.value.key == "error.session_expired"


@pytest.mark.parametrize("token", ["", "forged", "x" * 43, "' OR 1=1 --"])
def test_forged_session_is_refused(store, joined, token):
    with pytest.raises(AccessDenied) as caught:
        store.open_session(token)
    assert caught.value.key == "error.session_invalid"


def test_session_tokens_expire_after_the_configured_hours(store, joined):
    with store.engine.connect() as conn:
        row = conn.execute(select(sessions.c.created_at, sessions.c.expires_at)).first()
    assert row.expires_at - row.created_at == timedelta(hours=12)


@pytest.mark.parametrize(
    ("call", "error", "field", "key"),
    [
        (lambda s, w: s.join(w.code, {"name": ""}), InputError, "name", "error.required"),
        (lambda s, w: s.join(w.code, {"name": "x" * 10_000}), InputError, "name", "error.too_long"),
        (
            lambda s, w: s.join("NOPE42", {"name": "Ani"}),
            AccessDenied,
            "workshop_code",
            "error.unknown_workshop",
        ),
        (
            lambda s, w: s.resume("NOPE42", "air-api-awan"),
            AccessDenied,
            "workshop_code",
            "error.unknown_workshop",
        ),
        (
            lambda s, w: s.resume(w.code, "air-api-awan"),
            AccessDenied,
            "resume_code",
            "error.wrong_resume_code",
        ),
        (lambda s, w: s.resume(w.code, ""), AccessDenied, "resume_code", "error.wrong_resume_code"),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_no_row(
    store, workshop, joined, row_counts, call, error, field, key
):
    before = row_counts()
    with pytest.raises(error) as caught:
        call(store, workshop)
    assert (caught.value.field, caught.value.key) == (field, key)
    field_names = {
        "name": ("Name", "Nama"),
        "workshop_code": ("Workshop code", "Kode lokakarya"),
        "resume_code": ("resume code", "Kode lanjut"),
    }[field]
    assert field_names[0].lower() in caught.value.message("en").lower()
    assert field_names[1].lower() in caught.value.message("id").lower()
    assert row_counts() == before


def test_right_code_for_the_wrong_workshop_opens_nothing(store, workshop, joined, row_counts):
    other = store.create_workshop("Another TOT")
    before = row_counts()
    with pytest.raises(AccessDenied) as caught:
        store.resume(other.code, joined.resume_code)
    assert caught.value.key == "error.wrong_resume_code"
    assert row_counts() == before


def test_workshop_code_must_be_unique(store, workshop):
    with pytest.raises(InputError) as caught:
        store.create_workshop("Copy", code=workshop.code)
    assert caught.value.field == "workshop_code"


def test_codes_use_unambiguous_characters():
    for _ in range(50):
        code = access.new_workshop_code()
        assert len(code) == 6 and not set(code) & set("01OI")
        key = access.new_facilitator_key()
        assert len(access.normalize_key(key)) == 16


def test_reset_facilitator_key_makes_the_old_one_stop_working(store, workshop):
    new_key = store.reset_facilitator_key(workshop.code)
    assert store.check_facilitator_key(workshop.code, new_key) == workshop.id
    with pytest.raises(AccessDenied):
        store.check_facilitator_key(workshop.code, workshop.key)


def test_a_reissued_resume_code_works_and_the_old_one_does_not(store, workshop, joined):
    code = store.reissue_resume_code(workshop.id, joined.workbook_id)
    assert code != joined.resume_code
    assert store.open_session(store.resume(workshop.code, code)) == joined.workbook_id
    with pytest.raises(AccessDenied):
        store.resume(workshop.code, joined.resume_code)


def test_a_resume_code_is_not_a_facilitator_key(store, workshop, joined):
    with pytest.raises(AccessDenied):
        store.check_facilitator_key(workshop.code, joined.resume_code)


def test_reissue_only_within_its_own_workshop(store, workshop, joined):
    other = store.create_workshop("Other")
    with pytest.raises(AccessDenied):
        store.reissue_resume_code(other.id, joined.workbook_id)
