"""Settings a facilitator may change, read from ``settings.yaml`` in the templates folder."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from totkit.errors import InputError
from totkit.paths import templates_dir


@dataclass(frozen=True)
class Settings:
    session_hours: float = 12


def load_settings(folder: Path | None = None) -> Settings:
    import yaml

    path = (folder or templates_dir()) / "settings.yaml"
    if not path.exists():
        return Settings()
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    known = {field.name: field.type for field in fields(Settings)}
    for key, value in raw.items():
        if key not in known:
            raise InputError("error.settings_unknown_key", field=key, file=str(path))
        if not isinstance(value, (int, float)) or value <= 0:
            raise InputError("error.settings_positive", field=key, file=str(path))
    return Settings(**raw)
