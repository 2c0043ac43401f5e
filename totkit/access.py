"""Workshop codes, facilitator keys, resume codes and session tokens.

Codes and keys are never stored: the store keeps HMAC-SHA256 digests under a
secret that lives in the data folder, and compares them in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import random
import re
import secrets
from pathlib import Path

from totkit.paths import PACKAGE_DATA

SECRET_FILE = "secret.key"
WORKSHOP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
_WORDS_FILE = PACKAGE_DATA / "words.txt"


def load_secret(folder: Path) -> bytes:
    """The store's HMAC secret, created (readable by its owner only) on first use."""
    path = folder / SECRET_FILE
    if path.exists():
        return bytes.fromhex(path.read_text().strip())
    folder.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret.hex())
    return secret


def digest(secret: bytes, purpose: str, value: str) -> str:
    """HMAC-SHA256 of a normalised code; ``purpose`` keeps codes of different kinds apart."""
    # surrogatepass: a lone surrogate (never in a real code) digests, and matches nothing
    message = f"{purpose}\x00{value}".encode("utf-8", "surrogatepass")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def words() -> list[str]:
    return _WORDS_FILE.read_text(encoding="utf-8").split()


def new_resume_code(rng: random.Random | None = None) -> str:
    """Three short Indonesian words, e.g. ``kopi-pantai-merah``: easy to say and write."""
    pick = (rng or secrets.SystemRandom()).choice
    vocabulary = words()
    return "-".join(pick(vocabulary) for _ in range(3))


def new_workshop_code(rng: random.Random | None = None) -> str:
    pick = (rng or secrets.SystemRandom()).choice
    return "".join(pick(WORKSHOP_ALPHABET) for _ in range(6))


def new_facilitator_key(rng: random.Random | None = None) -> str:
    pick = (rng or secrets.SystemRandom()).choice
    groups = ("".join(pick(WORKSHOP_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def normalize_workshop_code(code: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", code.upper())


def normalize_resume_code(code: str) -> str:
    return "-".join(re.findall(r"[a-z]+", code.lower()))


def normalize_key(key: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", key.upper())
