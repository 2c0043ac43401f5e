"""The apps: the only part of totkit that imports ipywidgets.

Each notebook calls one function here; it returns the app's root widget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ipywidgets


def start_app() -> ipywidgets.Widget:
    """The start app: language, join or resume, the resume code, progress and links."""
    from totkit.ui.start import StartApp

    return StartApp.from_request().widget


def readiness_app() -> ipywidgets.Widget:
    """The readiness diagnostic: one dimension at a time, saved as answered, then results."""
    from totkit.ui.readiness import ReadinessApp

    return ReadinessApp.from_request().widget


def gaps_app() -> ipywidgets.Widget:
    """The context-gap analysis: rate each factor, rank the gaps, adapt for the priorities."""
    from totkit.ui.gaps import GapsApp

    return GapsApp.from_request().widget


def plan_app() -> ipywidgets.Widget:
    """The follow-up plan (RTL): header, sessions, commitments, mentoring, indicators, actions."""
    from totkit.ui.plan import PlanApp

    return PlanApp.from_request().widget


def monitoring_app() -> ipywidgets.Widget:
    """Monitoring: what really happened after the TOT, against the plan."""
    from totkit.ui.monitoring import MonitoringApp

    return MonitoringApp.from_request().widget


def dashboard_app() -> ipywidgets.Widget:
    """The facilitator's dashboard, opened with the workshop code and the facilitator key."""
    from totkit.ui.dashboard import DashboardApp

    return DashboardApp.from_request().widget


__all__ = [
    "dashboard_app",
    "gaps_app",
    "monitoring_app",
    "plan_app",
    "readiness_app",
    "start_app",
]
