"""The plan's dates as an iCalendar file (icalendar): cascade sessions, mentoring
touchpoints and indicator measurements, in the TOT's time zone.

Choices
-------
* **Time zone**: the plan header's, else the workshop's (WIB = Asia/Jakarta, WITA =
  Asia/Makassar, WIT = Asia/Jayapura), else WIB. The calendar carries its ``VTIMEZONE``.
* **Sessions** are timed events when their hours are known: the plan records a day and a
  duration, not a time of day, so they start at ``SESSION_START`` (08:00 local, when school
  days begin) and last ``hours``; the description says the start time is a placeholder to
  adjust. A session without hours, every mentoring touchpoint and every measurement date is
  an all-day event (``VALUE=DATE``), which no time zone can shift to another day. Entries
  without a date are left out.
* **Reminders**: one ``VALARM`` per event at 08:00 local the day before (``-P1D`` before a
  session at 08:00; ``-PT16H`` before an all-day event's midnight).
* **Updates, not duplicates**: each event's ``UID`` is derived from the workbook id, the kind
  of item and its id (and the date, for a measurement), e.g.
  ``<workbook>-session-s1@totkit``; entry ids never change once given. ``SEQUENCE`` is the
  plan's stored revision and ``DTSTAMP`` the time of the export, so importing a newer export
  updates the events already imported. (An entry removed from the plan is not removed from
  a calendar that imported it earlier: a published file cannot cancel events.)
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any

from totkit.exports.report import DEFAULT_ZONE, ZONES
from totkit.exports.safe import calendar_text
from totkit.i18n import format_time

if TYPE_CHECKING:
    from totkit.exports.report import Report

SESSION_START = time(8, 0)
TIMED_REMINDER = timedelta(days=1)  # before a session's start: 08:00 the day before
ALL_DAY_REMINDER = timedelta(hours=16)  # before an all-day event's midnight: 08:00 the day before
UID_DOMAIN = "totkit"
SUMMARY_LENGTH = 120
_UNSAFE_UID = re.compile(r"[^A-Za-z0-9_.-]")


def write(report: Report) -> bytes:
    return calendar(report).to_ical()


def zone_id(report: Report) -> str:
    """The IANA zone of the report's time zone (WIB when neither the plan nor a workshop
    says one)."""
    return ZONES[report.zone or DEFAULT_ZONE]


def uid(report: Report, kind: str, item_id: str, day: date | None = None) -> str:
    """A stable UID: ``<workbook>-<kind>-<item>[-<yyyymmdd>]@totkit``."""
    parts = [report.workbook.id, kind, item_id] + ([day.strftime("%Y%m%d")] if day else [])
    return "-".join(_UNSAFE_UID.sub("_", part) for part in parts) + f"@{UID_DOMAIN}"


def calendar(report: Report) -> Any:
    """The ``icalendar.Calendar`` of ``report``'s plan."""
    from zoneinfo import ZoneInfo

    from icalendar import Calendar

    tzid = zone_id(report)
    zone = ZoneInfo(tzid)
    cal = Calendar()
    cal.add("prodid", f"-//totkit//RTL//{report.lang.upper()}")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # One line: icalendar escapes line breaks in text values, but not in NAME or X- ones.
    name = calendar_text(" ".join(f"{report.t('export.docx.title')}: {report.planner}".split()))
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tzid)
    stamp = report.now.astimezone(timezone.utc)
    sequence = int(report.workbook.versions.get("plan", 0))
    plan = report.workbook.plan

    for session in plan.sessions:
        if session.date is None:
            continue
        lines = [session.objective,
                 _labelled(report, "field.plan_audience", session.audience),
                 _labelled(report, "field.plan_participants", session.participants or ""),
                 _labelled(report, "field.plan_resources", session.resources),
                 _labelled(report, "export.docx.success_indicators",
                           "; ".join(report.indicators[ref].statement
                                     for ref in session.indicators if ref in report.indicators)),
                 _labelled(report, "field.plan_owner", session.owner),
                 _labelled(report, "field.plan_notes", session.notes)]
        if session.hours:
            start: date | datetime = datetime.combine(session.date, SESSION_START, tzinfo=zone)
            end: date | datetime = start + timedelta(hours=session.hours)
            lines.append(report.t("export.ics.start_note",
                                  time=format_time(SESSION_START, report.lang, "short"),
                                  hours=report.number(session.hours)))
        else:
            start, end = session.date, session.date + timedelta(days=1)
        summary = report.t("export.ics.session", title=session.title)
        cal.add_component(_event(uid(report, "session", session.id), summary, start, end,
                                 stamp, sequence, lines, location=session.venue))

    for touchpoint in plan.mentoring:
        if touchpoint.date is None:
            continue
        summary = report.t("export.ics.mentoring", mode=report.choice("mode", touchpoint.mode))
        if touchpoint.mentor:
            summary += f": {touchpoint.mentor}"
        lines = [touchpoint.focus, _labelled(report, "field.plan_mentor", touchpoint.mentor)]
        cal.add_component(_event(uid(report, "mentoring", touchpoint.id), summary,
                                 touchpoint.date, touchpoint.date + timedelta(days=1), stamp,
                                 sequence, lines))

    for indicator in plan.indicators:
        for day in indicator.measurement_dates:
            summary = report.t("export.ics.measurement", statement=indicator.statement)
            lines = [indicator.statement,
                     _labelled(report, "field.plan_level", report.choice("level",
                                                                        indicator.level)),
                     _labelled(report, "field.plan_baseline", indicator.baseline),
                     _labelled(report, "field.plan_target", indicator.target),
                     _labelled(report, "field.plan_source", indicator.source),
                     _labelled(report, "field.plan_owner", indicator.owner)]
            cal.add_component(_event(uid(report, "measurement", indicator.id, day), summary,
                                     day, day + timedelta(days=1), stamp, sequence, lines))

    _add_timezone(cal, tzid, report)
    return cal


def _labelled(report: Report, key: str, value: Any) -> str:
    return f"{report.t(key)}: {value}" if value not in ("", None) else ""


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


def _event(uid_: str, summary: str, start: date | datetime, end: date | datetime,
           stamp: datetime, sequence: int, lines: list[str], location: str = "") -> Any:
    from icalendar import Alarm, Event

    timed = isinstance(start, datetime)
    summary = calendar_text(_short(summary))
    event = Event()
    event.add("uid", uid_)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("transp", "OPAQUE" if timed else "TRANSPARENT")
    description = "\n".join(line for line in lines if line)
    if description:
        event.add("description", calendar_text(description))
    if location:
        event.add("location", calendar_text(location))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -(TIMED_REMINDER if timed else ALL_DAY_REMINDER))
    event.add_component(alarm)
    return event


def _add_timezone(cal: Any, tzid: str, report: Report) -> None:
    """The ``VTIMEZONE`` of ``tzid`` (icalendar 6.1 and later build it from zoneinfo)."""
    from icalendar import Timezone

    days = [report.today, *(event.decoded("dtstart") for event in cal.walk("VEVENT"))]
    days = [day.date() if isinstance(day, datetime) else day for day in days]
    if hasattr(Timezone, "from_tzid"):  # a year either side of the events, and of today
        component = Timezone.from_tzid(tzid, first_date=min(days) - timedelta(days=366),
                                       last_date=max(days) + timedelta(days=366))
        cal.subcomponents.insert(0, component)
