"""Settings a facilitator may change, read from ``settings.yaml`` in the templates folder.

The plan check's windows (``first_mentoring_days`` and the others) count whole days after the
TOT's last day (day 0), both ends included; ``templates/settings.yaml`` gives their sources.
``stalled_days`` is the monitoring's threshold (``totkit.monitoring``): a planner with
something due and no activity for that many days (or more) is "stalled".
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from totkit.errors import InputError
from totkit.paths import templates_dir

WINDOW_DAYS = ("first_mentoring_days", "first_session_days", "follow_up_from_days",
               "follow_up_to_days")
# Settings that count whole days.
WHOLE_DAYS = (*WINDOW_DAYS, "stalled_days")


@dataclass(frozen=True)
class Settings:
    session_hours: float = 12
    # The plan check's windows, in days after the TOT's last day (day 0).
    first_mentoring_days: int = 30
    first_session_days: int = 60
    follow_up_from_days: int = 90
    follow_up_to_days: int = 180
    # Monitoring: "stalled" after this many days without activity while something is due.
    stalled_days: int = 45


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
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise InputError("error.settings_positive", field=key, file=str(path))
        if key in WHOLE_DAYS:
            if value != int(value):
                raise InputError("error.settings_whole_days", field=key, file=str(path))
            raw[key] = int(value)
    settings = Settings(**raw)
    if settings.follow_up_from_days > settings.follow_up_to_days:
        raise InputError("error.settings_window_order", field="follow_up_from_days",
                         file=str(path))
    return settings
