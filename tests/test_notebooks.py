"""Every notebook runs headless, stays thin, and builds its key widgets with their CSS classes."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from totkit.paths import notebooks_dir

NOTEBOOKS = sorted(notebooks_dir().rglob("*.ipynb"))
# The classes browser tests and users' scripts rely on, per app.
KEY_CLASSES = {
    "00_start.ipynb": {
        "totkit-app",
        "totkit-start",
        "totkit-lang",
        "totkit-mode",
        "totkit-join",
        "totkit-workshop-code",
        "totkit-name",
        "totkit-role",
        "totkit-institution",
        "totkit-resume",
        "totkit-resume-workshop",
        "totkit-resume-code-input",
        "totkit-message",
        "totkit-privacy",
    },
    # Without a session (as in JupyterLab) a section app asks for the codes.
    "01_readiness.ipynb": {
        "totkit-app", "totkit-readiness", "totkit-lang", "totkit-save-state", "totkit-sign-in",
        "totkit-resume-workshop", "totkit-resume-code-input", "totkit-resume", "totkit-message",
    },
    "02_context_gap.ipynb": {
        "totkit-app", "totkit-gaps", "totkit-lang", "totkit-save-state", "totkit-sign-in",
        "totkit-resume-workshop", "totkit-resume-code-input", "totkit-resume", "totkit-message",
    },
    "04_monitoring.ipynb": {
        "totkit-app", "totkit-monitoring", "totkit-lang", "totkit-save-state", "totkit-sign-in",
        "totkit-resume-workshop", "totkit-resume-code-input", "totkit-resume", "totkit-message",
    },
    "dashboard.ipynb": {
        "totkit-app", "totkit-dashboard", "totkit-lang", "totkit-dashboard-gate",
        "totkit-workshop-code", "totkit-facilitator-key", "totkit-as-of",
        "totkit-open-dashboard", "totkit-message",
    },
    "03_followup_plan.ipynb": {
        "totkit-app", "totkit-plan", "totkit-lang", "totkit-save-state", "totkit-sign-in",
        "totkit-resume-workshop", "totkit-resume-code-input", "totkit-resume", "totkit-message",
    },
}


def dom_classes(notebook: nbformat.NotebookNode) -> set[str]:
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    return {css for model in state.values() for css in model["state"].get("_dom_classes", [])}


def test_every_notebook_is_listed():
    assert {path.name for path in NOTEBOOKS} == set(KEY_CLASSES)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_is_committed_without_outputs_and_stays_thin(path: Path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert all(not cell["outputs"] and cell["execution_count"] is None for cell in code)
    assert sum(len("".join(cell["source"]).splitlines()) for cell in code) <= 5


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_runs_and_builds_its_key_widgets(path: Path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    errors = [
        o
        for cell in notebook.cells
        for o in cell.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors, errors
    assert KEY_CLASSES[path.name] <= dom_classes(notebook)
